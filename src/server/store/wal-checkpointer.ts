/**
 * Checkpointing a SQLite store's write-ahead log off the event loop. Left to
 * itself, SQLite copies the log into the database file inside the commit that
 * takes the log past 1,000 pages, on the thread that committed: after a large
 * write (a whole roll) that copy held the event loop for a tenth of a second.
 * The store's connection turns that off (`wal_autocheckpoint = 0`) and a
 * worker thread with its own connection runs passive checkpoints instead,
 * every `CHECKPOINT_EVERY_MS` and when asked. A passive checkpoint never
 * waits for the store's readers or writers nor blocks them: it copies what no
 * reader still needs, and once all of the log is copied the next write starts
 * the log again from its beginning. So the log stays bounded, by the longest
 * run of back-to-back writes rather than by one transaction: a 150,000-row
 * roll import (upload and apply) takes it to about 120 MB. The thread then
 * gives that disk back: once writes pause (a turn finds the log all copied
 * and no commit since the turn before) and the file is over
 * `walSizeLimitBytes`, it runs a truncating checkpoint that does not wait
 * (`busy_timeout = 0`), tried again later if a reader or writer is busy.
 * Cutting a 120 MB file takes tens of milliseconds, which SQLite's own
 * `journal_size_limit` would spend on the thread of the next write.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints without being asked. */
export const CHECKPOINT_EVERY_MS = 250;

/** Bytes of log file kept on disk between writes; a larger file is cut back by the thread. */
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

/** What one passive checkpoint found: frames in the log, frames copied so far, and whether it was cut short. */
export interface CheckpointResult {
  busy: boolean;
  logFrames: number;
  checkpointedFrames: number;
}

/** A running checkpointer. */
export interface WalCheckpointer {
  /**
   * Runs a passive checkpoint now. Resolves with its result, or null when none
   * ran: the thread has stopped (closed, failed, or the file was deleted or
   * replaced), or the schema stayed locked past the thread's wait.
   */
  checkpoint(): Promise<CheckpointResult | null>;
  /** Stops the worker and closes its connection; resolves once the thread has ended. */
  close(): Promise<void>;
}

/**
 * The worker's code (CommonJS, run by `eval`, so it needs no file or loader of
 * its own). It stops by itself if the database file is deleted or replaced:
 * the store refuses that file too, and its log is no longer the store's.
 */
const THREAD = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { file, opened, everyMs, walSizeLimitBytes, driver } = workerData;
// Waiting on a lock (to read the schema) holds up only this thread; the checkpoint itself never waits.
const LOCK_WAIT_MS = 5000;
let db;
let timer;
let lastDataVersion;
const stop = () => {
  clearInterval(timer);
  if (db && db.open) db.close();
  parentPort.close();
};
const failed = (error) => {
  parentPort.postMessage({ failed: String((error && error.message) || error) });
  stop();
};
// A lock that outlasted the wait is no failure: the next turn tries again.
const busy = (error) => typeof (error && error.code) === 'string' && error.code.startsWith('SQLITE_BUSY');
const moved = () => {
  const now = fs.statSync(file, { throwIfNoEntry: false });
  return !now || now.ino !== opened.ino || now.dev !== opened.dev;
};
const checkpoint = () => {
  if (!db.open) return null;
  if (moved()) {
    stop();
    return null;
  }
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  // Cut only a log all copied with no commit since the last turn: cutting while writes go on
  // would make them wait on it, and the file would only grow again. data_version changes
  // when another connection commits.
  const version = db.pragma('data_version', { simple: true });
  const quiet = row.busy === 0 && row.checkpointed === row.log && version === lastDataVersion;
  lastDataVersion = version;
  if (quiet) cutLog();
  return { busy: row.busy !== 0, logFrames: row.log, checkpointedFrames: row.checkpointed };
};
// A truncating checkpoint waits for readers and blocks writers while it waits: here it never waits.
const cutLog = () => {
  const log = fs.statSync(file + '-wal', { throwIfNoEntry: false });
  if (!log || log.size <= walSizeLimitBytes) return;
  db.pragma('busy_timeout = 0');
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    if (!busy(error)) throw error;
  } finally {
    db.pragma('busy_timeout = ' + LOCK_WAIT_MS);
  }
};
const answer = () => {
  try {
    return checkpoint();
  } catch (error) {
    if (!busy(error)) failed(error);
    return null;
  }
};
if (moved()) stop();
else {
  try {
    const Database = require(driver);
    db = new Database(file, { fileMustExist: true, timeout: LOCK_WAIT_MS });
    db.pragma('synchronous = NORMAL');
    timer = setInterval(answer, everyMs);
    parentPort.on('message', (message) => {
      if (message === 'close') stop();
      else parentPort.postMessage({ id: message, result: answer() });
    });
  } catch (error) {
    failed(error);
  }
}
`;

let running = 0;

/** Checkpointer threads running in this process (they end when their store closes). */
export function runningWalCheckpointers(): number {
  return running;
}

/**
 * Starts a checkpointer for the SQLite file `file`, which must exist and be in
 * WAL mode. The thread keeps the process alive only while someone waits on
 * it (a checkpoint asked for, or its closing). `onFailure` hears a
 * checkpoint that failed or a thread that could not start; the thread has
 * stopped by then, and the store should checkpoint by itself again.
 */
export function startWalCheckpointer(
  file: string,
  options: {
    everyMs?: number;
    walSizeLimitBytes?: number;
    onFailure?: (error: Error) => void;
  } = {},
): WalCheckpointer {
  // The file as the store opened it: the thread works only while it is still the one there.
  const { ino, dev } = statSync(file);
  const worker = new Worker(THREAD, {
    eval: true,
    // Plain CommonJS: none of the process's own loaders or flags (an ES-module --input-type).
    execArgv: [],
    workerData: {
      file,
      opened: { ino, dev },
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      walSizeLimitBytes: options.walSizeLimitBytes ?? WAL_SIZE_LIMIT_BYTES,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  running++;
  const waiting = new Map<number, (result: CheckpointResult | null) => void>();
  let nextId = 0;
  let ended = false;
  let closing = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      ended = true;
      running--;
      for (const answer of waiting.values()) answer(null);
      waiting.clear();
      resolve();
    });
  });
  worker.on(
    'message',
    (message: { id?: number; result?: CheckpointResult | null; failed?: string }) => {
      if (message.failed !== undefined) options.onFailure?.(new Error(message.failed));
      if (message.id === undefined) return;
      waiting.get(message.id)?.(message.result ?? null);
      waiting.delete(message.id);
      if (waiting.size === 0 && !closing) worker.unref();
    },
  );
  // The thread catches its own errors; this hears one it could not (it failed to start).
  worker.on('error', (error: unknown) =>
    options.onFailure?.(
      error instanceof Error ? error : new Error('the checkpoint thread ended', { cause: error }),
    ),
  );
  // After the listeners: adding a 'message' listener refs the thread's port again.
  worker.unref();
  return {
    checkpoint() {
      if (ended) return Promise.resolve(null);
      const id = nextId++;
      // Someone waits for this answer: the thread keeps the process alive until it comes.
      worker.ref();
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage(id);
      });
    },
    close() {
      if (!ended && !closing) {
        closing = true;
        worker.ref();
        worker.postMessage('close');
      }
      return exited;
    },
  };
}
