// Roll work in short steps: the event loop keeps turning during a large import,
// a failure part-way leaves the old roll, progress is reported stage by stage,
// and staged rows of finished or dead jobs are swept.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { finishRollJob, startRollJob } from '../../src/server/roll/jobs.ts';
import { createPace, type Pace, type RollProgress } from '../../src/server/roll/pace.ts';
import { readRollText } from '../../src/server/roll/read.ts';
import {
  deleteStaged,
  importRoll,
  listRollImports,
  ROLL_REPLACEMENT_REFUSALS,
  stageEntries,
  sweepRollLeftovers,
  type RollEntry,
} from '../../src/server/roll/replace.ts';
import { createMigrator, migrateToLatest } from '../../src/server/store/migrations.ts';
import { hmacWarrantNumber } from '../../src/server/warrant.ts';
import { ENGINES, importRollText, seedUser, useTestStore } from './support.ts';

/** A roll file of `rows` rows, numbers from `first`. */
function rollText(rows: number, first = 300000): string {
  const lines = ['warrant_number,surname,status'];
  for (let i = 0; i < rows; i++) lines.push(`${first + i},Surname${i % 300},serving`);
  return lines.join('\n') + '\n';
}

describe('pacing', () => {
  it('lets a timer scheduled before a long read fire before the read ends', async () => {
    let fired = 0;
    const timer = setInterval(() => fired++, 0);
    const firedBefore = fired;
    const read = await readRollText(rollText(20_000), createPace(undefined, { sliceMs: 1 }));
    const firedDuring = fired - firedBefore;
    clearInterval(timer);
    expect(read.ok).toBe(true);
    expect(firedDuring).toBeGreaterThan(1);
  });

  it('reports progress at most every reportEveryMs, and always on report()', async () => {
    const seen: RollProgress[] = [];
    const pace = createPace((p) => void seen.push(p), { sliceMs: 0, reportEveryMs: 60_000 });
    await pace.step('checking', 1, 10);
    await pace.step('checking', 2, 10);
    expect(seen).toEqual([{ phase: 'checking', done: 1, total: 10 }]);
    await pace.report('applying', 10, 10);
    expect(seen.at(-1)).toEqual({ phase: 'applying', done: 10, total: 10 });
  });
});

describe.each(ENGINES)('roll import in steps on %s', (engine) => {
  const store = useTestStore(engine);

  const rollHmacs = async () =>
    (await store.db.selectFrom('roll_entries').select('warrant_hmac').execute())
      .map((r) => r.warrant_hmac)
      .sort();
  const staged = async () =>
    (await store.db.selectFrom('roll_pending_entries').select('pending_id').execute()).length;

  it('keeps other work running while a large roll is imported', async () => {
    const read = await readRollText(rollText(12_000));
    if (!read.ok) throw new Error('fixture');
    let fired = 0;
    const timer = setInterval(() => fired++, 0);
    const started = fired;
    await importRoll(read.rows, 'staffer', { pace: createPace(undefined, { sliceMs: 1 }) });
    const during = fired - started;
    clearInterval(timer);
    expect(during).toBeGreaterThan(1);
    expect((await rollHmacs()).length).toBe(12_000);
  });

  it('reports each stage in order, ending with every row applied', async () => {
    const read = await readRollText(rollText(3_000, 400000));
    if (!read.ok) throw new Error('fixture');
    const seen: RollProgress[] = [];
    await importRoll(read.rows, 'staffer', {
      pace: createPace((p) => void seen.push(p), { sliceMs: 0, reportEveryMs: 0 }),
    });
    const phases = seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['comparing', 'storing', 'applying']);
    expect(seen.at(-1)).toEqual({ phase: 'applying', done: 3_000, total: 3_000 });
  });

  it('counts the apply in rows only, never going back, while it checks members and registrations', async () => {
    const first = await readRollText(rollText(50, 600000));
    if (!first.ok) throw new Error('fixture');
    await importRoll(first.rows, 'staffer');
    for (let i = 0; i < 5; i++) {
      await seedUser(store.db, {
        username: `kept${i}`,
        status: 'confirmed',
        warrant: `${600000 + i}`,
      });
      await seedUser(store.db, {
        username: `waiting${i}`,
        status: 'pending',
        warrant: `${700000 + i}`,
      });
    }
    const next = await readRollText(rollText(2_000, 700000));
    if (!next.ok) throw new Error('fixture');
    const applying: RollProgress[] = [];
    await importRoll(next.rows, 'staffer', {
      pace: createPace((p) => void (p.phase === 'applying' && applying.push(p)), {
        sliceMs: 0,
        reportEveryMs: 0,
      }),
    });
    const counted = applying.filter((p) => p.total > 0);
    expect(counted.every((p) => p.total === 2_000)).toBe(true);
    const done = counted.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(2_000);
  });

  it('refuses to apply a comparison that another import overtook, and changes nothing', async () => {
    await importRollText(rollText(10, 800000));
    const read = await readRollText(rollText(20, 810000));
    if (!read.ok) throw new Error('fixture');
    let overtaken = false;
    // Another import lands while this one stages its rows.
    const pace: Pace = {
      async step(phase) {
        if (phase !== 'storing' || overtaken) return;
        overtaken = true;
        await importRollText(rollText(5, 820000));
      },
      async report() {},
    };
    await expect(importRoll(read.rows, 'staffer', { pace })).rejects.toThrow(
      ROLL_REPLACEMENT_REFUSALS.changed,
    );
    expect(await rollHmacs()).toHaveLength(5);
  });

  it('dates an import after the one before it, whatever clock it started with', async () => {
    await importRollText(rollText(3, 830000), 'first');
    const late = await importRollText(rollText(4, 840000), 'second', Date.now() - 3_600_000);
    const [latest, before] = await listRollImports({ limit: 2 });
    expect(latest.id).toBe(late.importId);
    expect(latest.at).toBeGreaterThan(before.at);
  });

  it('leaves the old roll, and no staged rows, when the apply fails part-way', async () => {
    await importRollText(
      'warrant_number,surname,status\n111111,Old,serving\n222222,Older,retired\n',
    );
    const before = await rollHmacs();
    const read = await readRollText(rollText(5_000, 500000));
    if (!read.ok) throw new Error('fixture');
    const inner = createPace(undefined, { sliceMs: 0 });
    let copiedSome = false;
    const failing: Pace = {
      report: (phase, done, total) => inner.report(phase, done, total),
      async step(phase, done, total) {
        // Fails inside the transaction, after some ranges of the new roll were copied.
        if (phase === 'applying' && total === 5_000 && done > 1_000) {
          copiedSome = true;
          throw new Error('the process died here');
        }
        return inner.step(phase, done, total);
      },
    };
    await expect(importRoll(read.rows, 'staffer', { pace: failing })).rejects.toThrow(
      'the process died here',
    );
    expect(copiedSome).toBe(true);
    expect(await rollHmacs()).toEqual(before);
    expect(await staged()).toBe(0);
    const job = await store.db
      .selectFrom('roll_jobs')
      .select(['outcome', 'finished_at'])
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(job.outcome).toBe('failed');
  });

  it('keeps an import job’s row up to date while it stages rows, and records where it ended', async () => {
    const read = await readRollText(rollText(2_000, 640000));
    if (!read.ok) throw new Error(read.errors.join('\n'));
    const seen: { phase: string; done: number; total: number; fresh: boolean }[] = [];
    const { importId } = await importRoll(read.rows, 'cli', {
      onProgress: async ({ phase, done, total }) => {
        // Read only outside the apply transaction, which on SQLite holds the one connection.
        if (phase !== 'storing' || done < total) return;
        const job = await store.db
          .selectFrom('roll_jobs')
          .selectAll()
          .where('finished_at', 'is', null)
          .executeTakeFirstOrThrow();
        seen.push({ ...job, fresh: Date.now() - job.updated_at < 5_000 });
      },
    });
    expect(seen).toEqual([
      expect.objectContaining({ phase: 'storing', done: 2_000, total: 2_000, fresh: true }),
    ]);
    // A console upload sweeping now would have kept this job's staged rows.
    const job = await store.db
      .selectFrom('roll_jobs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ outcome: 'ok', phase: 'applying', done: 2_000, total: 2_000 });
    expect(importId).toBeTruthy();
  });

  it('replaces every old entry, whatever its key, with exactly the new roll', async () => {
    await importRollText(rollText(300, 650000));
    // Keys no HMAC has (upper case, below "00", above "ff"): a range-by-range delete must not miss them.
    for (const odd of ['ABCDEF', '-1', 'zz'])
      await store.db
        .insertInto('roll_entries')
        .values({ warrant_hmac: odd, surname_norm: 'odd', status: 'serving' })
        .execute();
    const read = await readRollText(rollText(200, 660000));
    if (!read.ok) throw new Error(read.errors.join('\n'));
    await importRoll(read.rows, 'staffer');
    const key = store.config.warrantKey;
    expect(await rollHmacs()).toEqual(
      read.rows.map((r) => hmacWarrantNumber(r.warrantNumber, key)).sort(),
    );
  });

  it.runIf(engine === 'sqlite')(
    'reports an import done once its roll commits, though clearing its staged rows then fails',
    async () => {
      const read = await readRollText(rollText(300, 670000));
      if (!read.ok) throw new Error(read.errors.join('\n'));
      // Staged rows cannot be deleted, as when the store goes away just after the commit.
      await sql`create trigger keep_staged before delete on roll_pending_entries
        begin select raise(abort, 'the store went away'); end`.execute(store.db);
      try {
        const { preview } = await importRoll(read.rows, 'cli');
        expect(preview.rows).toBe(300);
      } finally {
        await sql`drop trigger keep_staged`.execute(store.db);
      }
      expect(await rollHmacs()).toHaveLength(300);
      const job = await store.db
        .selectFrom('roll_jobs')
        .selectAll()
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(job).toMatchObject({ outcome: 'ok', done: 300, total: 300 });
      expect(await staged()).toBe(300);
      await sweepRollLeftovers(store.db);
      expect(await staged()).toBe(0);
    },
  );

  it('sweeps staged rows of dead jobs and keeps those of running ones', async () => {
    const key = store.config.warrantKey;
    const entries = (first: number): RollEntry[] =>
      Array.from({ length: 3 }, (_, i) => [
        hmacWarrantNumber(String(first + i), key),
        'smith',
        'serving',
      ]);
    await startRollJob(store.db, { id: 'running-job', kind: 'upload', actor: 'a' });
    await stageEntries(store.db, 'running-job', entries(610000));
    await startRollJob(store.db, { id: 'dead-job', kind: 'upload', actor: 'b' });
    await stageEntries(store.db, 'dead-job', entries(620000));
    await store.db
      .updateTable('roll_jobs')
      .set({ updated_at: Date.now() - 5 * 60_000 })
      .where('id', '=', 'dead-job')
      .execute();
    await startRollJob(store.db, { id: 'done-job', kind: 'upload', actor: 'c' });
    await stageEntries(store.db, 'done-job', entries(630000));
    await finishRollJob(store.db, 'done-job', 'failed');
    await sweepRollLeftovers(store.db);
    const left = await store.db
      .selectFrom('roll_pending_entries')
      .select('pending_id')
      .distinct()
      .execute();
    expect(left.map((r) => r.pending_id)).toEqual(['running-job']);
    await deleteStaged(store.db, 'running-job');
    await finishRollJob(store.db, 'running-job', 'ok');
  });
});

describe.each(ENGINES)('0014_roll_jobs on %s', (engine) => {
  const store = useTestStore(engine);

  it('moves the rows of a preview waiting to be applied out of its JSON text', async () => {
    const migrator = await createMigrator(store.db);
    const down = await migrator.migrateTo('0013_membership');
    expect(down.error).toBeUndefined();
    const key = store.config.warrantKey;
    const stored = [
      [hmacWarrantNumber('710001', key), 'adams', 'serving'],
      [hmacWarrantNumber('710002', key), 'baker', 'retired'],
    ];
    await store.db
      .insertInto('roll_pending_imports')
      .values({
        id: 'legacy-preview',
        actor_id: 'someone',
        file_sha256: '0'.repeat(64),
        base_import_id: null,
        created_at: Date.now(),
        applied_at: null,
        row_count: 2,
        preview: '{}',
        entries: JSON.stringify(stored),
      })
      .execute();
    await migrateToLatest(store.db);
    const rows = await store.db
      .selectFrom('roll_pending_entries')
      .select(['warrant_hmac', 'surname_norm', 'status'])
      .where('pending_id', '=', 'legacy-preview')
      .orderBy('surname_norm')
      .execute();
    expect(rows.map((r) => [r.warrant_hmac, r.surname_norm, r.status])).toEqual(stored);
    const preview = await store.db
      .selectFrom('roll_pending_imports')
      .select('entries')
      .where('id', '=', 'legacy-preview')
      .executeTakeFirstOrThrow();
    expect(preview.entries).toBe('[]');
  });
});
