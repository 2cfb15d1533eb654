import { beforeAll, describe, expect, it } from 'vitest';
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
import newsletter from '../../functions/staff-newsletter.ts';
import { ENGINES } from '../server/support.ts';
import { call, signIn, type SignedIn, useStaffStore } from './support.ts';

const PAGES = [
  [review, '/api/staff/review'],
  [roll, '/api/staff/roll'],
  [members, '/api/staff/members'],
  [audit, '/api/staff/audit'],
  [team, '/api/staff/team'],
  [reauth, '/api/staff/reauth'],
  [newsletter, '/staff/newsletter/'],
  [newsletter, '/api/staff/newsletter'],
] as const;

const ACTIONS = [
  [review, '/api/staff/review', { action: 'confirm-matched' }],
  [rollApply, '/api/staff/roll/apply', { id: 'x', sha256: 'y' }],
  [rollLapsed, '/api/staff/roll/lapsed', { id: 'x', decision: 'keep' }],
  [exportFn, '/api/staff/export', {}],
  [reauth, '/api/staff/reauth', { password: 'x', next: '/api/staff/roll' }],
  [team, '/api/staff/team', { firstName: 'A', surname: 'B', email: 'a@b.org', username: 'ab_c' }],
  [newsletter, '/api/staff/newsletter', { action: 'send', slug: 'x', sendId: '' }],
] as const;

describe.each(ENGINES)('staff console access (%s)', (engine) => {
  const store = useStaffStore(engine);
  let staff: SignedIn;
  let memberLogin: SignedIn;

  beforeAll(async () => {
    staff = await signIn(store, 'officeboss');
    memberLogin = await signIn(store, 'plainmember', 'member');
  });

  it.each(PAGES)(
    'answers 403 to anonymous visitors and members, 200 to staff (%#)',
    async (fn, path) => {
      expect((await call(fn, path)).status).toBe(403);
      expect((await call(fn, path, { cookie: memberLogin.cookie })).status).toBe(403);
      const ok = await call(fn, path, { cookie: staff.cookie });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('cache-control')).toBe('private, no-store');
      expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    },
  );

  it('answers 403 to a member opening an account page', async () => {
    const res = await call(member, `/api/staff/members/${staff.id}`, {
      cookie: memberLogin.cookie,
      params: { id: staff.id },
    });
    expect(res.status).toBe(403);
  });

  it.each(ACTIONS)(
    'refuses every action from members, anonymous visitors and other sites (%#)',
    async (fn, path, form) => {
      const before = await store.db.selectFrom('audit_log').select('id').execute();
      expect((await call(fn, path, { form })).status).toBe(403);
      expect((await call(fn, path, { form, cookie: memberLogin.cookie })).status).toBe(403);
      expect((await call(fn, path, { form, cookie: staff.cookie, crossSite: true })).status).toBe(
        403,
      );
      const after = await store.db.selectFrom('audit_log').select('id').execute();
      expect(after.length).toBe(before.length);
    },
  );

  it('refuses the roll upload from members and from other sites before reading it', async () => {
    const body = new FormData();
    body.set('roll', new File(['warrant_number,surname,status\n'], 'r.csv'));
    expect((await call(roll, '/api/staff/roll', { body, cookie: memberLogin.cookie })).status).toBe(
      403,
    );
    expect(
      (await call(roll, '/api/staff/roll', { body, cookie: staff.cookie, crossSite: true })).status,
    ).toBe(403);
  });

  it('answers 405 to a GET of an action', async () => {
    const res = await call(rollApply, '/api/staff/roll/apply', { cookie: staff.cookie });
    expect(res.status).toBe(405);
  });

  it('treats a suspended staff account as signed out', async () => {
    const other = await signIn(store, 'formerstaff');
    await store.db
      .updateTable('users')
      .set({ status: 'suspended' })
      .where('id', '=', other.id)
      .execute();
    expect((await call(review, '/api/staff/review', { cookie: other.cookie })).status).toBe(403);
  });
});
