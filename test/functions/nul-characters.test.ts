/**
 * PostgreSQL cannot hold or compare text with a NUL character (U+0000): a NUL a
 * client sends in a field, a query string or a path must be refused as bad
 * input (400) on both engines, never reach the database as a 500.
 */
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../server/support.ts';
import { call, signIn, useStaffStore } from '../staff/support.ts';

const login = (await import('../../functions/login.ts')).default;
const forgot = (await import('../../functions/password-forgot.ts')).default;
const staffMembers = (await import('../../functions/staff-members.ts')).default;
const staffAudit = (await import('../../functions/staff-audit.ts')).default;

async function expectNulRefused(res: Response): Promise<void> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { ok: boolean; error: string };
  expect(body).toEqual({ ok: false, error: expect.stringContaining('U+0000') as string });
}

const json = (fields: Record<string, string>) => ({
  body: JSON.stringify(fields),
  type: 'application/json',
  headers: { accept: 'application/json' },
});

describe.each(ENGINES)('a NUL character from a client on %s', (engine) => {
  const store = useStaffStore(engine);

  it('in a login name is refused as bad input', async () => {
    await expectNulRefused(
      await call(
        login,
        '/api/login',
        json({ username: 'demo\u0000x', password: 'whatever-it-is' }),
      ),
    );
    await expectNulRefused(
      await call(login, '/api/login', json({ username: 'a\u0000@example.org', password: 'x' })),
    );
  });

  it('in a password-reset address is refused as bad input', async () => {
    await expectNulRefused(
      await call(forgot, '/api/password/forgot', json({ email: 'a\u0000@example.org' })),
    );
  });

  it('in a staff search, posted or in the query string, is refused as bad input', async () => {
    const staff = await signIn(store, `nul.staff.${engine}`);
    const asJson = { cookie: staff.cookie, headers: { accept: 'application/json' } };
    await expectNulRefused(await call(staffMembers, '/api/staff/members?q=a%00b', asJson));
    await expectNulRefused(
      await call(staffMembers, '/api/staff/members', {
        ...json({ q: 'a\u0000b', status: '' }),
        cookie: staff.cookie,
      }),
    );
    const audit = await call(staffAudit, '/api/staff/audit?actor=%00&action=%00&q=%00', asJson);
    expect(audit.status).toBeLessThan(500);
  });

  it('in a password, which is only hashed, is no problem', async () => {
    const res = await call(
      login,
      '/api/login',
      json({ username: 'nobody-here', password: 'pass\u0000word-long' }),
    );
    expect(res.status).toBe(422);
    // The usual answer to a wrong login, not a refusal of the request.
    expect(await res.json()).toMatchObject({ ok: false, errors: expect.any(Object) as object });
  });
});
