import { ensureBuilt } from '../../scripts/lib/build.ts';

/** Builds the site once when dist/ is missing or older than its sources. */
export default async function setup() {
  await ensureBuilt({ quiet: true });
}
