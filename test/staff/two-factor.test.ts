import { describe, expect, it, beforeAll } from 'vitest';
import audit from '../../functions/staff-audit.ts';
import exportFn from '../../functions/staff-export.ts';
import member from '../../functions/staff-member.ts';
import members from '../../functions/staff-members.ts';
import reauth from '../../functions/staff-reauth.ts';
import review from '../../functions/staff-review.ts';
import roll from '../../functions/staff-roll.ts';
import rollApply from '../../functions/staff-roll-apply.ts';
import rollLapsed from '../../functions/staff-roll-lapsed.ts';
import team from '../../functions/staff-team.ts';
import sealed from '../../functions/members.ts';
import { STAFF_NEEDS_TWO_FACTOR_MESSAGE } from '../../src/server/staff/http/guard.ts';
import { ENGINES } from '../server/support.ts';
import {
  auditOf,
  call,
  flashOf,
  reauthFields,
  signIn,
  type SignedIn,
  useStaffStore,
} from './support.ts';
import { MINUTE } from '../../src/server/clock.ts';

/** Every staff function, with a GET and a POST each would take. */
const FUNCTIONS = [
  [review, '/api/staff/review', { action: 'confirm-matched' }],
  [roll, '/api/staff/roll', {}],
  [rollApply, '/api/staff/roll/apply', { id: 'x', sha256: 'y' }],
  [rollLapsed, '/api/staff/roll/lapsed', { id: 'x', decision: 'keep' }],
  [members, '/api/staff/members', {}],
  [member, '/api/staff/members/x', { action: 'revoke' }],
  [exportFn, '/api/staff/export', {}],
  [audit, '/api/staff/audit', {}],
  [team, '/api/staff/team', { firstName: 'A', surname: 'B', email: 'a@b.org', username: 'ab_c' }],
  [reauth, '/api/staff/reauth', { password: 'x', code: '123456', next: '/api/staff/roll' }],
] as const;

describe.each(ENGINES)('staff and two-factor sign-in (%s)', (engine) => {
  const store = useStaffStore(engine);
  let without: SignedIn;
  let boss: SignedIn;
  let deputy: SignedIn;

  beforeAll(async () => {
    without = await signIn(store, 'newstarter', 'staff', Date.now(), { twoFactor: false });
    boss = await signIn(store, 'teamlead');
    deputy = await signIn(store, 'deputylead');
  });

  it.each(FUNCTIONS)(
    'refuses staff without a second factor on every function, reading and writing (%#)',
    async (fn, path, form) => {
      const params = { id: 'x' };
      const before = (await store.db.selectFrom('audit_log').select('id').execute()).length;
      for (const res of [
        await call(fn, path, { cookie: without.cookie, params }),
        await call(fn, path, { cookie: without.cookie, params, form }),
      ]) {
        if (res.status === 405) continue;
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('/two-factor/setup/');
      }
      const json = await call(fn, path, {
        cookie: without.cookie,
        params,
        headers: { accept: 'application/json' },
      });
      if (json.status !== 405)
        expect(((await json.json()) as { error: string }).error).toBe(
          STAFF_NEEDS_TWO_FACTOR_MESSAGE,
        );
      const after = (await store.db.selectFrom('audit_log').select('id').execute()).length;
      expect(after).toBe(before);
    },
  );

  it('sends staff without a second factor to set-up from every console page', async () => {
    for (const path of ['/staff/', '/staff/newsletter/', '/staff/other/']) {
      const res = await call(sealed, path, { cookie: without.cookie });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe(
        `/two-factor/setup/?next=${encodeURIComponent(path)}`,
      );
    }
  });

  it('lets another staff member reset a lost second factor, audited, ending their sessions', async () => {
    const page = await (
      await call(member, `/api/staff/members/${deputy.id}`, {
        cookie: boss.cookie,
        params: { id: deputy.id },
      })
    ).text();
    expect(page).toContain('value="reset-two-factor"');
    const res = await call(member, `/api/staff/members/${deputy.id}`, {
      cookie: boss.cookie,
      params: { id: deputy.id },
      form: { action: 'reset-two-factor' },
    });
    expect(res.status).toBe(303);
    expect(flashOf(res)?.kind).toBe('ok');
    const row = await store.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', deputy.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toBeNull();
    const sessions = await store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', deputy.id)
      .execute();
    expect(sessions).toHaveLength(0);
    const entry = (await auditOf(store, 'staff.two-factor-reset')).at(-1);
    expect(entry).toMatchObject({ actor: 'teamlead', target: deputy.id });
  });

  it('asks for the password and a second factor again before resetting a colleague’s', async () => {
    // Signed in 20 minutes ago: the sign-in no longer counts as a recent password.
    const earlier = await signIn(store, 'earlylead', 'staff', Date.now() - 20 * MINUTE);
    const target = await signIn(store, 'keptlead');
    const at = `/api/staff/members/${target.id}`;
    const refused = await call(member, at, {
      cookie: earlier.cookie,
      params: { id: target.id },
      form: { action: 'reset-two-factor' },
    });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe(
      `/api/staff/reauth?next=${encodeURIComponent(at)}`,
    );
    expect(flashOf(refused)?.text).toMatch(/resetting a colleague's two-factor sign-in needs them/);
    const kept = await store.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(kept.totp_secret).not.toBeNull();
    const confirmed = await call(reauth, '/api/staff/reauth', {
      cookie: earlier.cookie,
      form: await reauthFields(store, earlier, at),
    });
    expect(confirmed.headers.get('location')).toBe(at);
    const done = await call(member, at, {
      cookie: earlier.cookie,
      params: { id: target.id },
      form: { action: 'reset-two-factor' },
    });
    expect(flashOf(done)?.kind).toBe('ok');
  });

  it('never lets staff reset their own second factor, nor a member’s from here', async () => {
    const self = await call(member, `/api/staff/members/${boss.id}`, {
      cookie: boss.cookie,
      params: { id: boss.id },
      form: { action: 'reset-two-factor' },
    });
    expect(flashOf(self)).toMatchObject({ kind: 'error' });
    const plain = await signIn(store, 'plainmember2', 'member');
    const other = await call(member, `/api/staff/members/${plain.id}`, {
      cookie: boss.cookie,
      params: { id: plain.id },
      form: { action: 'reset-two-factor' },
    });
    expect(flashOf(other)).toMatchObject({ kind: 'error' });
    const row = await store.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', boss.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toBeNull();
  });

  it('asks for a code as well as the password before an import or export', async () => {
    const noCode = await call(reauth, '/api/staff/reauth', {
      cookie: boss.cookie,
      form: { password: 'tangerine-bicycle-gravel', code: '', next: '/api/staff/roll' },
    });
    expect(noCode.status).toBe(422);
    const page = await noCode.text();
    expect(page).toContain('Enter the 6-digit code');
    // Beside the code field, which it concerns, and linked from the summary.
    expect(page).toMatch(/id="reauth-code-error">.*Enter the 6-digit code/s);
    expect(page).not.toContain('id="reauth-password-error"');
    expect(page).toContain('href="#reauth-code"');
    const empty = await call(reauth, '/api/staff/reauth', {
      cookie: boss.cookie,
      form: { password: '', code: '', next: '/api/staff/roll' },
    });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toMatch(/id="reauth-password-error">.*Enter your password/s);
  });
});
