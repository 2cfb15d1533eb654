import { describe, expect, it } from 'vitest';
import {
  confirmMember,
  confirmRollMatches,
  createStaff,
  listMembers,
  rejectMember,
  REVIEW_MESSAGES,
  STAFF_EXISTS_MESSAGE,
  suspendMember,
} from '../../src/server/review.ts';
import { importRoll } from '../../src/server/roll.ts';
import { createSession, validateSessionToken } from '../../src/server/sessions.ts';
import { authenticateMember } from '../../src/server/authentication.ts';
import { listAudit } from '../../src/server/audit.ts';
import { ENGINES, readOutbox, seedUser, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

describe.each(ENGINES)('staff review on %s', (engine) => {
  const store = useTestStore(engine);

  it('confirms a pending member, claims the warrant number, emails and audits', async () => {
    const id = await seedUser(store.db, {
      username: 'penny',
      status: 'pending',
      warrant: '700001',
    });
    expect(await confirmMember('Penny', 'staffer', { now: T0 })).toEqual({ ok: true });
    const row = await store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'confirmed',
      confirmed_at: T0,
      warrant_claim: row.warrant_hmac,
    });
    expect(readOutbox(store.dataDir).at(-1)).toMatchObject({
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers as any
      to: expect.stringContaining('penny@example.com'),
    });
    expect((await listAudit())[0]).toMatchObject({
      actor: 'staffer',
      action: 'member.confirm',
      target: id,
    });
  });

  it('refuses to confirm a second member with a claimed warrant number', async () => {
    await seedUser(store.db, { username: 'quinn', status: 'pending', warrant: '700001' });
    expect(await confirmMember('quinn', 'staffer', { now: T0 })).toEqual({
      ok: false,
      message: REVIEW_MESSAGES.claimed,
    });
  });

  it('enforces one claim per warrant number in the store itself', async () => {
    const hmac = (
      await store.db
        .selectFrom('users')
        .select('warrant_hmac')
        .where('username_lower', '=', 'quinn')
        .executeTakeFirstOrThrow()
    ).warrant_hmac;
    await expect(
      store.db
        .updateTable('users')
        .set({ warrant_claim: hmac })
        .where('username_lower', '=', 'quinn')
        .execute(),
    ).rejects.toThrow();
  });

  it('refuses unknown, unverified, already confirmed and staff accounts with a message', async () => {
    await seedUser(store.db, { username: 'uma', status: 'unverified' });
    await seedUser(store.db, { username: 'boss', role: 'staff' });
    expect(await confirmMember('nobody', 's')).toEqual({
      ok: false,
      message: REVIEW_MESSAGES.notFound,
    });
    expect(await confirmMember('uma', 's')).toEqual({
      ok: false,
      message: REVIEW_MESSAGES.notVerified,
    });
    expect(await confirmMember('penny', 's')).toEqual({
      ok: false,
      message: REVIEW_MESSAGES.alreadyConfirmed,
    });
    expect(await confirmMember('boss', 's')).toEqual({
      ok: false,
      message: REVIEW_MESSAGES.notStaffTarget,
    });
    expect(await rejectMember('boss', 's')).toEqual({
      ok: false,
      message: REVIEW_MESSAGES.notStaffTarget,
    });
  });

  it('rejects with a reason, ends the member’s sessions, emails the reason and audits', async () => {
    const id = await seedUser(store.db, { username: 'rob', status: 'pending', warrant: '700002' });
    const session = await createSession(id, 'member', { now: T0 });
    expect(await rejectMember('rob', 'staffer', 'Not on the roll', { now: T0 })).toEqual({
      ok: true,
    });
    expect(await validateSessionToken(session.token, { now: T0 })).toBeNull();
    const row = await store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'rejected', reject_reason: 'Not on the roll' });
    expect(readOutbox(store.dataDir).at(-1)?.text).toContain('Not on the roll');
    expect((await listAudit())[0]).toMatchObject({
      action: 'member.reject',
      detail: { reason: 'Not on the roll' },
    });
    // A rejected member can still sign in to read why.
    const login = await authenticateMember('rob', 'tangerine-bicycle-gravel', { now: T0 });
    expect(login.ok && login.user.status).toBe('rejected');
  });

  it('suspends a member: sessions end and sign-in fails', async () => {
    const id = await seedUser(store.db, {
      username: 'sam',
      status: 'confirmed',
      warrant: '700003',
    });
    const session = await createSession(id, 'member', { now: T0 });
    expect(await suspendMember('sam', 'staffer', 'Left the service', { now: T0 })).toEqual({
      ok: true,
    });
    expect(await validateSessionToken(session.token, { now: T0 })).toBeNull();
    expect((await authenticateMember('sam', 'tangerine-bicycle-gravel', { now: T0 })).ok).toBe(
      false,
    );
    // Releasing the claim lets a corrected registration confirm later.
    const row = await store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.warrant_claim).toBeNull();
  });

  it('lists members by status with roll flags but no secrets', async () => {
    const pending = await listMembers({ status: 'pending' });
    expect(pending.map((m) => m.username)).toContain('quinn');
    expect(pending.every((m) => m.status === 'pending')).toBe(true);
    expect(JSON.stringify(pending)).not.toMatch(/argon2/);
    expect(pending[0]).toHaveProperty('roll.onRoll');
  });

  it('confirms every pending serving roll match in bulk', async () => {
    await seedUser(store.db, {
      username: 'tia',
      surname: 'Kaur',
      status: 'pending',
      warrant: '710001',
    });
    await seedUser(store.db, {
      username: 'ved',
      surname: 'Wrong',
      status: 'pending',
      warrant: '710002',
    });
    await importRoll(
      [
        { line: 2, warrantNumber: '710001', surname: 'Kaur', status: 'serving' },
        { line: 3, warrantNumber: '710002', surname: 'Patel', status: 'serving' },
      ],
      'staffer',
      { now: T0 },
    );
    const matches = (await listMembers({ status: 'pending' })).find((m) => m.username === 'tia');
    expect(matches?.roll).toMatchObject({ onRoll: true, surnameMatch: true, status: 'serving' });
    expect(await confirmRollMatches('staffer', { now: T0 })).toBe(1);
    const statuses = Object.fromEntries((await listMembers()).map((m) => [m.username, m.status]));
    expect(statuses).toMatchObject({ tia: 'confirmed', ved: 'pending' });
  });

  it('creates a staff account with a generated password shown once', async () => {
    const result = await createStaff(
      { email: 'office@example.org', username: 'office1' },
      'cli:test',
      { now: T0 },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.password.length).toBeGreaterThanOrEqual(20);
    const login = await authenticateMember('office1', result.password, { now: T0 });
    expect(login.ok && login.user.role).toBe('staff');
    expect(
      await createStaff({ email: 'OFFICE@example.org', username: 'other1' }, 'cli:test'),
    ).toEqual({
      ok: false,
      errors: { username: STAFF_EXISTS_MESSAGE },
    });
    expect((await listAudit()).find((a) => a.action === 'staff.create')).toMatchObject({
      actor: 'cli:test',
      detail: { username: 'office1' },
    });
    expect(JSON.stringify(await listAudit())).not.toContain(result.password);
  });
});
