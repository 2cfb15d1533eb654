/** The console's overview says what needs attention, drawn per request. */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createAccount, logIn, logInWithTwoFactor } from './support.ts';
import { importRoll } from '../../src/server/roll/replace.ts';
import members from '../../functions/members.ts';

async function overview(cookie: string): Promise<string> {
  const res = await call(members, { method: 'GET', path: '/staff/', cookie });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  return res.text();
}

describe('the staff console overview', () => {
  let staffCookie: string;

  beforeAll(async () => {
    const staff = await createAccount('confirmed', 'staff');
    staffCookie = (await logInWithTwoFactor(staff)).cookie;
  });

  it('says when nothing is waiting and that no roll has been imported', async () => {
    const page = await overview(staffCookie);
    expect(page).toContain('<h2 id="attention-title">Needs attention</h2>');
    expect(page).toContain('No registration is waiting for review.');
    expect(page).toContain('No member who left the roll is waiting for a decision.');
    expect(page).toContain('No roll has been imported yet');
    expect(page).toContain('<a href="/staff/" aria-current="page">');
  });

  it('counts waiting registrations and names who last imported the roll, and when', async () => {
    await createAccount('pending');
    await createAccount('pending');
    await importRoll(
      [{ line: 2, warrantNumber: '123456', surname: 'Morgan', status: 'serving' }],
      'roll<officer>',
    );
    const page = await overview(staffCookie);
    expect(page).toContain(
      '<a href="/api/staff/review">2 registrations are waiting for review</a>',
    );
    expect(page).toMatch(
      /The roll was last imported <time datetime="[^"]+">[^<]+<\/time> by roll&lt;officer&gt; \(1 row\)/,
    );
  });

  it('is for staff only', async () => {
    const member = await createAccount('confirmed');
    const res = await call(members, {
      method: 'GET',
      path: '/staff/',
      cookie: await logIn(member.username, member.password),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('Needs attention');
  });
});
