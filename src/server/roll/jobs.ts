/**
 * Roll jobs: one row per upload or apply while it runs (and for a day after),
 * so the console can show "Reading row 40,000 of about 150,000" to staff who
 * open the roll page, and so staged rows of a running job are never swept.
 * A job whose process died stops being updated; after `ROLL_JOB_STALE_MS`
 * it counts as stopped, and the console says so instead of waiting on it.
 */
import { DAY, HOUR, MINUTE } from '../clock.ts';
import type { Db } from '../store/db.ts';
import type { RollJobsTable } from '../store/schema.ts';
import type { ProgressListener, RollPhase, RollProgress } from './pace.ts';

/** A job not updated for this long has died (its process ended or timed out). */
export const ROLL_JOB_STALE_MS = MINUTE;

/** Ended and stopped jobs are listed for this long. */
export const ROLL_JOB_SHOWN_MS = HOUR;

/** Job rows are deleted after this long. */
export const ROLL_JOB_KEPT_MS = DAY;

/** A job as the console shows it. */
export interface RollJob {
  id: string;
  kind: RollJobsTable['kind'];
  actor: string;
  phase: RollPhase;
  done: number;
  total: number;
  startedAt: number;
  updatedAt: number;
  /** `running`, `ok`, `failed`, or `stopped` (no news for `ROLL_JOB_STALE_MS`). */
  state: 'running' | 'ok' | 'failed' | 'stopped';
}

/**
 * Records a job as started (nothing done yet). Job times are the wall clock,
 * whatever time the work itself is recorded at, since staleness is real time.
 */
export async function startRollJob(
  db: Db,
  job: { id: string; kind: RollJobsTable['kind']; actor: string },
): Promise<void> {
  const now = Date.now();
  await db
    .insertInto('roll_jobs')
    .values({
      id: job.id,
      kind: job.kind,
      actor: job.actor,
      phase: job.kind === 'upload' ? 'reading' : 'applying',
      done: 0,
      total: 0,
      started_at: now,
      updated_at: now,
      finished_at: null,
      outcome: null,
    })
    .execute();
}

/** A progress listener writing to the job's row (wall-clock times). */
export function jobProgress(db: Db, id: string): ProgressListener {
  return async ({ phase, done, total }) => {
    await db
      .updateTable('roll_jobs')
      .set({ phase, done, total, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  };
}

/**
 * Records how a job ended and, when given, where its work ended (`final`: progress is only
 * written every so often, and not at all inside a transaction, so the last report may be short
 * of the end).
 */
export async function finishRollJob(
  db: Db,
  id: string,
  outcome: 'ok' | 'failed',
  final?: RollProgress,
): Promise<void> {
  const now = Date.now();
  await db
    .updateTable('roll_jobs')
    .set({ ...final, finished_at: now, updated_at: now, outcome })
    .where('id', '=', id)
    .execute();
}

/** Jobs running now, or ended within `ROLL_JOB_SHOWN_MS`, newest first. */
export async function listRollJobs(db: Db, now = Date.now()): Promise<RollJob[]> {
  const rows = await db
    .selectFrom('roll_jobs')
    .selectAll()
    .where('updated_at', '>=', now - ROLL_JOB_SHOWN_MS)
    .orderBy('started_at', 'desc')
    .limit(5)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    actor: r.actor,
    phase: r.phase,
    done: r.done,
    total: r.total,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    state: r.outcome ?? (r.updated_at < now - ROLL_JOB_STALE_MS ? ('stopped' as const) : 'running'),
  }));
}

/** Deletes job rows older than `ROLL_JOB_KEPT_MS`. */
export async function deleteOldRollJobs(db: Db, now = Date.now()): Promise<void> {
  await db
    .deleteFrom('roll_jobs')
    .where('started_at', '<', now - ROLL_JOB_KEPT_MS)
    .execute();
}
