/**
 * Every membership and roll rule, asked through the members CLI and through
 * the staff console, must give the same answer and leave the same state.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import rollPage from '../../functions/staff-roll.ts';
import { rejectMember } from '../../src/server/membership/end.ts';
import { MEMBERSHIP_MESSAGES } from '../../src/server/membership/rules.ts';
import { refreshRollFlags } from '../../src/server/roll/match.ts';
import { normaliseSurname } from '../../src/server/rules/person-name.ts';
import { createSession, validateSessionToken } from '../../src/server/sessions.ts';
import { ROLL_FILE_CASES } from '../support/roll-files.ts';
import { ENGINES, importRollText, readOutbox, seedUser } from '../server/support.ts';
import { auditOf, call, signIn, useStaffStore } from '../staff/support.ts';
import {
  cliCaller,
  consoleCaller,
  pageText,
  runMembersCli,
  type Caller,
  type MemberRef,
} from './callers.ts';

describe.each(ENGINES)('membership rules through the CLI and the console (%s)', (engine) => {
  const store = useStaffStore(engine);
  let callers: Caller[];
  let serial = 0;

  beforeAll(async () => {
    callers = [cliCaller(store), await consoleCaller(store, 'desk_staff')];
  });
  beforeEach(async () => {
    await store.db.deleteFrom('users').where('role', '=', 'member').execute();
    await store.db.deleteFrom('roll_entries').execute();
  });

  /** A new member; warrant numbers are unique per call unless given. */
  async function member(
    fields: { surname?: string; status?: 'pending' | 'confirmed'; warrant?: string } = {},
  ): Promise<MemberRef & { name: string }> {
    serial += 1;
    const username = `member${serial}`;
    const surname = fields.surname ?? `Surname${serial}`;
    const id = await seedUser(store.db, {
      username,
      firstName: 'Alex',
      surname,
      status: fields.status ?? 'pending',
      warrant: fields.warrant ?? String(800000 + serial),
    });
    return { id, username, name: `Alex ${surname} (${username})` };
  }

  const statusOf = async (who: MemberRef) =>
    (
      await store.db
        .selectFrom('users')
        .select(['status', 'reject_reason'])
        .where('id', '=', who.id)
        .executeTakeFirst()
    )?.status;

  /** Runs `rule` once per caller and returns each caller's answer. */
  async function eachCaller<T>(rule: (caller: Caller) => Promise<T>): Promise<T[]> {
    const answers: T[] = [];
    for (const caller of callers) answers.push(await rule(caller));
    return answers;
  }

  it('requires a reason to reject, and keeps warrant numbers out of it', async () => {
    for (const reason of ['', '   ']) {
      const answers = await eachCaller(async (caller) => {
        const who = await member();
        const answer = await caller.reject(who, reason);
        expect(await statusOf(who)).toBe('pending');
        return answer;
      });
      for (const answer of answers)
        expect(answer).toEqual({ ok: false, text: MEMBERSHIP_MESSAGES.reasonMissing });
    }
    for (const reason of [
      'Number 812345 is not ours',
      'P812345 is a pay number',
      'Ends 12 34 56',
    ]) {
      const outboxBefore = readOutbox(store.dataDir).length;
      const answers = await eachCaller(async (caller) => {
        const who = await member();
        const answer = await caller.reject(who, reason);
        expect(await statusOf(who)).toBe('pending');
        return answer;
      });
      for (const answer of answers)
        expect(answer).toEqual({ ok: false, text: MEMBERSHIP_MESSAGES.reasonHasNumber });
      expect(readOutbox(store.dataDir)).toHaveLength(outboxBefore);
    }
  });

  it('rejects with a reason: emailed, audited, sessions ended', async () => {
    await eachCaller(async (caller) => {
      const who = await member();
      const session = await createSession(who.id, 'member', { db: store.db });
      const answer = await caller.reject(who, 'Not on the roll sent in March, 2026-03-01');
      expect(answer).toEqual({
        ok: true,
        text: `Rejected ${who.name}; they have been emailed the reason.`,
      });
      expect(await statusOf(who)).toBe('rejected');
      expect(await validateSessionToken(session.token)).toBeNull();
      const mail = readOutbox(store.dataDir).filter((m) => m.to.includes(`${who.username}@`));
      expect(mail.at(-1)?.text).toContain('Not on the roll sent in March, 2026-03-01');
      expect((await auditOf(store, 'member.reject')).at(-1)?.target).toBe(who.id);
    });
  });

  it('requires a reason to suspend, without warrant numbers, and ends access', async () => {
    await eachCaller(async (caller) => {
      const who = await member({ status: 'confirmed' });
      expect(await caller.suspend(who, '')).toEqual({
        ok: false,
        text: MEMBERSHIP_MESSAGES.reasonMissing,
      });
      expect(await caller.suspend(who, 'Retired as 812 345')).toEqual({
        ok: false,
        text: MEMBERSHIP_MESSAGES.reasonHasNumber,
      });
      expect(await statusOf(who)).toBe('confirmed');
      const session = await createSession(who.id, 'member', { db: store.db });
      expect(await caller.suspend(who, 'Left the service')).toEqual({
        ok: true,
        text: `Suspended ${who.name}.`,
      });
      expect(await validateSessionToken(session.token)).toBeNull();
      expect(await caller.suspend(who, 'Again')).toEqual({
        ok: false,
        text: `${who.name} is already suspended.`,
      });
      expect(await caller.reinstate(who)).toEqual({ ok: true, text: `Reinstated ${who.name}.` });
      expect(await statusOf(who)).toBe('confirmed');
    });
  });

  it('tells who decided first when a registration is no longer pending', async () => {
    await eachCaller(async (caller) => {
      const who = await member();
      await rejectMember(who.id, 'first_reviewer', 'Not on the roll');
      expect(await caller.confirm(who)).toEqual({
        ok: false,
        text: `The registration of ${who.name} was already decided: rejected by first_reviewer.`,
      });
      expect(await statusOf(who)).toBe('rejected');
    });
  });

  it('confirms exactly one of two registrations of one warrant number asked at once', async () => {
    await eachCaller(async (caller) => {
      const warrant = String(870000 + serial);
      const first = await member({ warrant });
      const second = await member({ warrant });
      const answers = await Promise.all([caller.confirm(first), caller.confirm(second)]);
      expect(answers.filter((a) => a.ok)).toHaveLength(1);
      expect(answers.find((a) => !a.ok)).toEqual({
        ok: false,
        text: MEMBERSHIP_MESSAGES.claimed,
      });
      const statuses = [await statusOf(first), await statusOf(second)].sort();
      expect(statuses).toEqual(['confirmed', 'pending']);
      const holders = await store.db
        .selectFrom('users')
        .select('id')
        .where('warrant_claim', 'is not', null)
        .where('id', 'in', [first.id, second.id])
        .execute();
      expect(holders).toHaveLength(1);
    });
  });

  it('does not reinstate a member whose number another confirmed member now holds', async () => {
    await eachCaller(async (caller) => {
      const warrant = String(880000 + serial);
      const suspended = await member({ warrant, status: 'confirmed' });
      expect((await caller.suspend(suspended, 'Paused for checks')).ok).toBe(true);
      const holder = await member({ warrant });
      expect((await caller.confirm(holder)).ok).toBe(true);
      expect(await caller.reinstate(suspended)).toEqual({
        ok: false,
        text: MEMBERSHIP_MESSAGES.claimedOnReinstate,
      });
    });
  });

  it('confirms serving and retired roll matches in bulk, and nothing else', async () => {
    await eachCaller(async (caller) => {
      await store.db.deleteFrom('users').where('role', '=', 'member').execute();
      const base = 890000 + serial * 10;
      const serving = await member({ surname: 'Østergård', warrant: String(base + 1) });
      const retired = await member({ surname: 'Müller', warrant: String(base + 2) });
      const wrongName = await member({ surname: 'Smith', warrant: String(base + 3) });
      const offRoll = await member({ surname: 'Jones', warrant: String(base + 9) });
      await importRollText(
        `warrant_number,surname,status\n${base + 1},Ostergard,serving\n${base + 2},Mueller,retired\n${base + 3},Smyth,serving\n`,
      );
      await refreshRollFlags(store.db);
      expect(await caller.confirmMatched()).toEqual({
        ok: true,
        text: 'Confirmed 2 roll-matched registrations.',
      });
      expect(await statusOf(serving)).toBe('confirmed');
      expect(await statusOf(retired)).toBe('confirmed');
      expect(await statusOf(wrongName)).toBe('pending');
      expect(await statusOf(offRoll)).toBe('pending');
    });
  });

  it('refuses staff accounts and unknown accounts with the same words', async () => {
    const staff = await signIn(store, `boss${serial}`);
    await eachCaller(async (caller) => {
      expect(await caller.confirm({ id: staff.id, username: staff.username })).toEqual({
        ok: false,
        text: MEMBERSHIP_MESSAGES.staffAccount,
      });
      expect(await caller.suspend({ id: 'nobody', username: 'nobody' }, 'Gone')).toEqual({
        ok: false,
        text: MEMBERSHIP_MESSAGES.notFound,
      });
    });
  });

  it.each(ROLL_FILE_CASES)(
    'reads the roll file "$name" the same way',
    async ({ bytes, expected }) => {
      await importRollText('warrant_number,surname,status\n999999,Before,serving\n');
      const before = await store.db.selectFrom('roll_entries').selectAll().execute();
      await eachCaller(async (caller) => {
        const answer = await caller.importRoll(bytes);
        const after = await store.db.selectFrom('roll_entries').selectAll().execute();
        if ('errors' in expected) {
          expect(answer.ok, answer.text).toBe(false);
          for (const error of expected.errors) expect(answer.text).toContain(error);
          expect(after).toEqual(before);
        } else {
          expect(answer.ok, answer.text).toBe(true);
          expect(after.map((r) => r.surname_norm).sort()).toEqual(
            expected.surnames.map(normaliseSurname).sort(),
          );
          await importRollText('warrant_number,surname,status\n999999,Before,serving\n');
        }
      });
    },
  );

  it('lists a member dropped by a CLI roll import as lapsed in the console', async () => {
    await importRollText(
      'warrant_number,surname,status\n860001,Hale,serving\n860002,Reid,serving\n',
    );
    const lapsing = await member({ surname: 'Hale', warrant: '860001', status: 'confirmed' });
    const file = `${store.dataDir}/dropped.csv`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'warrant_number,surname,status\n860002,Reid,serving\n');
    const cli = await runMembersCli(store, 'import-roll', file);
    expect(cli.ok, cli.text).toBe(true);
    expect(cli.text).toContain('1 confirmed member left the roll');
    expect(cli.text).toContain(`Alex Hale (${lapsing.username})`);
    const viewer = await signIn(store, `viewer${serial}`);
    const page = pageText(
      await (await call(rollPage, '/api/staff/roll', { cookie: viewer.cookie })).text(),
    );
    expect(page).toContain(lapsing.username);
    const lapse = await store.db
      .selectFrom('roll_lapses')
      .selectAll()
      .where('user_id', '=', lapsing.id)
      .executeTakeFirstOrThrow();
    expect(lapse.decided_at).toBeNull();
  });
});
