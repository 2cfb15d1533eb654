/**
 * Staff handler tests: a real store (SQLite, or Postgres with TEST_DATABASE_URL),
 * real `Request`s with a real session cookie, and the functions' default exports.
 */
import type { Context } from '@netlify/functions';
import { createSession } from '../../src/server/sessions.ts';
import {
  useTestStore,
  seedUser,
  SEED_PASSWORD,
  type EngineName,
  type TestStore,
} from '../server/support.ts';

export const SITE = 'http://site.test';
export { SEED_PASSWORD };

type Handler = (req: Request, context: Context) => Promise<Response>;

/** A store whose site URL is SITE, open for the enclosing suite (see useTestStore). */
export function useStaffStore(engine: EngineName): TestStore {
  return useTestStore(engine, { SITE_URL: SITE });
}

/** A signed-in account: its id, username and session cookie. */
export interface SignedIn {
  id: string;
  username: string;
  cookie: string;
  sessionId: string;
}

/** Seeds an account and signs it in. */
export async function signIn(
  store: TestStore,
  username: string,
  role: 'staff' | 'member' = 'staff',
  now = Date.now(),
): Promise<SignedIn> {
  const id = await seedUser(store.db, { username, role, status: 'confirmed', now });
  const { token, session } = await createSession(id, role, { now, db: store.db });
  return { id, username, cookie: `session=${token}`, sessionId: session.id };
}

export interface CallInit {
  method?: string;
  cookie?: string;
  form?: Record<string, string>;
  body?: BodyInit;
  type?: string;
  crossSite?: boolean;
  params?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Calls a function as the site's own page would (same-origin), unless told otherwise. */
export function call(handler: Handler, path: string, init: CallInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('sec-fetch-site', init.crossSite ? 'cross-site' : 'same-origin');
  if (init.cookie) headers.set('cookie', init.cookie);
  let body = init.body;
  if (init.form) {
    body = new URLSearchParams(init.form).toString();
    headers.set('content-type', 'application/x-www-form-urlencoded');
  }
  if (init.type) headers.set('content-type', init.type);
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  const context = {
    ip: '203.0.113.9',
    params: init.params ?? {},
    requestId: 't',
    url: new URL(SITE + path),
    site: { url: SITE },
  };
  return handler(
    new Request(SITE + path, { method, headers, body }),
    context as unknown as Context,
  );
}

/** The flash message a 303 carries, decoded. */
export function flashOf(res: Response): { kind: string; text: string } | null {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('staff_flash='));
  if (!line) return null;
  const value = line.split(';')[0].slice('staff_flash='.length);
  if (!value) return null;
  return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
    kind: string;
    text: string;
  };
}

/** A multipart body holding one roll file. */
export function rollUpload(csv: string, name = 'roll.csv'): { body: FormData } {
  const form = new FormData();
  form.set('roll', new File([csv], name, { type: 'text/csv' }));
  return { body: form };
}

/** Every audit row's text, to search for things that must never be there. */
export async function auditText(store: TestStore): Promise<string> {
  const rows = await store.db.selectFrom('audit_log').selectAll().execute();
  return rows.map((r) => `${r.actor} ${r.action} ${r.target ?? ''} ${r.detail}`).join('\n');
}

/** Audit entries of one action. */
export async function auditOf(store: TestStore, action: string) {
  return store.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .orderBy('at')
    .execute();
}
