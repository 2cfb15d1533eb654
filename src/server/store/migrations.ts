/**
 * Versioned migrations, kept in code so functions bundle them. Each one uses
 * only column types and constraints that behave the same on SQLite and Postgres.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { z } from 'zod';
import { errorCode } from '../../lib/error-code.ts';
import { refreshRollFlags } from '../roll/match.ts';
import { normaliseSurname } from '../rules/person-name.ts';
import { engineOf, type Db } from './db.ts';
import { markSchemaCurrent } from './guarded-dialect.ts';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('first_name', 'text', (c) => c.notNull())
      .addColumn('surname', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_lower', 'text', (c) => c.notNull().unique())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('username_lower', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('warrant_hmac', 'text')
      .addColumn('warrant_last2', 'text')
      .addColumn('warrant_claim', 'text', (c) => c.unique())
      .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['member', 'staff'])))
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .check(sqlIn('status', ['unverified', 'pending', 'confirmed', 'rejected', 'suspended'])),
      )
      .addColumn('roll_on_roll', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('roll_surname_match', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('roll_status', 'text')
      .addColumn('roll_duplicate', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reject_reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('verified_at', 'bigint')
      .addColumn('confirmed_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('users_warrant_hmac').on('users').column('warrant_hmac').execute();
    await db.schema
      .createIndex('users_status')
      .on('users')
      .columns(['status', 'created_at'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

    await db.schema
      .createTable('email_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('purpose', 'text', (c) =>
        c.notNull().check(sqlIn('purpose', ['verify', 'reset', 'email-change'])),
      )
      .addColumn('new_email', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('email_tokens_user')
      .on('email_tokens')
      .columns(['user_id', 'purpose'])
      .execute();

    await db.schema
      .createTable('rate_limits')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('tokens', 'double precision', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('roll_entries')
      .addColumn('warrant_hmac', 'text', (c) => c.primaryKey())
      .addColumn('surname_norm', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['serving', 'retired'])),
      )
      .execute();

    await db.schema
      .createTable('roll_imports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('row_count', 'integer', (c) => c.notNull())
      .addColumn('serving_count', 'integer', (c) => c.notNull())
      .addColumn('retired_count', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text')
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'audit_log',
      'roll_imports',
      'roll_entries',
      'rate_limits',
      'email_tokens',
      'sessions',
      'users',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/** Migration adding the staff console's column and tables. */
const staffConsole: Migration = {
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

/**
 * Roll surnames compared through their transliteration (@sindresorhus/transliterate), so letters
 * written differently in different places match: `Østergård` and `Ostergard`.
 * The roll keeps only the normalised surname, and the new form of a name is
 * the new form of its old normalised form (the old steps come first), so
 * re-normalising stored values gives what a fresh import would store.
 */
/** Pending roll entries as stored then: the number's HMAC, the normalised surname, the status. */
const storedEntriesSchema = z.array(z.tuple([z.string(), z.string(), z.string()]));

const membership: Migration = {
  async up(db: Db) {
    const entries = await db
      .selectFrom('roll_entries')
      .select(['warrant_hmac', 'surname_norm'])
      .execute();
    for (const entry of entries) {
      const renewed = normaliseSurname(entry.surname_norm);
      if (renewed === entry.surname_norm) continue;
      await db
        .updateTable('roll_entries')
        .set({ surname_norm: renewed })
        .where('warrant_hmac', '=', entry.warrant_hmac)
        .execute();
    }
    // Previews not yet applied hold the old form too.
    const pending = await db
      .selectFrom('roll_pending_imports')
      .select(['id', 'entries'])
      .where('applied_at', 'is', null)
      .execute();
    for (const row of pending) {
      const parsed = storedEntriesSchema.parse(JSON.parse(row.entries));
      const renewed = parsed.map(([hmac, surname, status]) => [
        hmac,
        normaliseSurname(surname),
        status,
      ]);
      await db
        .updateTable('roll_pending_imports')
        .set({ entries: JSON.stringify(renewed) })
        .where('id', '=', row.id)
        .execute();
    }
    await refreshRollFlags(db);
  },
  async down() {
    // The transliterated form cannot be turned back; the old comparison still works on it for ASCII names.
  },
};

/**
 * Roll work in short steps: a stored upload's rows move from one JSON text
 * (parsed whole on apply, blocking the process) to `roll_pending_entries`,
 * written and copied in batches; `roll_jobs` holds the progress of an upload
 * or apply for the console.
 */
const rollJobs: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('roll_pending_entries')
      .addColumn('pending_id', 'text', (c) => c.notNull())
      .addColumn('warrant_hmac', 'text', (c) => c.notNull())
      .addColumn('surname_norm', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['serving', 'retired'])),
      )
      .addPrimaryKeyConstraint('roll_pending_entries_pk', ['pending_id', 'warrant_hmac'])
      .execute();
    await db.schema
      .createTable('roll_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['upload', 'apply'])))
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('outcome', 'text')
      .execute();
    const pending = await db
      .selectFrom('roll_pending_imports')
      .select(['id', 'entries'])
      .where('applied_at', 'is', null)
      .execute();
    for (const row of pending) {
      const parsed = storedEntriesSchema.parse(JSON.parse(row.entries));
      for (let i = 0; i < parsed.length; i += 1000) {
        await db
          .insertInto('roll_pending_entries')
          .values(
            parsed.slice(i, i + 1000).map(([warrant_hmac, surname_norm, status]) => ({
              pending_id: row.id,
              warrant_hmac,
              surname_norm,
              status: status === 'retired' ? ('retired' as const) : ('serving' as const),
            })),
          )
          .execute();
      }
    }
    await db.updateTable('roll_pending_imports').set({ entries: '[]' }).execute();
  },
  async down(db: Db) {
    await db.schema.dropTable('roll_jobs').ifExists().execute();
    await db.schema.dropTable('roll_pending_entries').ifExists().execute();
  },
};

/** A CHECK expression allowing only the listed literal values (constants from this file, never input). */
function sqlIn(column: string, values: string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}

/**
 * Two-factor sign-in: the encrypted TOTP key and its last used step on the
 * account, the session's second-factor flag and browser, recovery code
 * hashes, passkeys and WebAuthn challenges.
 */
const twoFactor: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_pending_secret', 'text').execute();
    await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute();
    await db.schema
      .alterTable('sessions')
      .addColumn('two_factor_verified', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    await db.schema
      .createTable('recovery_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('recovery_codes_user')
      .on('recovery_codes')
      .column('user_id')
      .execute();
    await db.schema
      .createTable('passkeys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('counter', 'bigint', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint')
      .execute();
    await db.schema.createIndex('passkeys_user').on('passkeys').column('user_id').execute();
    await db.schema
      .createTable('webauthn_challenges')
      .addColumn('challenge', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('webauthn_challenges').ifExists().execute();
    await db.schema.dropTable('passkeys').ifExists().execute();
    await db.schema.dropTable('recovery_codes').ifExists().execute();
    await db.schema.alterTable('sessions').dropColumn('user_agent').execute();
    await db.schema.alterTable('sessions').dropColumn('two_factor_verified').execute();
    await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
    await db.schema.alterTable('users').dropColumn('totp_pending_secret').execute();
    await db.schema.alterTable('users').dropColumn('totp_secret').execute();
  },
};

/**
 * The newsletter: subscribers (double opt-in), their confirmation tokens, the
 * articles ever queued (primary key: so each is queued once), sends and one
 * delivery row per recipient and send (primary key: so each gets it once).
 */
const newsletter: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('newsletter_subscribers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_lower', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text')
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['pending', 'subscribed', 'unsubscribed', 'bounced'])),
      )
      .addColumn('user_id', 'text', (c) => c.unique().references('users.id').onDelete('set null'))
      .addColumn('unsubscribe_hash', 'text', (c) => c.notNull().unique())
      .addColumn('consent_source', 'text')
      .addColumn('consent_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('unsubscribed_at', 'bigint')
      .addColumn('bounced_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('newsletter_subscribers_status')
      .on('newsletter_subscribers')
      .column('status')
      .execute();

    await db.schema
      .createTable('newsletter_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('subscriber_id', 'text', (c) =>
        c.notNull().references('newsletter_subscribers.id').onDelete('cascade'),
      )
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('newsletter_tokens_subscriber')
      .on('newsletter_tokens')
      .column('subscriber_id')
      .execute();

    await db.schema
      .createTable('newsletter_sends')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('article_slug', 'text', (c) => c.notNull())
      .addColumn('article_title', 'text', (c) => c.notNull())
      .addColumn('article', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['queued', 'sending', 'sent', 'cancelled'])),
      )
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('recipient_count', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addColumn('cancelled_at', 'bigint')
      .execute();
    await db.schema
      .createIndex('newsletter_sends_status')
      .on('newsletter_sends')
      .columns(['status', 'created_at'])
      .execute();

    await db.schema
      .createTable('newsletter_articles')
      .addColumn('slug', 'text', (c) => c.primaryKey())
      .addColumn('send_id', 'text', (c) => c.notNull())
      .addColumn('queued_at', 'bigint', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('newsletter_deliveries')
      .addColumn('send_id', 'text', (c) =>
        c.notNull().references('newsletter_sends.id').onDelete('cascade'),
      )
      .addColumn('subscriber_id', 'text', (c) =>
        c.notNull().references('newsletter_subscribers.id').onDelete('cascade'),
      )
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .check(
            sqlIn('status', [
              'queued',
              'sending',
              'sent',
              'failed',
              'bounced',
              'skipped',
              'cancelled',
            ]),
          ),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('claim', 'text')
      .addColumn('claimed_at', 'bigint')
      .addColumn('sent_at', 'bigint')
      .addColumn('last_error', 'text')
      .addPrimaryKeyConstraint('newsletter_deliveries_pk', ['send_id', 'subscriber_id'])
      .execute();
    await db.schema
      .createIndex('newsletter_deliveries_due')
      .on('newsletter_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('newsletter_deliveries_subscriber')
      .on('newsletter_deliveries')
      .column('subscriber_id')
      .execute();
    await db.schema
      .createIndex('newsletter_deliveries_claim')
      .on('newsletter_deliveries')
      .column('claim')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'newsletter_deliveries',
      'newsletter_articles',
      'newsletter_sends',
      'newsletter_tokens',
      'newsletter_subscribers',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};

/** Every migration, in order; names sort in the order they run. */
export const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_staff_console': staffConsole,
  '0010_two_factor': twoFactor,
  '0011_newsletter': newsletter,
  '0013_membership': membership,
  '0014_roll_jobs': rollJobs,
};

/**
 * The schema unqualified names resolve to on PostgreSQL (first of `search_path`),
 * or undefined on SQLite. Kysely looks for its migration tables in every schema
 * unless told which, so a database holding several schemas would fool it.
 */
async function currentPostgresSchema<T>(db: Kysely<T>): Promise<string | undefined> {
  if (engineOf(db) !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return rows[0]?.schema;
}

/**
 * A Kysely migrator over `migrations`, keeping its own tables in `schema` (on
 * PostgreSQL; the connection's current schema when not given).
 */
export async function createMigrator<T>(db: Kysely<T>, schema?: string): Promise<Migrator> {
  const tableSchema = schema ?? (await currentPostgresSchema(db));
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(tableSchema ? { migrationTableSchema: tableSchema } : {}),
  });
}

/**
 * Runs every pending migration; throws with the failing migration's error.
 * The store's schema check lets this process's queries through from here on.
 *
 * On PostgreSQL the run holds one connection whose statement timeout is lifted
 * (a migration may rewrite a large table), while its lock timeout stays: a
 * migration that cannot take its lock soon fails rather than queue every
 * request behind it. The connection's own timeout is put back afterwards.
 */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<MigrationResultSet> {
  markSchemaCurrent(db);
  try {
    if (engineOf(db) !== 'postgres') return await runMigrator(db, undefined);
    const schema = await currentPostgresSchema(db);
    return await db.connection().execute(async (connection) => {
      const { rows } = await sql<{
        timeout: string;
      }>`select current_setting('statement_timeout') as timeout`.execute(connection);
      await sql`select set_config('statement_timeout', '0', false)`.execute(connection);
      try {
        return await runMigrator(connection, schema);
      } finally {
        await sql`select set_config('statement_timeout', ${rows[0].timeout}, false)`.execute(
          connection,
        );
      }
    });
  } catch (error) {
    markSchemaCurrent(db, false);
    throw error;
  }
}

/** True for Postgres "relation does not exist" and "schema does not exist". */
function isVanishedObject(error: unknown): boolean {
  const code = errorCode(error);
  return code === '42P01' || code === '3F000';
}

/**
 * Kysely's look for its own tables reads every schema of the database, and
 * fails if another schema is dropped meanwhile (a test run ending, a preview
 * database cleaned up); that look is made again, up to five times.
 */
async function runMigrator<T>(
  db: Kysely<T>,
  schema: string | undefined,
): Promise<MigrationResultSet> {
  for (let attempt = 1; ; attempt++) {
    let result: MigrationResultSet;
    try {
      result = await (await createMigrator(db, schema)).migrateToLatest();
    } catch (error) {
      if (attempt < 5 && isVanishedObject(error)) continue;
      throw error;
    }
    if (!result.error) return result;
    const ranNothing = !result.results?.some((r) => r.status !== 'NotExecuted');
    if (attempt < 5 && ranNothing && isVanishedObject(result.error)) continue;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the failing migration's own error, passed on unchanged so callers can classify it
    throw result.error;
  }
}
