// The newsletter end to end: a reader subscribes from an article with
// JavaScript off and confirms from the outbox; an editor's article with the
// newsletter box ticked is built and goes live (the local deploy queues it);
// the scheduled worker runs; the email in the outbox carries both unsubscribe
// headers; a mailbox provider's one-click POST unsubscribes; staff see it all
// on the console's Newsletter page.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { readMailTo } from './support/outbox';
import { expectAxeClean, openPage } from './support/page';
import { runMembersCli, startSite, type RunningSite } from './support/server';
import { freePort } from '../scripts/lib/free-port.ts';
import { createTempProject, type TempProject } from '../test/site/support/temp-project';
import { completeTotpSetup } from './support/totp';

const root = path.resolve(import.meta.dirname, '..');
const READER = 'sam.reader@example.org';
const SLUG = 'newsletter-e2e-pay-update';
const TITLE = 'Pay update for every member, by email';

let site: RunningSite;
let browser: Browser;
let project: TempProject;
let published: { url: string; child: ChildProcess } | undefined;

/** The local server of the project copy, on the first site's store: the new build going live. */
async function servePublished(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
    cwd: project.dir,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, SITE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  // Listening is not enough: wait until the start-up has queued the new article.
  while (!output.includes(`queued "${SLUG}"`)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the published site did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child };
}

beforeAll(async () => {
  project = createTempProject('newsletter-e2e-', ['src/pages/admin']);
  for (const name of ['functions', 'scripts', 'netlify.toml', 'data', 'public'])
    cpSync(path.join(root, name), path.join(project.dir, name), { recursive: true });
  project.write(
    `content/news/${SLUG}.md`,
    `---\ntitle: ${TITLE}\ndate: 2026-11-30\nsummary: What the new pay award means for you.\nnewsletter: true\n---\n\nThe award is now agreed and will be paid from April.\n`,
  );
  const [built, started, launched] = await Promise.all([
    project.build(),
    startSite(),
    launchBrowser(),
  ]);
  if (built.code !== 0) throw new Error(`build failed:\n${built.output}`);
  [site, browser] = [started, launched];
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (published && published.child.exitCode === null) {
    const exited = new Promise((r) => published!.child.once('exit', r));
    published.child.kill('SIGTERM');
    await exited;
  }
  await site?.stop();
  project?.remove();
});

const began = Date.now();
const step = (n: number) => console.log(`newsletter e2e: step ${n} at ${Date.now() - began} ms`);

describe('the newsletter', () => {
  it('goes from a subscription on an article to a sent email, a one-click unsubscribe and the console', async () => {
    step(1);
    // The subscription page passes axe (with JavaScript on, which axe needs).
    const subscribePage = await openPage(browser, `${site.url}/newsletter/`);
    await expectAxeClean(subscribePage.page);
    await subscribePage.close();
    // 1. Subscribe from the foot of an article, JavaScript off.
    const article = await openPage(browser, `${site.url}/news/assaults-on-officers-keep-rising/`, {
      javaScriptEnabled: false,
    });
    await article.page.fill('#newsletter-email', READER);
    await article.page.fill('#newsletter-name', 'Sam Reader');
    await Promise.all([
      article.page.waitForURL('**/newsletter/check-email/'),
      article.page.click('#newsletter button[type="submit"]'),
    ]);
    await article.close();

    step(2);
    // 2. Confirm from the outbox: the link opens a page whose button POSTs.
    const [confirmation] = readMailTo(site.dataDir, READER);
    const link = /http:\/\/localhost:\d+\/newsletter\/confirm\/\?token=[A-Za-z0-9_-]+/.exec(
      confirmation,
    )![0];
    const confirm = await openPage(browser, link, { javaScriptEnabled: false });
    await Promise.all([
      confirm.page.waitForURL('**/newsletter/confirmed/'),
      confirm.page.click('#newsletter-confirm button[type="submit"]'),
    ]);
    await confirm.close();

    step(3);
    // 3. The build with the ticked article goes live: its start-up queues it for the subscriber.
    published = await servePublished(site.dataDir);

    step(4);
    // 4. The scheduled worker runs once.
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const m = await import('./functions/newsletter-worker.ts'); await m.default(); process.exit(0);",
      ],
      {
        cwd: project.dir,
        env: { ...process.env, DATA_DIR: site.dataDir, SITE_URL: published.url },
      },
    );

    step(5);
    // 5. The email: subject, both unsubscribe headers, the visible link.
    const email = readMailTo(site.dataDir, READER)
      .map((m) => m.replace(/\r?\n[ \t]+/g, ' '))
      .find((m) => m.includes(`Subject: ${TITLE}`));
    expect(email).toBeDefined();
    const header =
      /^List-Unsubscribe:\s*<(https?:\/\/[^>\s]+\/api\/newsletter\/unsubscribe\?token=[A-Za-z0-9_-]+)>\s*$/m.exec(
        email!,
      );
    expect(header, email).not.toBeNull();
    expect(email).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    expect(email).toContain('The award is now agreed and will be paid from April.');
    expect(email).toMatch(/\/newsletter\/unsubscribe\/\?token=/);

    step(6);
    // 6. One click, as a mailbox provider sends it: no cookies, no Origin, multipart body.
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    const oneClick = await fetch(header![1], { method: 'POST', body });
    expect(oneClick.status).toBe(200);

    step(7);
    // 7. The console shows the address as unsubscribed and the send as sent.
    const { stdout } = await runMembersCli(
      site,
      'create-staff',
      'editor@example.org',
      'editor_e2e',
    );
    const password = /Password \(shown once, store it safely\): (\S+)/.exec(stdout)![1];
    const login = await openPage(browser, `${published.url}/login/?next=/staff/newsletter/`);
    await login.page.fill('#login-username', 'editor_e2e');
    await login.page.fill('#login-password', password);
    // Staff set up a second factor before the console opens.
    await Promise.all([
      login.page.waitForURL(/\/two-factor\/setup\//),
      login.page.click('#login button[type="submit"]'),
    ]);
    await completeTotpSetup(login.page);
    await Promise.all([
      login.page.waitForURL((url) => url.pathname.startsWith('/staff/')),
      login.page.click('text=I have saved my codes'),
    ]);
    await login.page.goto(`${published.url}/staff/newsletter/`);
    await expectAxeClean(login.page);
    const sends = await login.page.textContent('#sends');
    expect(sends).toContain(TITLE);
    expect(await login.page.textContent('#sends tbody tr td:nth-child(2)')).toBe('sent');
    await login.page.click('a[href="/staff/newsletter/?status=unsubscribed"]');
    await login.page.waitForURL((url) => url.search === '?status=unsubscribed');
    expect(await login.page.textContent('#subscribers')).toContain(READER);
    await login.close();
  }, 240_000);
});
