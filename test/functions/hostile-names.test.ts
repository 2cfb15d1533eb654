/**
 * Names are text wherever they are shown: a member registers with markup for a name,
 * is confirmed by staff, and every console page and member page that shows a name
 * shows it escaped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  createAccount,
  form,
  logIn,
  logInWithTwoFactor,
  newMemberDetails,
  sessionCookieFrom,
  tokenFromMail,
} from './support.ts';
import { getDb } from '../../src/server/store/db.ts';
import register from '../../functions/register.ts';
import verifyEmail from '../../functions/verify-email.ts';
import members from '../../functions/members.ts';
import accountExport from '../../functions/account-export.ts';
import staffReview from '../../functions/staff-review.ts';
import staffMembers from '../../functions/staff-members.ts';
import staffMember from '../../functions/staff-member.ts';
import staffAudit from '../../functions/staff-audit.ts';
import staffTeam from '../../functions/staff-team.ts';
import staffReauth from '../../functions/staff-reauth.ts';
import staffExport from '../../functions/staff-export.ts';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(1)</script>';
const IMG_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
const SCRIPT_ESCAPED = '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;';

/** The page shows the names, escaped, and never as markup. */
function expectNamesAsText(page: string, where: string): void {
  expect(page, where).not.toContain('<img src=x');
  expect(page, where).not.toContain('<script>alert(1)');
  expect(page, where).toContain(IMG_ESCAPED);
  expect(page, where).toContain(SCRIPT_ESCAPED);
}

async function get(
  handler: Parameters<typeof call>[0],
  path: string,
  cookie: string,
  params?: Record<string, string>,
): Promise<string> {
  const res = await call(handler, { method: 'GET', path, cookie, params });
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
  return res.text();
}

describe('names that look like markup', () => {
  const details = newMemberDetails({ firstName: IMG, surname: SCRIPT });
  let memberId: string;
  let memberCookie: string;
  let staffCookie: string;
  let staffCode: () => Promise<string>;
  let staffPassword: string;

  beforeAll(async () => {
    // Through the real handlers: register, follow the emailed link, be confirmed by staff.
    const registered = await call(register, { path: '/api/register', body: form(details) });
    expect(registered.status).toBe(303);
    const token = tokenFromMail(details.email, '/verify-email/');
    const verified = await call(verifyEmail, { path: '/api/verify-email', body: form({ token }) });
    expect(verified.status).toBe(303);
    const row = await getDb()
      .selectFrom('users')
      .select(['id', 'first_name', 'surname', 'status'])
      .where('username', '=', details.username)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ first_name: IMG, surname: SCRIPT, status: 'pending' });
    memberId = row.id;

    // A staff member with the same names, so the console's member bar shows them too.
    const staff = await createAccount('confirmed', 'staff');
    await getDb()
      .updateTable('users')
      .set({ first_name: IMG, surname: SCRIPT })
      .where('id', '=', staff.id)
      .execute();
    staffPassword = staff.password;
    const signedIn = await logInWithTwoFactor(staff);
    staffCookie = signedIn.cookie;
    staffCode = signedIn.currentCode;
  });

  it('shows them as text in the review queue, then confirms the registration', async () => {
    expectNamesAsText(await get(staffReview, '/api/staff/review', staffCookie), 'review queue');
    const confirmed = await call(staffReview, {
      path: '/api/staff/review',
      cookie: staffCookie,
      body: form({ action: 'confirm', id: memberId, reason: '', back: '/api/staff/review' }),
    });
    expect(confirmed.status).toBe(303);
    memberCookie = await logIn(details.username, details.password);
  });

  it('shows them as text on the members pages: the member bar and the account page', async () => {
    expectNamesAsText(await get(members, '/members/', memberCookie), 'members home');
    expectNamesAsText(await get(members, '/members/account/', memberCookie), 'account page');
  });

  it('gives the member their own data as a JSON download, never as a page', async () => {
    const res = await call(accountExport, {
      path: '/api/account/export',
      cookie: memberCookie,
      body: form({}),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('shows them as text on every console page that shows a name', async () => {
    expectNamesAsText(await get(members, '/staff/', staffCookie), 'console overview');
    const search = await call(staffMembers, {
      path: '/api/staff/members',
      cookie: staffCookie,
      body: form({ q: details.username, status: '' }),
    });
    expect(search.status).toBe(200);
    expectNamesAsText(await search.text(), 'members search');
    expectNamesAsText(
      await get(staffMember, `/api/staff/members/${memberId}`, staffCookie, { id: memberId }),
      'member page',
    );
    expectNamesAsText(await get(staffAudit, '/api/staff/audit', staffCookie), 'audit log');
    expectNamesAsText(await get(staffTeam, '/api/staff/team', staffCookie), 'staff page');
  });

  it('keeps them as text when a form is answered with errors, kept values included', async () => {
    const refused = await call(staffTeam, {
      path: '/api/staff/team',
      cookie: staffCookie,
      body: form({ firstName: IMG, surname: SCRIPT, email: 'not an email', username: '' }),
    });
    expect(refused.status).toBe(422);
    expectNamesAsText(await refused.text(), 'invitation form with errors');
  });

  it('serves the staff export as a CSV download, never as a page', async () => {
    const reauth = await call(staffReauth, {
      path: '/api/staff/reauth',
      cookie: staffCookie,
      body: form({ password: staffPassword, code: await staffCode(), next: '/api/staff/members' }),
    });
    expect(reauth.status).toBe(303);
    const cookie = sessionCookieFrom(reauth) ?? staffCookie;
    const res = await call(staffExport, { path: '/api/staff/export', cookie, body: form({}) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
