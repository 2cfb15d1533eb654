/**
 * The staff console's own tables and columns: the re-authentication time on a
 * session, roll imports waiting for a staff member to apply their preview, and
 * members who dropped off the roll awaiting a decision. Added by one migration
 * that behaves the same on SQLite and Postgres.
 */
import type { Kysely, Migration } from 'kysely';
import type { Db } from '../store/db.ts';
import type { Database, SessionsTable } from '../store/schema.ts';

/** A parsed roll upload kept until it is applied or expires; only HMACs, never numbers. */
export interface RollPendingImportsTable {
  id: string;
  /** Id of the staff user who uploaded it; only they can apply it. */
  actor_id: string;
  /** Hex SHA-256 of the uploaded file, shown on the preview and checked on apply. */
  file_sha256: string;
  /** The roll import the preview was compared with (null: the roll was empty). */
  base_import_id: string | null;
  created_at: number;
  applied_at: number | null;
  row_count: number;
  /** JSON `RollPreview`: counts and samples (last two digits only). */
  preview: string;
  /** JSON array of `[warrantHmac, surnameNorm, status]`. */
  entries: string;
}

/** A confirmed member whose number was on the old roll but not the new one. */
export interface RollLapsesTable {
  user_id: string;
  import_id: string;
  lapsed_at: number;
  decided_at: number | null;
  decided_by: string | null;
  /** `kept` or `suspended`. */
  decision: string | null;
}

/** The store as the staff console sees it. */
export interface StaffDatabase extends Omit<Database, 'sessions'> {
  sessions: SessionsTable & {
    /** When the staff member last typed their password again (null: only at sign-in). */
    reauthenticated_at: number | null;
  };
  roll_pending_imports: RollPendingImportsTable;
  roll_lapses: RollLapsesTable;
}

/** The staff console's typed view of a store handle (the tables exist after migration). */
export type StaffDb = Kysely<StaffDatabase>;

/** The same handle, typed with the staff tables. */
export function staffDb(db: Db): StaffDb {
  // The staff tables are typed apart from the main schema, so the handle is retyped here.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- the tables exist after migration 0002
  return db as unknown as StaffDb;
}

/** Migration adding the staff console's column and tables. */
export const staffConsoleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('reauthenticated_at', 'bigint').execute();
    await db.schema
      .createTable('roll_pending_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('file_sha256', 'text', (c) => c.notNull())
      .addColumn('base_import_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('applied_at', 'bigint')
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('preview', 'text', (c) => c.notNull())
      .addColumn('entries', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('roll_lapses')
      .addColumn('user_id', 'text', (c) =>
        c.primaryKey().references('users.id').onDelete('cascade'),
      )
      .addColumn('import_id', 'text', (c) => c.notNull())
      .addColumn('lapsed_at', 'bigint', (c) => c.notNull())
      .addColumn('decided_at', 'bigint')
      .addColumn('decided_by', 'text')
      .addColumn('decision', 'text')
      .execute();
    await db.schema
      .createIndex('audit_log_target')
      .on('audit_log')
      .columns(['target', 'at'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('audit_log_target').ifExists().execute();
    await db.schema.dropTable('roll_lapses').ifExists().execute();
    await db.schema.dropTable('roll_pending_imports').ifExists().execute();
    await db.schema.alterTable('sessions').dropColumn('reauthenticated_at').execute();
  },
};
