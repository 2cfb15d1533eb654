import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  registerMember,
  verifyEmail,
  INVALID_LINK_MESSAGE,
} from '../../src/server/registration.ts';
import { importRoll } from '../../src/server/roll/replace.ts';
import { hmacWarrantNumber } from '../../src/server/warrant.ts';
import {
  countRows,
  ENGINES,
  lastTokenFor,
  readOutbox,
  type TestStore,
  useTestStore,
} from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
let n = 0;

function form(overrides: Record<string, unknown> = {}) {
  n += 1;
  return {
    firstName: 'Alex',
    surname: 'Morgan',
    email: `alex${n}@example.com`,
    username: `amorgan${n}`,
    warrantNumber: String(300000 + n),
    password: 'lantern-otter-quartz',
    ...overrides,
  };
}

async function idsWithUsername(store: TestStore, username: string) {
  return store.db.selectFrom('users').select('id').where('username_lower', '=', username).execute();
}

async function userByEmail(store: TestStore, email: string) {
  return store.db
    .selectFrom('users')
    .selectAll()
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst();
}

describe.each(ENGINES)('registration on %s', (engine) => {
  const store = useTestStore(engine);
  beforeAll(async () => {
    await importRoll(
      [
        { line: 2, warrantNumber: '400001', surname: 'Morgan', status: 'serving' },
        { line: 3, warrantNumber: '400002', surname: 'Evans', status: 'serving' },
        { line: 4, warrantNumber: '400003', surname: 'Morgan', status: 'retired' },
      ],
      'cli:test',
    );
  });

  it('creates an unverified account and emails a verification link', async () => {
    const input = form({ email: 'New.Person@Example.com' });
    expect(await registerMember(input, { now: T0 })).toEqual({ ok: true });
    const user = await userByEmail(store, 'new.person@example.com');
    expect(user).toMatchObject({
      status: 'unverified',
      role: 'member',
      email: 'New.Person@Example.com',
      first_name: 'Alex',
    });
    const token = lastTokenFor(store.dataDir, 'New.Person@Example.com', '/verify-email/');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const message = readOutbox(store.dataDir).at(-1)!;
    expect(message.text).toContain(`${store.config.siteUrl}/verify-email/?token=`);
    expect(message.text).toContain('Metropolitan Police Federation');
  });

  it('returns every field error at once and writes nothing', async () => {
    const before = await countRows(store.db, 'users');
    const result = await registerMember({
      firstName: ' ',
      surname: '',
      email: 'pc@met.police.uk',
      username: 'x',
      warrantNumber: 'P123456',
      password: 'short',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        firstName: 'Enter your first name',
        surname: 'Enter your surname',
        email: 'Use a personal email: work email cannot receive our messages',
        username: 'Use at least 3 characters',
        warrantNumber: 'Enter the 6 digits only, without the P or pay prefix',
        password: 'Use at least 8 characters (15 or more is better)',
      },
    });
    expect(await countRows(store.db, 'users')).toBe(before);
  });

  it('answers the same for a known email and tells the owner by email instead', async () => {
    const first = form();
    await registerMember(first, { now: T0 });
    await verifyEmail(lastTokenFor(store.dataDir, first.email, '/verify-email/'), { now: T0 });
    const before = await countRows(store.db, 'users');
    const again = form({ email: first.email.toUpperCase() });
    expect(await registerMember(again, { now: T0 })).toEqual({ ok: true });
    expect(await countRows(store.db, 'users')).toBe(before);
    const last = readOutbox(store.dataDir).at(-1)!;
    expect(last.to).toContain(first.email);
    expect(last.subject).toMatch(/already have/);
    expect(last.text).not.toMatch(/token=/);
  });

  it('answers the same for a known username and tells its owner', async () => {
    const first = form();
    await registerMember(first, { now: T0 });
    await verifyEmail(lastTokenFor(store.dataDir, first.email, '/verify-email/'), { now: T0 });
    const again = form({ username: first.username.toUpperCase() });
    expect(await registerMember(again, { now: T0 })).toEqual({ ok: true });
    expect(await userByEmail(store, again.email)).toBeUndefined();
    expect(readOutbox(store.dataDir).at(-1)!.to).toContain(first.email);
  });

  it('sends a fresh link when the earlier registration was never verified', async () => {
    const first = form();
    await registerMember(first, { now: T0 });
    const oldToken = lastTokenFor(store.dataDir, first.email, '/verify-email/');
    await registerMember(first, { now: T0 + 1000 });
    const newToken = lastTokenFor(store.dataDir, first.email, '/verify-email/');
    expect(newToken).not.toBe(oldToken);
    expect(await verifyEmail(oldToken, { now: T0 + 2000 })).toEqual({
      ok: false,
      message: INVALID_LINK_MESSAGE,
    });
    expect(await verifyEmail(newToken, { now: T0 + 2000 })).toMatchObject({
      ok: true,
      status: 'pending',
    });
  });

  it('creates exactly one account from 50 simultaneous identical registrations', async () => {
    const input = form();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => registerMember(input, { now: T0 })),
    );
    for (const result of results) expect(result.ok || 'retryAfter' in result).toBe(true);
    expect(await idsWithUsername(store, input.username)).toHaveLength(1);
  }, 60_000);

  it('creates exactly one account from 50 simultaneous registrations of one username', async () => {
    const input = form();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        registerMember({ ...input, email: `race${i}-${input.email}` }, { now: T0 }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 50 }, () => ({ ok: true })));
    expect(await idsWithUsername(store, input.username)).toHaveLength(1);
  }, 60_000);

  it('limits emails to one address to 3 in 10 minutes', async () => {
    const input = form();
    for (let i = 0; i < 3; i++)
      expect(await registerMember(input, { now: T0 })).toEqual({ ok: true });
    expect(await registerMember(input, { now: T0 })).toEqual({ ok: false, retryAfter: 600 });
  });

  it('stores the warrant number only as a keyed HMAC plus its last two digits', async () => {
    const input = form({ warrantNumber: '987654' });
    await registerMember(input, { now: T0 });
    const user = (await userByEmail(store, input.email))!;
    expect(user.warrant_hmac).toBe(hmacWarrantNumber('987654', store.config.warrantKey));
    expect(user.warrant_last2).toBe('54');
    expect(JSON.stringify(user)).not.toContain('987654');
    if (engine === 'sqlite') {
      const bytes = ['site.db', 'site.db-wal']
        .map((f) => path.join(store.dataDir, f))
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'))
        .join('');
      expect(bytes).toContain(input.email);
      expect(bytes).not.toContain('987654');
    }
  });

  it('records roll matches for staff without telling the registrant', async () => {
    const onRoll = form({ warrantNumber: '400001', surname: 'Morgan' });
    const wrongName = form({ warrantNumber: '400002', surname: 'Morgan' });
    const offRoll = form({ warrantNumber: '499999' });
    const answers = [
      await registerMember(onRoll, { now: T0 }),
      await registerMember(wrongName, { now: T0 }),
      await registerMember(offRoll, { now: T0 }),
    ];
    expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(await userByEmail(store, onRoll.email)).toMatchObject({
      roll_on_roll: 1,
      roll_surname_match: 1,
      roll_status: 'serving',
    });
    expect(await userByEmail(store, wrongName.email)).toMatchObject({
      roll_on_roll: 1,
      roll_surname_match: 0,
    });
    expect(await userByEmail(store, offRoll.email)).toMatchObject({
      roll_on_roll: 0,
      roll_surname_match: 0,
      roll_status: null,
    });
  });

  it('flags a second registration with the same warrant number and answers the same', async () => {
    const first = form({ warrantNumber: '455555' });
    const second = form({ warrantNumber: '455555' });
    expect(await registerMember(first, { now: T0 })).toEqual({ ok: true });
    expect(await registerMember(second, { now: T0 })).toEqual({ ok: true });
    expect(await userByEmail(store, first.email)).toMatchObject({ roll_duplicate: 0 });
    expect(await userByEmail(store, second.email)).toMatchObject({
      roll_duplicate: 1,
      status: 'unverified',
    });
  });

  it('moves a verified registration to pending under the review policy, once', async () => {
    const input = form({ warrantNumber: '400001', surname: 'Morgan' });
    await registerMember(input, { now: T0 });
    const token = lastTokenFor(store.dataDir, input.email, '/verify-email/');
    expect(await verifyEmail(token, { now: T0 + 1000 })).toEqual({
      ok: true,
      kind: 'registration',
      status: 'pending',
    });
    expect(await verifyEmail(token, { now: T0 + 2000 })).toEqual({
      ok: false,
      message: INVALID_LINK_MESSAGE,
    });
    expect(await userByEmail(store, input.email)).toMatchObject({
      status: 'pending',
      verified_at: T0 + 1000,
    });
  });

  it('refuses a verification link after 48 hours', async () => {
    const input = form();
    await registerMember(input, { now: T0 });
    const token = lastTokenFor(store.dataDir, input.email, '/verify-email/');
    expect(await verifyEmail(token, { now: T0 + 48 * 3600_000 })).toEqual({
      ok: false,
      message: INVALID_LINK_MESSAGE,
    });
  });

  it('refuses malformed and unknown tokens', async () => {
    expect(await verifyEmail('nope')).toEqual({ ok: false, message: INVALID_LINK_MESSAGE });
    expect(await verifyEmail('A'.repeat(43))).toEqual({ ok: false, message: INVALID_LINK_MESSAGE });
    expect(await verifyEmail(undefined)).toEqual({ ok: false, message: INVALID_LINK_MESSAGE });
  });
});

describe.each(ENGINES)('automatic confirmation on %s', (engine) => {
  const store = useTestStore(engine, { CONFIRM_POLICY: 'auto' });
  beforeAll(async () => {
    await importRoll(
      [
        { line: 2, warrantNumber: '500001', surname: 'Ng', status: 'serving' },
        { line: 3, warrantNumber: '500002', surname: 'Ng', status: 'retired' },
        { line: 4, warrantNumber: '500004', surname: 'Ng', status: 'serving' },
      ],
      'cli:test',
    );
  });

  async function registerAndVerify(input: Record<string, unknown>) {
    await registerMember(input, { now: T0 });
    return verifyEmail(lastTokenFor(store.dataDir, input.email as string, '/verify-email/'), {
      now: T0,
    });
  }

  it('confirms a serving roll match with the right surname at once', async () => {
    expect(await registerAndVerify(form({ warrantNumber: '500001', surname: 'NG' }))).toMatchObject(
      { status: 'confirmed' },
    );
  });

  it('leaves a second claim of the same number for review', async () => {
    expect(await registerAndVerify(form({ warrantNumber: '500001', surname: 'Ng' }))).toMatchObject(
      { status: 'pending' },
    );
  });

  it('confirms a retired member on the roll as well', async () => {
    expect(await registerAndVerify(form({ warrantNumber: '500002', surname: 'Ng' }))).toMatchObject(
      { status: 'confirmed' },
    );
  });

  it('leaves off-roll and wrong-surname registrations for review', async () => {
    expect(await registerAndVerify(form({ warrantNumber: '500003', surname: 'Ng' }))).toMatchObject(
      { status: 'pending' },
    );
    expect(
      await registerAndVerify(form({ warrantNumber: '500004', surname: 'Smith' })),
    ).toMatchObject({ status: 'pending' });
  });
});
