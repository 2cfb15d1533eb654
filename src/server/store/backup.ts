/**
 * Copies of the SQLite store, taken while the site is serving, through
 * SQLite's online backup API (https://www.sqlite.org/backup.html) as
 * better-sqlite3 exposes it. PostgreSQL stores are backed up with the
 * database's own tools (pg_dump, the provider's point-in-time recovery).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openSqlite, sqliteFile } from './db.ts';

/** What a finished backup holds. */
export interface BackupResult {
  /** The backup file, absolute. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
}

/** The destination exists, or its folder does not; the message says which. */
export class BackupTargetError extends Error {
  override name = 'BackupTargetError';
}

/**
 * Copies the SQLite store in `dataDir` to `destination`, a new file. All pages
 * are copied in one step, inside one read transaction, so writers carry on
 * and the copy is the store as of one moment (a copy made page by page would
 * restart at every write). The copy is written beside the destination and
 * renamed into place once its integrity check passes, so the name never holds
 * half a backup. Throws `BackupTargetError` for an unusable destination.
 */
export async function backupSqlite(dataDir: string, destination: string): Promise<BackupResult> {
  const file = path.resolve(destination);
  if (fs.existsSync(file)) {
    throw new BackupTargetError(`${file} already exists: give a new file name.`);
  }
  if (!fs.existsSync(path.dirname(file))) {
    throw new BackupTargetError(`The folder ${path.dirname(file)} does not exist.`);
  }
  const source = sqliteFile(dataDir);
  if (!fs.existsSync(source)) {
    throw new BackupTargetError(`There is no store to back up at ${source}.`);
  }
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  const db = await openSqlite(source, undefined, { fileMustExist: true });
  try {
    await db.backup(partial, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  const copy = await openSqlite(partial, undefined, { fileMustExist: true });
  let integrity: unknown;
  try {
    // A self-contained file: no -wal beside it to lose when it is moved.
    copy.pragma('journal_mode = DELETE');
    integrity = copy.pragma('integrity_check', { simple: true });
  } finally {
    copy.close();
  }
  if (integrity !== 'ok') {
    fs.rmSync(partial, { force: true });
    throw new Error(`The backup failed its integrity check (${String(integrity)}).`);
  }
  fs.renameSync(partial, file);
  return { file, bytes: fs.statSync(file).size };
}
