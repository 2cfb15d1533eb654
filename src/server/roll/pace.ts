/**
 * Pacing long roll work: reading, checking, comparing and applying 150,000
 * rows takes seconds of CPU, and the same process answers other visitors.
 * Loops call `pace.step(...)`, which gives the event loop a turn
 * (`setImmediate`) once a slice of `sliceMs` has run, and passes progress to
 * the caller's `onProgress` at most every `reportEveryMs`. Awaiting a
 * better-sqlite3 query through Kysely never yields (the driver is
 * synchronous), so loops of queries step too.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** The stages of an import, in order. */
export type RollPhase = 'reading' | 'checking' | 'comparing' | 'storing' | 'applying';

/** How far an import has got: `done` of about `total` items of `phase` (rows, or bytes while reading). */
export interface RollProgress {
  phase: RollPhase;
  done: number;
  total: number;
}

/** Receives progress; may return a promise (a job row being updated), which is awaited. */
export type ProgressListener = (progress: RollProgress) => void | Promise<void>;

/** A listener passing each report to every one of `listeners` in turn (absent ones left out). */
export function combineListeners(...listeners: (ProgressListener | undefined)[]): ProgressListener {
  const present = listeners.filter((l): l is ProgressListener => l !== undefined);
  return async (progress) => {
    for (const listener of present) await listener(progress);
  };
}

/** Longest run of work between two turns of the event loop. */
export const DEFAULT_SLICE_MS = 8;

/** Shortest time between two progress reports. */
export const DEFAULT_REPORT_EVERY_MS = 250;

/** A pacer shared by the stages of one import. */
export interface Pace {
  /** Yields when the current slice is used up; reports progress when due. */
  step(phase: RollPhase, done: number, total: number): Promise<void>;
  /** Reports progress now (the start or end of a stage), then yields. */
  report(phase: RollPhase, done: number, total: number): Promise<void>;
}

/** A pacer; without a listener it only yields. */
export function createPace(
  onProgress?: ProgressListener,
  options: { sliceMs?: number; reportEveryMs?: number } = {},
): Pace {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  const reportEveryMs = options.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS;
  let sliceStart = performance.now();
  let lastReport = -Infinity;
  const report = async (phase: RollPhase, done: number, total: number) => {
    lastReport = performance.now();
    await onProgress?.({ phase, done, total });
    await nextTurn();
    sliceStart = performance.now();
  };
  return {
    report,
    async step(phase, done, total) {
      const now = performance.now();
      if (now - sliceStart < sliceMs) return;
      if (onProgress && now - lastReport >= reportEveryMs) return report(phase, done, total);
      await nextTurn();
      sliceStart = performance.now();
    },
  };
}
