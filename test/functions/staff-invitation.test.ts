/** An invited colleague chooses their first password on a page worded for an invitation. */
import { describe, expect, it } from 'vitest';
import {
  call,
  createAccount,
  form,
  logIn,
  logInWithTwoFactor,
  mailTo,
  tokenFromMail,
} from './support.ts';
import passwordReset from '../../functions/password-reset.ts';
import staffTeam from '../../functions/staff-team.ts';

describe('a staff invitation', () => {
  it('links to the set-password page, whose wording is for a first password, not a reset', async () => {
    const staff = await createAccount('confirmed', 'staff');
    const { cookie } = await logInWithTwoFactor(staff);
    const invited = await call(staffTeam, {
      path: '/api/staff/team',
      cookie,
      body: form({
        firstName: 'Priya',
        surname: 'Kaur',
        email: 'priya.invite@federation.example',
        username: 'pkaur_invite',
      }),
    });
    expect(invited.status).toBe(303);

    const mail = mailTo('priya.invite@federation.example').join('\n');
    expect(mail).toMatch(/invited you to the staff console/);
    expect(mail).toContain('/set-password/?token=');
    expect(mail).not.toMatch(/reset/i);

    const token = tokenFromMail('priya.invite@federation.example', '/set-password/');
    const page = await call(passwordReset, {
      method: 'GET',
      path: `/set-password/?token=${token}`,
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<title>Choose your password</title>');
    expect(html).toContain('action="/api/password/set"');
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).not.toMatch(/reset/i);

    const tooShort = await call(passwordReset, {
      path: '/api/password/set',
      body: form({ token, password: 'short' }),
    });
    expect(tooShort.status).toBe(422);
    expect(await tooShort.text()).toContain('<title>Error: Choose your password</title>');

    const set = await call(passwordReset, {
      path: '/api/password/set',
      body: form({ token, password: 'a long staff passphrase 42' }),
    });
    expect(set.status).toBe(303);
    expect(set.headers.get('location')).toBe('/set-password/done/');
    await expect(logIn('pkaur_invite', 'a long staff passphrase 42')).resolves.toMatch(/session=/);
  });
});
