import { ensureBuilt } from '../../../scripts/lib/build.ts';

/** Builds the site when stale (the members bundle ships sealed/), or says plainly why nothing runs. */
export default async function setup() {
  if (!process.env.TEST_DATABASE_URL) {
    console.log(
      '\ntest:deploy skipped: TEST_DATABASE_URL is not set. The deploy bundles run against PostgreSQL only; set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them.\n',
    );
    return;
  }
  await ensureBuilt({ quiet: true });
}
