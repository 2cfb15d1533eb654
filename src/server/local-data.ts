/**
 * Demo data for `npm start`: migrations, then (only when the store is empty) a
 * small roll and three accounts so a person can try every part of the site.
 */
import { randomBytes } from 'node:crypto';
import { getConfig } from './config.ts';
import { generateId } from './crypto.ts';
import { hashPassword } from './passwords.ts';
import { importRoll } from './roll/replace.ts';
import { getDb } from './store/db.ts';
import { migrateToLatest } from './store/migrations.ts';
import type { UserRole, UserStatus } from './store/schema.ts';
import { newUserRow } from './users.ts';
import { hmacWarrantNumber, warrantLastTwo } from './warrant.ts';

/** A demo account printed by `npm start` so a person can try the site at once. */
export interface DemoLogin {
  role: 'member' | 'pending member' | 'staff';
  username: string;
  password: string;
}

interface DemoAccount extends DemoLogin {
  firstName: string;
  surname: string;
  email: string;
  warrant: string | null;
  userRole: UserRole;
  status: UserStatus;
  devPassword: string;
}

const DEMO_ACCOUNTS: Omit<DemoAccount, 'password'>[] = [
  {
    role: 'member',
    username: 'demo.member',
    firstName: 'Dana',
    surname: 'Okafor',
    email: 'demo.member@example.org',
    warrant: '200101',
    userRole: 'member',
    status: 'confirmed',
    devPassword: 'walnut-harbour-lantern',
  },
  {
    role: 'pending member',
    username: 'demo.pending',
    firstName: 'Priya',
    surname: 'Shah',
    email: 'demo.pending@example.org',
    warrant: '200102',
    userRole: 'member',
    status: 'pending',
    devPassword: 'copper-meadow-violin',
  },
  {
    role: 'staff',
    username: 'demo.staff',
    firstName: 'Sam',
    surname: 'Fletcher',
    email: 'demo.staff@example.org',
    warrant: null,
    userRole: 'staff',
    status: 'confirmed',
    devPassword: 'granite-orchard-compass',
  },
];

const DEMO_ROLL = [
  { warrantNumber: '200101', surname: 'Okafor', status: 'serving' as const },
  { warrantNumber: '200102', surname: 'Shah', status: 'serving' as const },
  { warrantNumber: '200103', surname: 'Byrne', status: 'serving' as const },
  { warrantNumber: '200104', surname: 'Nowak', status: 'retired' as const },
  { warrantNumber: '200105', surname: 'Mensah', status: 'serving' as const },
];

/**
 * Prepares the local store for `npm start`: runs migrations, then seeds a demo
 * roll and demo accounts when the store is empty. Returns the logins to print
 * (empty when the store already had users, since their passwords are unknown).
 */
export async function prepareLocalData(): Promise<DemoLogin[]> {
  const config = getConfig();
  const db = getDb();
  await migrateToLatest(db);
  const existing = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return [];
  const now = Date.now();
  await importRoll(
    DEMO_ROLL.map((row, i) => ({ ...row, line: i + 2 })),
    'cli:demo-seed',
    { now },
  );
  const logins: DemoLogin[] = [];
  for (const account of DEMO_ACCOUNTS) {
    // Well-known demo passwords only outside production; otherwise random ones printed once.
    const password = config.production
      ? randomBytes(12).toString('base64url')
      : account.devPassword;
    const hmac = account.warrant ? hmacWarrantNumber(account.warrant, config.warrantKey) : null;
    await db
      .insertInto('users')
      .values({
        ...newUserRow({
          id: generateId(),
          firstName: account.firstName,
          surname: account.surname,
          email: account.email,
          username: account.username,
          passwordHash: await hashPassword(password),
          role: account.userRole,
          status: account.status,
          now,
        }),
        warrant_hmac: hmac,
        warrant_last2: account.warrant ? warrantLastTwo(account.warrant) : null,
        warrant_claim: account.status === 'confirmed' ? hmac : null,
        roll_on_roll: hmac ? 1 : 0,
        roll_surname_match: hmac ? 1 : 0,
        roll_status: hmac ? 'serving' : null,
        verified_at: now,
      })
      .execute();
    logins.push({ role: account.role, username: account.username, password });
  }
  return logins;
}
