/**
 * Handler tests call each function's default export with real `Request`s,
 * against a real SQLite store in a temporary DATA_DIR. Import this module
 * before any function: it sets the environment the functions read, with
 * SEALED_DIR holding small built pages.
 */
import type { Context } from '@netlify/functions';
import { toHtmlString } from '../../src/server/html/safe-html.ts';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SITE = 'http://site.test';
const root = mkdtempSync(path.join(os.tmpdir(), 'functions-test-'));
export const DATA_DIR = path.join(root, 'data');
process.env.DATA_DIR = DATA_DIR;
process.env.SITE_URL = SITE;
process.env.SEALED_DIR = path.join(root, 'sealed');
delete process.env.DATABASE_URL;
delete process.env.SMTP_URL;

const { renderForm } = await import('../../src/server/http/forms/render.ts');
const forms = await import('../../src/server/http/forms/definitions.ts');
const { SEALED_REFUSALS, statusPageFile } = await import('../../src/server/http/sealed-pages.ts');
const { ACCOUNT_MARKERS } = await import('../../src/server/http/account-page.ts');

/** Writes a built-looking page under sealed/. */
function writeSealed(relative: string, html: string): void {
  const file = path.join(root, 'sealed', relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, html);
}

function page(title: string, body: string, sealed = false): string {
  const bar = sealed ? '<!--member-bar-->' : '<a href="/login/">Log in</a>';
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body><header>${bar}</header><main id="main">${body}</main></body></html>`;
}

writeSealed(
  '_forms/register.html',
  page('Register', `<h1>Register</h1>${toHtmlString(renderForm(forms.registerForm))}`),
);
writeSealed(
  '_forms/login.html',
  page('Log in', `<h1>Log in</h1>${toHtmlString(renderForm(forms.loginForm))}`),
);
writeSealed(
  '_forms/verify-email.html',
  page('Confirm', toHtmlString(renderForm(forms.verifyEmailForm))),
);
writeSealed(
  '_forms/reset-password.html',
  page('New password', toHtmlString(renderForm(forms.resetPasswordForm))),
);
writeSealed(
  '_forms/set-password.html',
  page('Choose your password', toHtmlString(renderForm(forms.setPasswordForm))),
);
writeSealed(
  '_forms/forgot-password.html',
  page('Reset', toHtmlString(renderForm(forms.forgotPasswordForm))),
);
writeSealed(
  'members/index.html',
  page('Members', '<h1>Members home</h1><p>sealed-members-home</p>', true),
);
writeSealed(
  'members/news/pay-talks/index.html',
  page('Pay talks', '<p>sealed-pay-talks</p>', true),
);
writeSealed(
  'members/account/index.html',
  page(
    'Your account',
    [forms.changePasswordForm, forms.changeEmailForm, forms.exportDataForm, forms.deleteAccountForm]
      .map((f) => toHtmlString(renderForm(f)))
      .join('') +
      `<section>${ACCOUNT_MARKERS.twoFactor}</section><section>${ACCOUNT_MARKERS.sessions}</section>`,
    true,
  ),
);
writeSealed('staff/index.html', page('Staff', '<p>sealed-staff-console</p>', true));
for (const status of SEALED_REFUSALS) {
  writeSealed(statusPageFile(status), page(status, `<h1>status-page-${status}</h1>`, true));
}

const { getDb } = await import('../../src/server/store/db.ts');
const { migrateToLatest } = await import('../../src/server/store/migrations.ts');
await migrateToLatest(getDb());

/** A Netlify-like context: the client IP comes from the platform. */
export function contextFor(ip = '203.0.113.7', params: Record<string, string> = {}): Context {
  return {
    ip,
    params,
    requestId: 'test',
    url: new URL(SITE),
    site: { url: SITE },
  } as unknown as Context;
}

export interface CallOptions {
  method?: string;
  path?: string;
  /** A JSON object (sent as JSON) or a string (sent as a urlencoded form unless `type` says otherwise). */
  body?: unknown;
  type?: string | null;
  json?: boolean;
  cookie?: string;
  headers?: Record<string, string>;
  ip?: string;
  /** Route parameters, as Netlify passes them for `config.path` placeholders. */
  params?: Record<string, string>;
  /** Leave out Sec-Fetch-Site (a cross-site test sets its own headers). */
  noFetchMetadata?: boolean;
}

type Handler = (req: Request, context: Context) => Promise<Response>;

/** Calls a function as a same-origin browser would, unless told otherwise. */
export function call(handler: Handler, options: CallOptions = {}): Promise<Response> {
  const method = options.method ?? 'POST';
  const headers = new Headers(options.headers);
  if (!options.noFetchMetadata && !headers.has('sec-fetch-site'))
    headers.set('sec-fetch-site', 'same-origin');
  if (options.json) headers.set('accept', 'application/json');
  if (options.cookie) headers.set('cookie', options.cookie);
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string' || options.body instanceof Uint8Array) {
      body = options.body as BodyInit;
      if (options.type !== null)
        headers.set('content-type', options.type ?? 'application/x-www-form-urlencoded');
    } else {
      body = JSON.stringify(options.body);
      if (options.type !== null) headers.set('content-type', options.type ?? 'application/json');
    }
  }
  return handler(
    new Request(SITE + (options.path ?? '/api/x'), { method, headers, body }),
    contextFor(options.ip, options.params),
  );
}

/** Form-encodes fields the way a browser does. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** The `name=value` part of each Set-Cookie line. */
export function sessionCookieFrom(res: Response): string | null {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('session='));
  return line ? line.split(';')[0] : null;
}

/** Messages in the outbox sent to `to`, oldest first, decoded from quoted-printable. */
export function mailTo(to: string): string[] {
  const dir = path.join(DATA_DIR, 'mail');
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names
    .map((name) => decodeQuotedPrintable(readFileSync(path.join(dir, name), 'utf8')))
    .filter((text) => new RegExp(`^To: .*${to.replace(/[.+]/g, '\\$&')}`, 'mi').test(text));
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The token of the newest link to `pathname` mailed to `to`. */
export function tokenFromMail(to: string, pathname: string): string {
  const messages = mailTo(to);
  for (const text of messages.reverse()) {
    const match = new RegExp(`${pathname.replace(/\//g, '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(
      text,
    );
    if (match) return match[1];
  }
  throw new Error(`no ${pathname} link mailed to ${to}`);
}

/** Row counts of every table, to prove a request wrote nothing. */
export async function countRows(): Promise<Record<string, number>> {
  const db = getDb();
  const tables = [
    'users',
    'sessions',
    'email_tokens',
    'rate_limits',
    'roll_entries',
    'roll_imports',
    'audit_log',
    'recovery_codes',
    'passkeys',
    'webauthn_challenges',
    'newsletter_subscribers',
    'newsletter_tokens',
    'newsletter_sends',
    'newsletter_deliveries',
  ] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

let serial = 0;

/** A unique, valid set of registration details. */
export function newMemberDetails(overrides: Record<string, string> = {}): Record<string, string> {
  serial += 1;
  const tag = `${process.pid}x${serial}`;
  return {
    firstName: 'Alex',
    surname: 'Morgan',
    email: `alex.${tag}@example.org`,
    username: `alex_${tag}`,
    warrantNumber: String(100000 + serial),
    password: 'correct horse battery staple',
    ...overrides,
  };
}

/**
 * Creates an account with the given status and role straight in the store
 * (registration itself is tested through the function), and returns its login.
 */
export async function createAccount(
  status: 'unverified' | 'pending' | 'confirmed' | 'rejected' | 'suspended' = 'confirmed',
  role: 'member' | 'staff' = 'member',
): Promise<{ id: string; username: string; email: string; password: string }> {
  const { hashPassword } = await import('../../src/server/passwords.ts');
  const { generateId } = await import('../../src/server/crypto.ts');
  const { newUserRow } = await import('../../src/server/users.ts');
  const details = newMemberDetails();
  const id = generateId();
  const now = Date.now();
  await getDb()
    .insertInto('users')
    .values(
      newUserRow({
        id,
        firstName: details.firstName,
        surname: details.surname,
        email: details.email,
        username: details.username,
        passwordHash: await hashPassword(details.password),
        role,
        status,
        now,
      }),
    )
    .execute();
  return { id, username: details.username, email: details.email, password: details.password };
}

/** Logs in through the login function and returns the `session=...` cookie pair. */
export async function logIn(username: string, password: string): Promise<string> {
  const login = (await import('../../functions/login.ts')).default;
  const res = await call(login, { path: '/api/login', body: form({ username, password }) });
  const cookie = sessionCookieFrom(res);
  if (res.status !== 303 || !cookie) throw new Error(`login failed with ${res.status}`);
  return cookie;
}

/** A staff account signed in with both factors, and a way to read its authenticator. */
export interface TwoFactorLogin {
  cookie: string;
  /** The code the account's authenticator shows now; the last used step is forgotten first. */
  currentCode: () => Promise<string>;
}

/**
 * Gives the account an authenticator (TOTP) key, logs in with the password,
 * then completes the second step through the two-factor function, as staff
 * must (docs/security.md § Two-factor).
 */
export async function logInWithTwoFactor(account: {
  id: string;
  username: string;
  password: string;
}): Promise<TwoFactorLogin> {
  const { giveTotp, totpCodeAt } = await import('../server/support.ts');
  const verify = (await import('../../functions/two-factor-verify.ts')).default;
  const key = await giveTotp(getDb(), account.id);
  const currentCode = async () => {
    await getDb()
      .updateTable('users')
      .set({ totp_last_step: null })
      .where('id', '=', account.id)
      .execute();
    return totpCodeAt(key, Date.now());
  };
  const half = await logIn(account.username, account.password);
  const res = await call(verify, {
    path: '/api/two-factor/verify',
    cookie: half,
    body: form({ code: await currentCode() }),
  });
  const cookie = sessionCookieFrom(res);
  if (res.status !== 303 || !cookie) throw new Error(`second step failed with ${res.status}`);
  return { cookie, currentCode };
}

/** The JSON bodies the functions answer with, as far as tests read them. */
export interface AnswerBody {
  ok?: boolean;
  next?: string;
  errors: Record<string, string | undefined>;
  member: { username: string; firstName: string; warrantNumber: string } | null;
  account: { username: string };
}

/** A response's JSON body, typed for assertions (a wrong shape fails the assertion). */
export async function readBody(res: Response): Promise<AnswerBody> {
  return (await res.json()) as AnswerBody;
}
