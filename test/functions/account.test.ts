import { describe, expect, it } from 'vitest';
import {
  call,
  countRows,
  createAccount,
  form,
  logIn,
  mailTo,
  tokenFromMail,
  readBody,
  type AnswerBody,
} from './support.ts';

const changePassword = (await import('../../functions/account-password.ts')).default;
const changeEmail = (await import('../../functions/account-email.ts')).default;
const exportData = (await import('../../functions/account-export.ts')).default;
const deleteAccount = (await import('../../functions/account-delete.ts')).default;
const verify = (await import('../../functions/verify-email.ts')).default;
const session = (await import('../../functions/session.ts')).default;

async function signedIn() {
  const account = await createAccount('confirmed');
  return { account, cookie: await logIn(account.username, account.password) };
}

describe('account actions', () => {
  it('sends a visitor without a session to log in (303) or answers scripts 401', async () => {
    const page = await call(changePassword, { path: '/api/account/password', body: form({}) });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login/?next=%2Fmembers%2Faccount%2F');
    const script = await call(exportData, { path: '/api/account/export', json: true });
    expect(script.status).toBe(401);
  });

  it('changes the password only with the current one, ending the other sessions', async () => {
    const { account, cookie } = await signedIn();
    const other = await logIn(account.username, account.password);
    const wrong = await call(changePassword, {
      path: '/api/account/password',
      cookie,
      body: form({ currentPassword: 'not my password', newPassword: 'a fresh long passphrase' }),
    });
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain('Your current password is not right');
    expect(html).toContain('Alex Morgan');
    expect(html).toContain('<title>Error: Your account</title>');

    const ok = await call(changePassword, {
      path: '/api/account/password',
      cookie,
      body: form({ currentPassword: account.password, newPassword: 'a fresh long passphrase' }),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/members/account/password-changed/');
    const fresh = ok.headers.getSetCookie()[0].split(';')[0];
    for (const old of [cookie, other]) {
      const res = await call(session, { method: 'GET', path: '/api/session', cookie: old });
      expect(await readBody(res)).toEqual({ member: null });
    }
    const res = await call(session, { method: 'GET', path: '/api/session', cookie: fresh });
    expect((await readBody(res)).member?.username).toBe(account.username);
  });

  it('changes the email only once the link sent to the new address is used', async () => {
    const { account, cookie } = await signedIn();
    const newEmail = `new.${account.username}@example.net`;
    const bad = await call(changeEmail, {
      path: '/api/account/email',
      cookie,
      json: true,
      body: { email: 'x@met.police.uk', password: account.password },
    });
    expect((await readBody(bad)).errors.email).toMatch(/personal email/);
    const res = await call(changeEmail, {
      path: '/api/account/email',
      cookie,
      body: form({ email: newEmail, password: account.password }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/members/account/email-sent/');
    expect(mailTo(newEmail)).toHaveLength(1);
    const token = tokenFromMail(newEmail, '/verify-email/');
    const used = await call(verify, { path: '/api/verify-email', body: form({ token }) });
    expect(used.headers.get('location')).toBe('/verify-email/email-changed/');
    await expect(logIn(newEmail, account.password)).resolves.toMatch(/^session=/);
  });

  it('downloads the member’s data as a JSON attachment without secrets', async () => {
    const { account, cookie } = await signedIn();
    const res = await call(exportData, { path: '/api/account/export', cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.json"$/);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const text = await res.text();
    expect((JSON.parse(text) as AnswerBody).account.username).toBe(account.username);
    expect(text).not.toMatch(/argon2id\$/);
  });

  it('deletes the account only with the password, then logs out', async () => {
    const { account, cookie } = await signedIn();
    const wrong = await call(deleteAccount, {
      path: '/api/account/delete',
      cookie,
      json: true,
      body: { password: 'nope nope nope' },
    });
    expect(wrong.status).toBe(422);
    expect((await readBody(wrong)).errors.password).toBeTruthy();
    const before = await countRows();
    const res = await call(deleteAccount, {
      path: '/api/account/delete',
      cookie,
      body: form({ password: account.password }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/account-deleted/');
    expect(res.headers.getSetCookie()[0]).toMatch(/^session=; Max-Age=0/);
    const after = await countRows();
    expect(after.users).toBe(before.users - 1);
    const gone = await call(session, { method: 'GET', path: '/api/session', cookie });
    expect(await readBody(gone)).toEqual({ member: null });
  });
});
