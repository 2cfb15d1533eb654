/**
 * The two ways staff change memberships and import the roll: the members CLI
 * (run as a process against the test store) and the staff console (its
 * functions called with a signed-in staff session). Each answers with the
 * message a person reads, so one table of rules can run through both.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import review from '../../functions/staff-review.ts';
import member from '../../functions/staff-member.ts';
import reauth from '../../functions/staff-reauth.ts';
import roll from '../../functions/staff-roll.ts';
import rollApply from '../../functions/staff-roll-apply.ts';
import type { TestStore } from '../server/support.ts';
import { call, flashOf, SEED_PASSWORD, signIn, type SignedIn } from '../staff/support.ts';
import fs from 'node:fs';

/** What a person reads after asking: whether it worked, and the words. */
export interface Answer {
  ok: boolean;
  text: string;
}

/** A member named by id (the console) and username (the CLI). */
export interface MemberRef {
  id: string;
  username: string;
}

export interface Caller {
  name: string;
  confirm(who: MemberRef): Promise<Answer>;
  reject(who: MemberRef, reason: string): Promise<Answer>;
  suspend(who: MemberRef, reason: string): Promise<Answer>;
  reinstate(who: MemberRef): Promise<Answer>;
  confirmMatched(): Promise<Answer>;
  importRoll(bytes: Uint8Array): Promise<Answer>;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `scripts/members.ts` against the test store, as an operator would. */
export function runMembersCli(
  store: TestStore,
  ...args: string[]
): Promise<Answer & { code: number | null }> {
  return runMembersCliWith(store, {}, ...args);
}

/** `runMembersCli` with more settings in its environment. */
export function runMembersCliWith(
  store: TestStore,
  env: Record<string, string>,
  ...args: string[]
): Promise<Answer & { code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/members.ts', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: store.dataDir,
        DATABASE_URL: store.config.databaseUrl ?? '',
        CONFIRM_POLICY: store.config.confirmPolicy,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) =>
      resolve({ code, ok: code === 0, text: (code === 0 ? stdout : stderr).trim() }),
    );
  });
}

/** The members CLI as a caller. */
export function cliCaller(store: TestStore): Caller {
  const run = async (...args: string[]): Promise<Answer> => {
    const { ok, text } = await runMembersCli(store, ...args);
    return { ok, text };
  };
  let files = 0;
  return {
    name: 'members CLI',
    confirm: (who) => run('confirm', who.username),
    reject: (who, reason) => run('reject', who.username, reason),
    suspend: (who, reason) => run('suspend', who.username, reason),
    reinstate: (who) => run('reinstate', who.username),
    confirmMatched: () => run('confirm-matched'),
    importRoll: (bytes) => {
      const file = path.join(store.dataDir, `roll-${++files}.csv`);
      fs.writeFileSync(file, bytes);
      return run('import-roll', file);
    },
  };
}

/** A page's text as a person reads it: tags removed, entities decoded, spaces folded. */
export function pageText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

function fromFlash(res: Response): Answer {
  const flash = flashOf(res);
  return { ok: flash?.kind === 'ok', text: flash?.text ?? `(no message, status ${res.status})` };
}

/** A console answer: the status line after a 303, or the page answered again (422) with its error. */
async function answerOf(res: Response): Promise<Answer> {
  if (res.status !== 422) return fromFlash(res);
  const item = /class="error-summary__list"><li>(.*?)<\/li>/s.exec(await res.text())?.[1] ?? '';
  return { ok: false, text: pageText(item).trim() };
}

/** The staff console as a caller, signed in as `username` with a fresh password entry. */
export async function consoleCaller(store: TestStore, username: string): Promise<Caller> {
  const staff: SignedIn = await signIn(store, username);
  const post = (handler: typeof review, url: string, form: Record<string, string>, id?: string) =>
    call(handler, url, { cookie: staff.cookie, form, ...(id ? { params: { id } } : {}) });
  const onMember = (who: MemberRef, form: Record<string, string>) =>
    post(member, `/api/staff/members/${who.id}`, form, who.id).then(answerOf);
  return {
    name: 'staff console',
    confirm: (who) =>
      post(review, '/api/staff/review', { action: 'confirm', id: who.id }).then(fromFlash),
    reject: (who, reason) =>
      post(review, '/api/staff/review', { action: 'reject', id: who.id, reason }).then(answerOf),
    suspend: (who, reason) => onMember(who, { action: 'suspend', reason }),
    reinstate: (who) => onMember(who, { action: 'reinstate' }),
    confirmMatched: () =>
      post(review, '/api/staff/review', { action: 'confirm-matched' }).then(fromFlash),
    async importRoll(bytes) {
      await post(reauth, '/api/staff/reauth', { password: SEED_PASSWORD, next: '/api/staff/roll' });
      const form = new FormData();
      form.set('roll', new File([new Uint8Array(bytes)], 'roll.csv', { type: 'text/csv' }));
      const uploaded = await call(roll, '/api/staff/roll', { cookie: staff.cookie, body: form });
      if (uploaded.status === 422) return { ok: false, text: pageText(await uploaded.text()) };
      const previewId = new URL(uploaded.headers.get('location')!, 'http://x').searchParams.get(
        'preview',
      )!;
      const page = await (
        await call(roll, `/api/staff/roll?preview=${previewId}`, { cookie: staff.cookie })
      ).text();
      const sha = /name="sha256" value="([0-9a-f]{64})"/.exec(page)?.[1] ?? '';
      return fromFlash(
        await post(rollApply, '/api/staff/roll/apply', { id: previewId, sha256: sha }),
      );
    },
  };
}
