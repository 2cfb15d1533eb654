// Operator CLI for the members area: `npm run members -- <command>`. A thin
// caller: the roll pipeline (src/server/roll/) and the membership module
// (src/server/membership/) hold every rule, the same as for the staff console;
// the newsletter module (src/server/newsletter/) those of newsletter-send.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { getConfig } from '../src/server/config.ts';
import { closeDb, getDb } from '../src/server/store/db.ts';
import { migrateToLatest } from '../src/server/store/migrations.ts';
import { backupSqlite, BackupTargetError } from '../src/server/store/backup.ts';
import type { MembershipResult } from '../src/server/membership/change.ts';
import { confirmMember, confirmRollMatches } from '../src/server/membership/decide.ts';
import { rejectMember, suspendMember } from '../src/server/membership/end.ts';
import { listMembers } from '../src/server/membership/list.ts';
import { reinstateMember } from '../src/server/membership/standing.ts';
import { createPace } from '../src/server/roll/pace.ts';
import { createProgressLine } from '../src/server/roll/progress-line.ts';
import { readRollFile } from '../src/server/roll/read.ts';
import { importRoll, RollReplacementRefusal } from '../src/server/roll/replace.ts';
import { createStaff } from '../src/server/staff/accounts.ts';
import type { UserStatus } from '../src/server/store/schema.ts';
import { readNewsletterArticle } from '../src/server/newsletter/articles.ts';
import { queueArticle } from '../src/server/newsletter/queue.ts';
import { countSubscribers } from '../src/server/newsletter/subscribers.ts';
import { drainUntilEmpty } from '../src/server/newsletter/run.ts';
import { StoreUnavailableError } from '../src/server/store/unavailable.ts';

const USAGE = `Usage: npm run members -- <command>

  migrate                         bring the store's tables up to date
  import-roll <file.csv>          replace the roll (columns warrant_number,surname,status)
  create-staff <email> <username> create a staff account (asks for a password, or generates one)
  confirm <username>              confirm a pending registration
  confirm-matched                 confirm every pending registration that matches the roll
  reject <username> <reason>      reject a pending registration; the reason is emailed
  suspend <username> <reason>     suspend a member: they cannot sign in, sessions end now
  reinstate <username>            give a suspended or rejected member their membership back
  list [--status S]               list accounts (S: unverified, pending, confirmed, rejected, suspended)
  newsletter-send <slug>          email a published news article to every subscriber (once ever),
                                  then send the queue now at NEWSLETTER_RATE
  backup <file>                   copy the SQLite store to a new file while the site serves`;

const STATUSES: UserStatus[] = ['unverified', 'pending', 'confirmed', 'rejected', 'suspended'];

/** A mistake the operator can fix; printed without a stack trace. */
class UsageError extends Error {}

const actor = () => `cli:${os.userInfo().username}`;

/** Asks for a password on a terminal without echoing it; empty means "generate one". */
async function askPassword(): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  // readline echoes what is typed to its output: give it one that writes nothing.
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  process.stdout.write('Password for the new staff account (leave empty to generate one): ');
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stdout.write('\n');
  return answer === '' ? undefined : answer;
}

async function migrate(): Promise<void> {
  const result = await migrateToLatest(getDb());
  const ran =
    result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
  console.log(ran.length ? `Applied: ${ran.join(', ')}` : 'The store is up to date.');
}

async function importRollFile(file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('Name the roll file: import-roll <file.csv>');
  if (!fs.existsSync(file)) throw new UsageError(`No such file: ${file}`);
  await migrateToLatest(getDb());
  const progress = createProgressLine(process.stdout);
  const read = await readRollFile(fs.readFileSync(file), createPace(progress.listener));
  if (!read.ok) {
    progress.end();
    throw new UsageError(
      `The roll was not changed. Fix these lines and try again:\n${read.errors.map((e) => `  ${e}`).join('\n')}`,
    );
  }
  const { preview: p, lapsed } = await importRoll(read.rows, actor(), {
    fileName: path.basename(file),
    onProgress: progress.listener,
  })
    .catch((error: unknown) => {
      if (error instanceof RollReplacementRefusal) throw new UsageError(error.message);
      throw error;
    })
    .finally(() => progress.end());
  console.log(
    `Imported ${p.rows} roll entries (${p.serving} serving, ${p.retired} retired): ${p.added} added, ${p.removed} removed, ${p.changedStatus} changed status.`,
  );
  if (lapsed.length > 0) {
    console.log(
      `${lapsed.length} confirmed member${lapsed.length === 1 ? '' : 's'} left the roll and ${lapsed.length === 1 ? 'is' : 'are'} listed as lapsed in the staff console (Roll page) for a decision:`,
    );
    for (const m of lapsed) console.log(`  ${m.name} (${m.username})`);
  }
}

async function addStaff(email: string | undefined, username: string | undefined): Promise<void> {
  if (!email || !username)
    throw new UsageError('Give an email and a username: create-staff <email> <username>');
  await migrateToLatest(getDb());
  const password = await askPassword();
  const result = await createStaff({ email, username, password }, actor());
  if (!result.ok) {
    throw new UsageError(
      Object.entries(result.errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join('\n'),
    );
  }
  console.log(`Created staff account ${username}.`);
  if (!password) console.log(`Password (shown once, store it safely): ${result.password}`);
}

/** Prints a membership change's answer, or stops with it. */
function report(result: MembershipResult): void {
  if (!result.ok) throw new UsageError(result.message);
  console.log(result.message);
}

async function confirm(username: string | undefined): Promise<void> {
  if (!username) throw new UsageError('Name the member: confirm <username>');
  report(await confirmMember(username, actor()));
}

async function reject(username: string | undefined, reason: string[]): Promise<void> {
  if (!username) throw new UsageError('Name the member: reject <username> <reason>');
  report(await rejectMember(username, actor(), reason.join(' ')));
}

async function suspend(username: string | undefined, reason: string[]): Promise<void> {
  if (!username) throw new UsageError('Name the member: suspend <username> <reason>');
  report(await suspendMember(username, actor(), reason.join(' ')));
}

async function reinstate(username: string | undefined): Promise<void> {
  if (!username) throw new UsageError('Name the member: reinstate <username>');
  report(await reinstateMember(username, actor()));
}

async function list(args: string[]): Promise<void> {
  let status: UserStatus | undefined;
  const i = args.indexOf('--status');
  if (i >= 0) {
    const value = STATUSES.find((known) => known === args[i + 1]);
    if (!value) throw new UsageError(`--status must be one of: ${STATUSES.join(', ')}`);
    status = value;
  }
  const members = await listMembers({ status });
  if (members.length === 0) {
    console.log(status ? `No ${status} accounts.` : 'No accounts.');
    return;
  }
  for (const m of members) {
    const roll =
      m.role === 'staff'
        ? 'staff'
        : m.roll.onRoll
          ? m.roll.surnameMatch
            ? `on roll (${m.roll.status})`
            : 'on roll, surname differs'
          : 'not on roll';
    const flags = [roll, m.roll.duplicate ? 'number registered before' : '']
      .filter(Boolean)
      .join('; ');
    console.log(
      [
        m.username,
        m.status,
        `${m.firstName} ${m.surname}`.trim(),
        m.email,
        m.warrantEndsIn ? `ends ${m.warrantEndsIn}` : '-',
        flags,
        new Date(m.createdAt).toISOString().slice(0, 10),
      ].join('\t'),
    );
  }
}

async function newsletterSend(slug: string | undefined): Promise<void> {
  if (!slug) throw new UsageError('Name the article: newsletter-send <slug>');
  await migrateToLatest(getDb());
  const article = readNewsletterArticle(slug.trim().toLowerCase());
  if (!article) {
    throw new UsageError(
      `No published article "${slug}" in the last build (sealed/). Build the site, and check the slug and that the article is not a draft.`,
    );
  }
  if ((await countSubscribers()).subscribed === 0)
    throw new UsageError('Nobody is subscribed yet, so nothing was queued.');
  const result = await queueArticle(article, { source: 'cli', actor: actor() });
  if (result.queued) console.log(`Queued "${article.title}" for ${result.recipients} subscribers.`);
  else
    console.log(
      `"${article.title}" was already queued on ${new Date(result.queuedAt).toISOString()}; it is never sent twice. Sending whatever is still queued.`,
    );
  const report = await drainUntilEmpty({
    onProgress: (r) => process.stdout.write(`\rSent ${r.sent}, ${r.remaining} waiting…`),
  });
  process.stdout.write('\n');
  console.log(
    `Sent ${report.sent}; bounced ${report.bounced}; failed ${report.failed}; ${report.retried} to retry later; ${report.remaining} still waiting.`,
  );
}

async function backup(file: string | undefined): Promise<void> {
  if (!file) throw new UsageError('Name the backup file: backup <file>');
  const config = getConfig();
  if (config.databaseUrl) {
    throw new UsageError(
      'The store is PostgreSQL: back it up with its own tools, e.g.\n' +
        '  pg_dump --format=custom --file=<file> "$DATABASE_URL"\n' +
        'and rely on your provider’s point-in-time recovery (README, "Backups").',
    );
  }
  try {
    const result = await backupSqlite(config.dataDir, file);
    console.log(`Backed up the store to ${result.file} (${result.bytes} bytes).`);
  } catch (error) {
    if (error instanceof BackupTargetError) throw new UsageError(error.message);
    throw error;
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  getConfig();
  switch (command) {
    case 'migrate':
      return migrate();
    case 'import-roll':
      return importRollFile(args[0]);
    case 'create-staff':
      return addStaff(args[0], args[1]);
    case 'confirm':
      return confirm(args[0]);
    case 'confirm-matched':
      console.log((await confirmRollMatches(actor())).message);
      return;
    case 'reject':
      return reject(args[0], args.slice(1));
    case 'suspend':
      return suspend(args[0], args.slice(1));
    case 'reinstate':
      return reinstate(args[0]);
    case 'list':
      return list(args);
    case 'newsletter-send':
      return newsletterSend(args[0]);
    case 'backup':
      return backup(args[0]);
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

/** What the operator reads when the store could not answer. */
function describeStoreProblem(error: StoreUnavailableError): string {
  if (error.reason !== 'busy') return error.message;
  return `The store is busy: another process kept it locked for longer than DATABASE_LOCK_TIMEOUT_MS allows. Try again in a moment. (${error.message})`;
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  // Mistakes and an unreachable or unmigrated store are reported by their message alone.
  const known =
    error instanceof Error &&
    (error instanceof UsageError ||
      error.name === 'ConfigError' ||
      error instanceof StoreUnavailableError);
  if (error instanceof StoreUnavailableError) console.error(describeStoreProblem(error));
  else console.error(known ? error.message : error);
  process.exitCode = known ? 2 : 1;
} finally {
  await closeDb();
}
