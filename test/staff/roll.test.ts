import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import reauth from '../../functions/staff-reauth.ts';
import roll from '../../functions/staff-roll.ts';
import rollApply from '../../functions/staff-roll-apply.ts';
import rollLapsed from '../../functions/staff-roll-lapsed.ts';
import { MINUTE } from '../../src/server/clock.ts';
import { finishRollJob, jobProgress, startRollJob } from '../../src/server/roll/jobs.ts';
import { MAX_ROLL_UPLOAD_BYTES } from '../../src/server/staff/http/upload.ts';
import { hasRecentReauth } from '../../src/server/staff/reauth.ts';
import { ENGINES, SEED_PASSWORD, seedUser } from '../server/support.ts';
import {
  auditOf,
  auditText,
  call,
  flashOf,
  reauthFields,
  rollUpload,
  signIn,
  type SignedIn,
  useStaffStore,
} from './support.ts';

const HEADER = 'warrant_number,surname,status,rank\n';

describe.each(ENGINES)('roll import in the browser (%s)', (engine) => {
  const store = useStaffStore(engine);
  let staff: SignedIn;

  async function rollSize() {
    const row = await store.db
      .selectFrom('roll_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function confirmPassword(who: SignedIn = staff) {
    const res = await call(reauth, '/api/staff/reauth', {
      cookie: who.cookie,
      form: await reauthFields(store, who, '/api/staff/roll'),
    });
    expect(res.status).toBe(303);
  }

  async function upload(csv: string, who: SignedIn = staff) {
    return call(roll, '/api/staff/roll', { cookie: who.cookie, ...rollUpload(csv) });
  }

  async function previewAndApply(csv: string) {
    const res = await upload(csv);
    expect(res.status).toBe(303);
    const id = new URL(res.headers.get('location')!, 'http://x').searchParams.get('preview')!;
    const page = await (
      await call(roll, `/api/staff/roll?preview=${id}`, { cookie: staff.cookie })
    ).text();
    const sha = /name="sha256" value="([0-9a-f]{64})"/.exec(page)![1];
    return {
      id,
      sha,
      page,
      apply: () =>
        call(rollApply, '/api/staff/roll/apply', {
          cookie: staff.cookie,
          form: { id, sha256: sha },
        }),
    };
  }

  beforeAll(async () => {
    // Signed in 20 minutes ago, so the sign-in itself no longer counts as a recent password.
    staff = await signIn(store, 'rollkeeper', 'staff', Date.now() - 20 * MINUTE);
  });
  afterEach(() => vi.useRealTimers());

  it('asks for the password again before an upload and stores nothing', async () => {
    const page = await (await call(roll, '/api/staff/roll', { cookie: staff.cookie })).text();
    expect(page).toContain('action="/api/staff/reauth"');
    expect(page).not.toContain('type="file"');
    const res = await upload(`${HEADER}123456,Smith,serving\n`);
    expect(res.status).toBe(303);
    expect(flashOf(res)?.text).toMatch(/Confirm your password and a second factor first/);
    expect(await store.db.selectFrom('roll_pending_imports').selectAll().execute()).toHaveLength(0);
  });

  it('refuses a wrong password, and counts the re-authentication in the audit log', async () => {
    const wrong = await call(reauth, '/api/staff/reauth', {
      cookie: staff.cookie,
      form: {
        ...(await reauthFields(store, staff, '/api/staff/roll')),
        password: 'not-my-password',
      },
    });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('That password is not right');
    expect(await hasRecentReauth(staff.sessionId)).toBe(false);
    await confirmPassword();
    expect(await hasRecentReauth(staff.sessionId)).toBe(true);
    expect((await auditOf(store, 'staff.reauth')).at(-1)?.actor).toBe('rollkeeper');
    expect(await auditText(store)).not.toContain(SEED_PASSWORD);
  });

  it('returns to a console page after re-authentication whatever next says', async () => {
    for (const next of [
      '/.//evil.example',
      '/%2e//evil.example',
      '/api/staff/%2e%2e/%2e%2e//evil',
    ]) {
      const res = await call(reauth, '/api/staff/reauth', {
        cookie: staff.cookie,
        form: await reauthFields(store, staff, next),
      });
      expect(res.status, next).toBe(303);
      expect(res.headers.get('location'), next).toBe('/api/staff/roll');
      const page = await call(reauth, `/api/staff/reauth?next=${encodeURIComponent(next)}`, {
        cookie: staff.cookie,
      });
      expect(await page.text(), next).toContain('name="next" value="/api/staff/roll"');
    }
  });

  it('keeps the re-authentication for 10 minutes only (injected clock)', async () => {
    await confirmPassword();
    const now = Date.now();
    expect(await hasRecentReauth(staff.sessionId, { now: now + 9 * MINUTE })).toBe(true);
    expect(await hasRecentReauth(staff.sessionId, { now: now + 10 * MINUTE + 1000 })).toBe(false);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now + 11 * MINUTE);
    const res = await upload(`${HEADER}123456,Smith,serving\n`);
    expect(flashOf(res)?.text).toMatch(/Confirm your password and a second factor first/);
  });

  it('names every bad line and changes nothing when one line is wrong', async () => {
    await confirmPassword();
    const before = await rollSize();
    const res = await upload(
      `${HEADER}200001,Smith,serving\n20002,Jones,serving\n200003,Brown,active\n`,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('Line 3: warrant number');
    expect(html).toContain('Line 4: status must be serving or retired');
    expect(html).toContain('nothing has changed');
    expect(await rollSize()).toBe(before);
  });

  it('previews what would change, then applies exactly the previewed file', async () => {
    await confirmPassword();
    const first = await previewAndApply(
      `${HEADER}300001,Adams,serving\n300002,Baker,serving\n300003,Clark,serving\n`,
    );
    expect(first.page).toContain('Preview: nothing has changed yet');
    expect(await rollSize()).toBe(0);
    const applied = await first.apply();
    expect(flashOf(applied)?.text).toBe(
      'Roll imported: 3 rows (3 added, 0 removed, 0 changed status).',
    );
    expect(await rollSize()).toBe(3);

    const lapsing = await seedUser(store.db, {
      username: 'baker_b',
      surname: 'Baker',
      status: 'confirmed',
      warrant: '300002',
    });
    const second = await previewAndApply(
      `${HEADER}300001,Adams,retired\n300003,Clark,serving\n300004,Dunn,serving\n`,
    );
    expect(second.page).toMatch(/Added to the roll<\/th><td>1</);
    expect(second.page).toMatch(/Removed from the roll<\/th><td>1</);
    expect(second.page).toMatch(/Status changed<\/th><td>1</);
    expect(second.page).toContain('number ending 04, Dunn');
    expect(second.page).toContain('Baker');
    expect(second.page).not.toContain('300004');
    const res = await second.apply();
    expect(flashOf(res)?.text).toMatch(/1 confirmed member left the roll/);
    expect(await rollSize()).toBe(3);
    const again = await second.apply();
    expect(flashOf(again)?.text).toBe('That file has already been applied.');

    const page = await (await call(roll, '/api/staff/roll', { cookie: staff.cookie })).text();
    expect(page).toContain('by rollkeeper');
    expect(page).toContain('baker_b');
    const keep = await call(rollLapsed, '/api/staff/roll/lapsed', {
      cookie: staff.cookie,
      form: { id: lapsing, decision: 'suspend' },
    });
    expect(flashOf(keep)?.text).toMatch(/is suspended/);
    const user = await store.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', lapsing)
      .executeTakeFirstOrThrow();
    expect(user.status).toBe('suspended');
    const imports = await auditOf(store, 'roll.import');
    expect(JSON.parse(imports.at(-1)!.detail)).toMatchObject({
      rows: 3,
      added: 1,
      removed: 1,
      changedStatus: 1,
      lapsed: 1,
    });
    expect(await auditText(store)).not.toMatch(/30000[1-4]/);
  });

  it('refuses a preview taken before someone else imported', async () => {
    await confirmPassword();
    const stale = await previewAndApply(`${HEADER}310001,Evans,serving\n`);
    const fresh = await previewAndApply(`${HEADER}310002,Fox,serving\n`);
    expect(flashOf(await fresh.apply())?.kind).toBe('ok');
    const res = await stale.apply();
    expect(flashOf(res)?.text).toMatch(/imported by someone else since this preview/);
    expect(await rollSize()).toBe(1);
  });

  it('applies one of two previews applied at the same moment and refuses the other as stale', async () => {
    await confirmPassword();
    // Large enough that the two transactions overlap on PostgreSQL (each yields between ranges).
    const rollOf = (first: number) =>
      HEADER + Array.from({ length: 3000 }, (_, i) => `${first + i},Name${i},serving\n`).join('');
    const one = await previewAndApply(rollOf(400000));
    const two = await previewAndApply(rollOf(500000));
    const answers = await Promise.all([one.apply(), two.apply()]);
    expect(answers.map((res) => res.status)).toEqual([303, 303]);
    const flashes = answers.map((res) => flashOf(res)!);
    expect(flashes.map((f) => f.kind).sort()).toEqual(['error', 'ok']);
    expect(flashes.find((f) => f.kind === 'error')!.text).toMatch(
      /imported by someone else since this preview/,
    );
    expect(await rollSize()).toBe(3000);
  });

  it('lets only the uploader apply a preview', async () => {
    await confirmPassword();
    const preview = await previewAndApply(`${HEADER}320001,Gill,serving\n`);
    const other = await signIn(store, 'otherstaff');
    const res = await call(rollApply, '/api/staff/roll/apply', {
      cookie: other.cookie,
      form: { id: preview.id, sha256: preview.sha },
    });
    expect(flashOf(res)?.text).toMatch(/no longer exists/);
  });

  it('refuses oversized uploads with 413 and other encodings with 415', async () => {
    await confirmPassword();
    const big = await call(roll, '/api/staff/roll', {
      cookie: staff.cookie,
      body: 'x',
      type: 'multipart/form-data; boundary=abc',
      headers: { 'content-length': String(5 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    // Told on the roll page, beside the file field, with what to do.
    expect(await big.text()).toMatch(/too large to upload: the limit is 4 MiB\..*members CLI/);
    const streamed = await call(roll, '/api/staff/roll', {
      cookie: staff.cookie,
      body: new Uint8Array(MAX_ROLL_UPLOAD_BYTES + 64 * 1024),
      type: 'multipart/form-data; boundary=abc',
    });
    expect(streamed.status).toBe(413);
    // The limit is the file's, as the form states it: the form around it does not count.
    const filler = (bytes: number) => `${HEADER}${'x'.repeat(bytes - HEADER.length)}`;
    const atLimit = await upload(filler(MAX_ROLL_UPLOAD_BYTES));
    expect(atLimit.status).toBe(422);
    const overLimit = await upload(filler(MAX_ROLL_UPLOAD_BYTES + 1));
    expect(overLimit.status).toBe(413);
    // 150,000 rows of the three columns fit, as the form says.
    const rows = Array.from(
      { length: 150_000 },
      (_, i) => `${100000 + i},Surname${i % 5000},serving`,
    );
    const full = await upload(`${HEADER}${rows.join('\n')}\n`);
    expect(full.status).toBe(303);
    const wrong = await call(roll, '/api/staff/roll', {
      cookie: staff.cookie,
      form: { roll: '123456,Smith,serving' },
    });
    expect(wrong.status).toBe(415);
    const notUtf8 = await call(roll, '/api/staff/roll', {
      cookie: staff.cookie,
      ...rollUpload(''),
    });
    expect(notUtf8.status).toBe(422);
  });
  it('shows an import in progress, reloading the page, and one that stopped', async () => {
    await startRollJob(store.db, { id: 'job-running', kind: 'upload', actor: 'rollkeeper' });
    await jobProgress(store.db, 'job-running')({ phase: 'reading', done: 40_000, total: 150_000 });
    const running = await (await call(roll, '/api/staff/roll', { cookie: staff.cookie })).text();
    expect(running).toContain('Import in progress');
    expect(running).toContain('Reading row 40,000 of about 150,000.');
    expect(running).toMatch(/<meta http-equiv="refresh" content="3">/);
    expect(running).toContain('<a href="/api/staff/roll">Refresh</a>');
    // The process running it dies: no news for more than a minute.
    await store.db
      .updateTable('roll_jobs')
      .set({ updated_at: Date.now() - 2 * MINUTE })
      .where('id', '=', 'job-running')
      .execute();
    const stopped = await (await call(roll, '/api/staff/roll', { cookie: staff.cookie })).text();
    expect(stopped).toContain('Import stopped');
    expect(stopped).toContain('stopped without finishing while reading row 40,000');
    expect(stopped).not.toContain('http-equiv="refresh"');
    await finishRollJob(store.db, 'job-running', 'failed');
    const after = await (await call(roll, '/api/staff/roll', { cookie: staff.cookie })).text();
    expect(after).not.toContain('jobs-title');
  });

  it('records the upload and apply as finished jobs, and keeps no staged rows after applying', async () => {
    await confirmPassword();
    const p = await previewAndApply(`${HEADER}310001,Adams,serving\n310002,Baker,retired\n`);
    expect(
      await store.db
        .selectFrom('roll_pending_entries')
        .select('warrant_hmac')
        .where('pending_id', '=', p.id)
        .execute(),
    ).toHaveLength(2);
    expect(flashOf(await p.apply())?.text).toMatch(/^Roll imported: 2 rows/);
    expect(
      await store.db
        .selectFrom('roll_pending_entries')
        .select('warrant_hmac')
        .where('pending_id', '=', p.id)
        .execute(),
    ).toHaveLength(0);
    const jobs = await store.db
      .selectFrom('roll_jobs')
      .select(['kind', 'outcome', 'phase', 'done', 'total'])
      .where('actor', '=', 'rollkeeper')
      .where('finished_at', 'is not', null)
      .orderBy('started_at', 'desc')
      .limit(2)
      .execute();
    // Each ends where its work ended, whatever progress was last written on the way.
    expect(jobs).toEqual([
      { kind: 'apply', outcome: 'ok', phase: 'applying', done: 2, total: 2 },
      { kind: 'upload', outcome: 'ok', phase: 'storing', done: 2, total: 2 },
    ]);
  });

  it.runIf(engine === 'sqlite')(
    'says the roll was imported once it commits, though clearing the staged rows then fails',
    async () => {
      await confirmPassword();
      const p = await previewAndApply(`${HEADER}320001,Adams,serving\n320002,Baker,retired\n`);
      // As when the store goes away just after the commit.
      await sql`create trigger keep_staged before delete on roll_pending_entries
        begin select raise(abort, 'the store went away'); end`.execute(store.db);
      try {
        expect(flashOf(await p.apply())?.text).toMatch(/^Roll imported: 2 rows/);
      } finally {
        await sql`drop trigger keep_staged`.execute(store.db);
      }
      expect(await rollSize()).toBe(2);
      const job = await store.db
        .selectFrom('roll_jobs')
        .select(['outcome', 'done', 'total'])
        .where('kind', '=', 'apply')
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(job).toEqual({ outcome: 'ok', done: 2, total: 2 });
    },
  );

  it('refuses a preview whose staged rows are incomplete, and keeps the old roll', async () => {
    await confirmPassword();
    const first = await previewAndApply(`${HEADER}320001,Adams,serving\n`);
    await first.apply();
    const before = await rollSize();
    const p = await previewAndApply(
      `${HEADER}320001,Adams,serving\n320002,Baker,serving\n320003,Clark,serving\n`,
    );
    // As if a sweep took the rows of an upload whose job looked dead.
    const one = await store.db
      .selectFrom('roll_pending_entries')
      .select('warrant_hmac')
      .where('pending_id', '=', p.id)
      .executeTakeFirstOrThrow();
    await store.db
      .deleteFrom('roll_pending_entries')
      .where('pending_id', '=', p.id)
      .where('warrant_hmac', '=', one.warrant_hmac)
      .execute();
    const res = await p.apply();
    expect(flashOf(res)?.text).toMatch(/not stored completely.*Nothing has changed/);
    expect(await rollSize()).toBe(before);
  });
});
