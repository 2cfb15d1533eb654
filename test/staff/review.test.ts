import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import review from '../../functions/staff-review.ts';
import { confirmMember } from '../../src/server/membership/decide.ts';
import { refreshRollFlags } from '../../src/server/roll/match.ts';
import { ENGINES, importRollText, readOutbox, seedUser } from '../server/support.ts';
import {
  auditOf,
  auditText,
  call,
  flashOf,
  signIn,
  type SignedIn,
  useStaffStore,
} from './support.ts';

describe.each(ENGINES)('review queue (%s)', (engine) => {
  const store = useStaffStore(engine);
  let staff: SignedIn;
  let colleague: SignedIn;
  let serial = 0;

  async function pending(surname: string, warrant: string): Promise<string> {
    serial += 1;
    return seedUser(store.db, {
      username: `reg${serial}`,
      email: `reg${serial}@example.org`,
      firstName: 'Sam',
      surname,
      status: 'pending',
      warrant,
    });
  }

  async function statusOf(id: string) {
    const row = await store.db
      .selectFrom('users')
      .select(['status', 'reject_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row;
  }

  beforeAll(async () => {
    staff = await signIn(store, 'reviewer_one');
    colleague = await signIn(store, 'reviewer_two');
  });
  beforeEach(async () => {
    await store.db.deleteFrom('users').where('role', '=', 'member').execute();
  });

  it('lists pending registrations with last two digits, roll match and claim, never the number', async () => {
    await importRollText(
      'warrant_number,surname,status\n400112,Okafor,serving\n400113,Brown,serving\n',
      'test',
    );
    const matched = await pending('Okafor', '400112');
    await pending('Smith', '400113');
    await pending('Nobody', '499999');
    const holder = await seedUser(store.db, {
      username: 'holder',
      status: 'confirmed',
      warrant: '400113',
      surname: 'Brown',
    });
    await refreshRollFlags(store.db);
    const res = await call(review, '/api/staff/review', { cookie: staff.cookie });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<caption');
    expect(html).toContain('scope="col"');
    expect(html).toContain('>12<');
    expect(html).not.toContain('400112');
    expect(html).toContain('Number not on the roll');
    expect(html).toContain('surname differs');
    expect(html).toContain('Claimed by holder');
    expect(html).toContain('Confirm the 1 roll-matched registration');
    expect(html).toContain(`value="${matched}"`);
    expect(holder).toBeTruthy();
  });

  it('confirms one registration, emails the member and audits it', async () => {
    const id = await pending('Jones', '410001');
    const res = await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'confirm', id, back: '/api/staff/review' },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/api/staff/review');
    expect(flashOf(res)?.text).toMatch(/Confirmed Sam Jones/);
    expect((await statusOf(id)).status).toBe('confirmed');
    expect(
      readOutbox(store.dataDir).some(
        (m) => m.to.includes(`reg${serial}@`) && /confirmed/.test(m.subject),
      ),
    ).toBe(true);
    const entries = await auditOf(store, 'member.confirm');
    expect(entries.at(-1)).toMatchObject({ actor: 'reviewer_one', target: id });
  });

  it('makes one decision when two staff confirm the same registration at once', async () => {
    const id = await pending('Patel', '420001');
    const before = (await auditOf(store, 'member.confirm')).length;
    const results = await Promise.all([
      confirmMember(id, 'reviewer_one'),
      confirmMember(id, 'reviewer_two'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    expect(loser.message).toMatch(/already decided: confirmed by reviewer_(one|two)/);
    expect((await auditOf(store, 'member.confirm')).length).toBe(before + 1);
  });

  it('tells the second staff member through the page who decided first', async () => {
    const id = await pending('Lee', '430001');
    await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'reject', id, reason: 'Not on our roll' },
    });
    const res = await call(review, '/api/staff/review', {
      cookie: colleague.cookie,
      form: { action: 'confirm', id },
    });
    expect(flashOf(res)).toEqual({
      kind: 'error',
      text: `The registration of Sam Lee (reg${serial}) was already decided: rejected by reviewer_one.`,
    });
    expect((await statusOf(id)).status).toBe('rejected');
  });

  it('rejects with a reason that is emailed to the member, and requires one', async () => {
    const id = await pending('Grey', '440001');
    const missing = await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'reject', id, reason: '  ' },
    });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Give a reason');
    const withNumber = await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'reject', id, reason: 'Number 440001 is not ours' },
    });
    // The queue again: the reason as typed, in its open box, with what to change beside it.
    expect(withNumber.status).toBe(422);
    const page = await withNumber.text();
    expect(page).toContain('<title>Error: Review queue');
    expect(page).toMatch(/<details class="staff-reject" open>/);
    expect(page).toMatch(
      new RegExp(
        `id="reason-${id}-error">.*Leave warrant numbers out of the reason.*>Number 440001 is not ours</textarea>`,
        's',
      ),
    );
    expect((await statusOf(id)).status).toBe('pending');
    const res = await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'reject', id, reason: 'Your warrant number is not on the roll' },
    });
    expect(flashOf(res)?.kind).toBe('ok');
    expect(await statusOf(id)).toEqual({
      status: 'rejected',
      reject_reason: 'Your warrant number is not on the roll',
    });
    const mail = readOutbox(store.dataDir)
      .filter((m) => m.to.includes(`reg${serial}@`))
      .at(-1)!;
    expect(mail.text).toContain('Your warrant number is not on the roll');
    expect((await auditOf(store, 'member.reject')).at(-1)).toMatchObject({
      actor: 'reviewer_one',
      target: id,
    });
  });

  it('confirms all roll-matched registrations, serving and retired, at once and leaves the rest', async () => {
    await importRollText(
      'warrant_number,surname,status\n450001,Khan,serving\n450002,Doyle,serving\n450003,Ford,retired\n',
      'test',
    );
    const a = await pending('Khan', '450001');
    const b = await pending('Doyle', '450002');
    const wrongName = await pending('Other', '450001');
    const retired = await pending('Ford', '450003');
    const notOnRoll = await pending('Ng', '459999');
    // Re-check the flags now the registrations exist (registration does this itself).
    await refreshRollFlags(store.db);
    const res = await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'confirm-matched' },
    });
    expect(flashOf(res)?.text).toMatch(/^Confirmed 3 roll-matched registrations\./);
    for (const id of [a, b, retired]) expect((await statusOf(id)).status).toBe('confirmed');
    for (const id of [wrongName, notOnRoll]) expect((await statusOf(id)).status).toBe('pending');
    expect((await auditOf(store, 'member.bulk-confirm')).at(-1)?.detail).toBe(
      JSON.stringify({ confirmed: 3, skipped: 0 }),
    );
    expect(await auditText(store)).not.toMatch(/45000[123]/);
  });

  it('filters the queue to roll-matched registrations and pages through it', async () => {
    const res = await call(review, '/api/staff/review?filter=matched&page=7', {
      cookie: staff.cookie,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('aria-current="page">Roll-matched');
  });

  it('answers an unknown action with 400 and changes nothing', async () => {
    const id = await pending('Hart', '460001');
    const res = await call(review, '/api/staff/review', {
      cookie: staff.cookie,
      form: { action: 'delete', id },
    });
    expect(res.status).toBe(400);
    expect((await statusOf(id)).status).toBe('pending');
  });
});
