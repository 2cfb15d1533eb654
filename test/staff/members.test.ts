import { beforeAll, describe, expect, it } from 'vitest';
import { exportMembersCsv } from '../../src/server/staff/export.ts';
import audit from '../../functions/staff-audit.ts';
import exportFn from '../../functions/staff-export.ts';
import member from '../../functions/staff-member.ts';
import members from '../../functions/staff-members.ts';
import reauth from '../../functions/staff-reauth.ts';
import review from '../../functions/staff-review.ts';
import team from '../../functions/staff-team.ts';
import { MINUTE } from '../../src/server/clock.ts';
import { resetPassword } from '../../src/server/password-reset.ts';
import { authenticateMember } from '../../src/server/authentication.ts';
import { createSession } from '../../src/server/sessions.ts';
import { ENGINES, lastTokenFor, SEED_PASSWORD, seedUser } from '../server/support.ts';
import {
  auditOf,
  auditText,
  call,
  flashOf,
  reauthFields,
  signIn,
  type SignedIn,
  useStaffStore,
} from './support.ts';

describe.each(ENGINES)('members, audit log, export and invitations (%s)', (engine) => {
  const store = useStaffStore(engine);
  let staff: SignedIn;
  let memberId: string;

  const act = (id: string, form: Record<string, string>) =>
    call(member, `/api/staff/members/${id}`, { cookie: staff.cookie, form, params: { id } });
  const statusOf = async (id: string) =>
    (await store.db.selectFrom('users').select('status').where('id', '=', id).executeTakeFirst())
      ?.status;

  beforeAll(async () => {
    staff = await signIn(store, 'deskstaff', 'staff', Date.now() - 30 * MINUTE + 5 * MINUTE);
    memberId = await seedUser(store.db, {
      username: 'olivia_w',
      email: 'olivia@example.org',
      firstName: 'Olivia',
      surname: 'Wright',
      status: 'confirmed',
      warrant: '512345',
    });
    await seedUser(store.db, {
      username: 'percy_50',
      firstName: 'Percy',
      surname: 'Percent',
      status: 'pending',
      warrant: '512346',
    });
  });

  it.each([
    ['a name', 'olivia wri'],
    ['a username', 'OLIVIA_W'],
    ['an email', 'olivia@example'],
    ['a full warrant number', '512345'],
  ])('finds a member by %s', async (_, q) => {
    const res = await call(members, '/api/staff/members', {
      cookie: staff.cookie,
      form: { q, status: '' },
    });
    const html = await res.text();
    expect(html).toContain('1 account found');
    expect(html).toContain('olivia_w');
    expect(html).not.toContain('512345');
  });

  it('sends searches as a POST so a warrant number never appears in a URL', async () => {
    const html = await (await call(members, '/api/staff/members', { cookie: staff.cookie })).text();
    expect(html).toContain('<form method="post" action="/api/staff/members"');
  });

  it('treats wildcard characters in a search as text', async () => {
    const html = await (
      await call(members, '/api/staff/members?q=%25', { cookie: staff.cookie })
    ).text();
    expect(html).toContain('No account matches that search.');
  });

  it('shows a member with status and history, and signs them out everywhere', async () => {
    await createSession(memberId, 'member', { db: store.db });
    await createSession(memberId, 'member', { db: store.db });
    const page = await (
      await call(member, `/api/staff/members/${memberId}`, {
        cookie: staff.cookie,
        params: { id: memberId },
      })
    ).text();
    expect(page).toContain('Signed in on</dt><dd>2 devices');
    const res = await act(memberId, { action: 'revoke' });
    expect(flashOf(res)?.text).toBe('Signed olivia_w out of 2 sessions.');
    const left = await store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', memberId)
      .execute();
    expect(left).toHaveLength(0);
    const after = await (
      await call(member, `/api/staff/members/${memberId}`, {
        cookie: staff.cookie,
        params: { id: memberId },
      })
    ).text();
    expect(after).toContain('member.sessions-revoke');
  });

  it('suspends with a reason (ending sign-in) and reinstates', async () => {
    // A reason to correct comes back beside its box, as typed.
    const refused = await act(memberId, { action: 'suspend', reason: 'See 512399' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(
      /id="suspend-reason-error">.*Leave warrant numbers out of the reason.*>See 512399<\/textarea>/s,
    );
    expect(await statusOf(memberId)).toBe('confirmed');
    expect(
      flashOf(await act(memberId, { action: 'suspend', reason: 'Left the service' }))?.text,
    ).toBe('Suspended Olivia Wright (olivia_w).');
    expect(await statusOf(memberId)).toBe('suspended');
    const login = await authenticateMember('olivia_w', SEED_PASSWORD);
    expect(login.ok).toBe(false);
    expect(flashOf(await act(memberId, { action: 'reinstate' }))?.text).toBe(
      'Reinstated Olivia Wright (olivia_w).',
    );
    expect(await statusOf(memberId)).toBe('confirmed');
    expect((await auditOf(store, 'member.reinstate')).at(-1)?.actor).toBe('deskstaff');
  });

  it('suspends confirmed members only, and never reinstates an email nobody confirmed', async () => {
    for (const status of ['pending', 'unverified'] as const) {
      const id = await seedUser(store.db, { username: `not_yet_${status}`, status });
      const res = await act(id, { action: 'suspend', reason: 'Checking' });
      expect(flashOf(res)?.kind).toBe('error');
      expect(flashOf(res)?.text).toContain(`is ${status}, not a confirmed member`);
      expect(await statusOf(id)).toBe(status);
    }
    // An account suspended before this rule, its email never confirmed, stays suspended.
    const legacy = await seedUser(store.db, { username: 'legacy_suspended', status: 'unverified' });
    await store.db
      .updateTable('users')
      .set({ status: 'suspended', verified_at: null })
      .where('id', '=', legacy)
      .execute();
    const res = await act(legacy, { action: 'reinstate' });
    expect(flashOf(res)?.text).toContain('never confirmed their email address');
    expect(await statusOf(legacy)).toBe('suspended');
  });

  it('erases only when the username is typed, as the member could themselves', async () => {
    const id = await seedUser(store.db, {
      username: 'erase_me',
      status: 'confirmed',
      warrant: '599999',
    });
    const wrong = await act(id, { action: 'erase', confirm: 'someone' });
    expect(flashOf(wrong)?.kind).toBe('error');
    expect(await statusOf(id)).toBe('confirmed');
    const res = await act(id, { action: 'erase', confirm: 'ERASE_ME' });
    expect(res.headers.get('location')).toBe('/api/staff/members');
    expect(await statusOf(id)).toBeUndefined();
    expect((await auditOf(store, 'member.erase')).at(-1)).toMatchObject({
      actor: 'deskstaff',
      target: id,
    });
    const gone = await call(member, `/api/staff/members/${id}`, {
      cookie: staff.cookie,
      params: { id },
    });
    expect(gone.status).toBe(404);
  });

  it('exports members as CSV only after a recent password, and audits it', async () => {
    const refused = await call(exportFn, '/api/staff/export', {
      cookie: staff.cookie,
      method: 'POST',
    });
    expect(refused.status).toBe(303);
    expect(flashOf(refused)?.text).toMatch(/Confirm your password and a second factor first/);
    await call(reauth, '/api/staff/reauth', {
      cookie: staff.cookie,
      form: await reauthFields(store, staff, '/api/staff/members'),
    });
    const res = await call(exportFn, '/api/staff/export', { cookie: staff.cookie, method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="members-/);
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toBe(
      'username,first_name,surname,email,role,status,warrant_ends_in,registered_at,email_verified_at,confirmed_at',
    );
    expect(csv).toContain('olivia_w,Olivia,Wright,olivia@example.org,member,confirmed,45,');
    expect(csv).not.toContain('512345');
    expect(csv).not.toContain('$argon2');
    expect((await auditOf(store, 'members.export')).at(-1)?.actor).toBe('deskstaff');
  });

  it('streams the export a page at a time, every account once in surname order', async () => {
    for (const [i, surname] of ['Zhou', "O'Neil", 'Adams', 'Baker', 'Adams', '=Formula'].entries())
      await seedUser(store.db, { username: `paged_${i}`, surname, firstName: i % 2 ? 'Al' : 'Bo' });
    const read = async (pageRows: number) => {
      const stream = await exportMembersCsv('deskstaff', { pageRows });
      return new Response(stream).text();
    };
    const whole = await read(100_000);
    const lines = whole.trimEnd().split('\r\n');
    const count = await store.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(lines).toHaveLength(Number(count.n) + 1);
    // Pages of two and of one give the same file as one page, boundaries included.
    expect(await read(2)).toBe(whole);
    expect(await read(1)).toBe(whole);
    const surnames = lines.slice(1).map((line) => line.split(',')[2]);
    expect(surnames).toContain("'=Formula");
    const audited = (await auditOf(store, 'members.export')).at(-1)!;
    expect(JSON.parse(audited.detail)).toEqual({ rows: Number(count.n) });
  });

  it('invites a colleague who sets a password from the emailed link and can then sign in as staff', async () => {
    const bad = await call(team, '/api/staff/team', {
      cookie: staff.cookie,
      form: { firstName: '', surname: 'Kaur', email: 'nope', username: 'x' },
    });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Enter their first name');
    const res = await call(team, '/api/staff/team', {
      cookie: staff.cookie,
      form: {
        firstName: 'Priya',
        surname: 'Kaur',
        email: 'priya@federation.example',
        username: 'pkaur',
      },
    });
    expect(flashOf(res)?.text).toMatch(/Invited Priya Kaur \(pkaur\)/);
    const token = lastTokenFor(store.dataDir, 'priya@federation.example', '/set-password/');
    expect(await resetPassword(token, 'a long staff passphrase 42')).toEqual({ ok: true });
    const login = await authenticateMember('pkaur', 'a long staff passphrase 42');
    expect(login.ok && login.user.role).toBe('staff');
    expect((await auditOf(store, 'staff.create')).at(-1)?.actor).toBe('deskstaff');
  });

  it('writes no account for an invitation it refuses, whatever field is wrong', async () => {
    const invite = (fields: Record<string, string>) =>
      call(team, '/api/staff/team', {
        cookie: staff.cookie,
        form: {
          firstName: 'Half',
          surname: 'Written',
          email: 'half@federation.example',
          username: 'halfwritten',
          ...fields,
        },
      });
    for (const [fields, message] of [
      [{ firstName: ' ' }, 'Enter their first name'],
      [{ surname: '\u200b' }, 'Enter their surname'],
      [{ firstName: 'Ann\u001b[31m' }, 'Remove the hidden control characters'],
      [{ surname: 'x'.repeat(101) }, 'Use 100 characters or fewer'],
    ] as const) {
      const res = await invite(fields);
      expect(res.status, JSON.stringify(fields)).toBe(422);
      expect(await res.text()).toContain(message);
    }
    const rows = await store.db
      .selectFrom('users')
      .select('id')
      .where('username_lower', '=', 'halfwritten')
      .execute();
    expect(rows).toHaveLength(0);
    // Corrected, the same invitation goes through.
    expect(flashOf(await invite({}))?.text).toMatch(/Invited Half Written \(halfwritten\)/);
    // Each taken field is named beside itself.
    const again = await (await invite({ username: 'someoneelse' })).text();
    expect(again).toContain('An account with that email already exists');
    expect(again).not.toContain('An account with that username already exists');
  });

  it('answers one of two invitations of one username at once, and refuses the other in words', async () => {
    const answers = await Promise.all(
      ['race.a@federation.example', 'race.b@federation.example'].map((email) =>
        call(team, '/api/staff/team', {
          cookie: staff.cookie,
          form: { firstName: 'Rae', surname: 'Cer', email, username: 'racer' },
        }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([303, 422]);
    expect(await answers.find((r) => r.status === 422)!.text()).toContain(
      'An account with that username already exists',
    );
  });

  it('shows the audit log filtered by action and person, with no warrant numbers or passwords in it', async () => {
    const res = await call(audit, '/api/staff/audit?action=member.reinstate&actor=deskstaff', {
      cookie: staff.cookie,
    });
    const html = await res.text();
    expect(html).toContain('member.reinstate (username: olivia_w, from: suspended)');
    expect(html).not.toContain('member.sessions-revoke (');
    const all = await auditText(store);
    expect(all).not.toMatch(/512345|512346|599999/);
    expect(all).not.toContain(SEED_PASSWORD);
    expect(all).not.toContain('a long staff passphrase 42');
    const dated = await (
      await call(audit, '/api/staff/audit?from=2000-01-01&to=2000-01-02', { cookie: staff.cookie })
    ).text();
    expect(dated).toContain('No entries match these filters.');
  });

  it.each([
    ['from=2026-02-30', 'audit-from-error', 'Enter the start date as a real day'],
    ['from=99999-01-01', 'audit-from-error', 'Enter the start date as a real day'],
    ['to=yesterday', 'audit-to-error', 'Enter the end date as a real day'],
    ['from=2026-03-02&to=2026-03-01', 'audit-to-error', 'The end date is before the start date'],
  ])(
    'says beside the field when the audit filter %s is not a range of days',
    async (q, id, message) => {
      const res = await call(audit, `/api/staff/audit?${q}`, { cookie: staff.cookie });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(new RegExp(`id="${id}">.*${message}`, 's'));
    },
  );

  it.each(['1e400', '99999999999999999999', 'Infinity', '-3', '2.5', 'two', ''])(
    'answers the audit log and the review queue for ?page=%s',
    async (page) => {
      for (const [fn, path] of [
        [audit, '/api/staff/audit'],
        [review, '/api/staff/review'],
      ] as const) {
        const res = await call(fn, `${path}?page=${encodeURIComponent(page)}`, {
          cookie: staff.cookie,
        });
        expect(res.status, path).toBe(200);
      }
    },
  );
});
