/** Seeds accounts into a CLI test's store from inside the test process. */
import { readConfig, setConfig } from '../../src/server/config.ts';
import { closeDb, getDb } from '../../src/server/store/db.ts';
import type { UserStatus } from '../../src/server/store/schema.ts';
import { seedUser } from './support.ts';

export async function openTestStoreAt(
  dataDir: string,
  fill: (seed: (username: string, status: UserStatus) => Promise<string>) => Promise<void>,
): Promise<void> {
  setConfig(readConfig({ DATA_DIR: dataDir }));
  try {
    await fill((username, status) => seedUser(getDb(), { username, status }));
  } finally {
    await closeDb();
    setConfig(undefined);
  }
}
