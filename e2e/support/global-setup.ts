import { ensureBuilt } from '../../scripts/lib/build.ts';

/** Browser tests run against the built site. */
export default async function setup() {
  await ensureBuilt({ quiet: true });
}
