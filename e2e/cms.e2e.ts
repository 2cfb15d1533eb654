// The content manager in Chromium against Decap's local backend (decap-server):
// an article with a transparent logo as hero goes through the editorial workflow and
// reaches the built site with optimised copies whose JPEGs are not black behind the
// logo, a HEIC photo is refused at upload with a message an editor understands, and an
// edit to an existing role lands in its file.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  mkdirSync,
  openSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { startSite, type RunningSite } from './support/server';
import { ensureBuilt } from '../scripts/lib/build';
import { makeHeic, makeTransparentLogo, NAVY } from '../test/support/images';
import { readPageBackground } from '../src/lib/page-background';
import { freePort } from '../scripts/lib/free-port';

const root = path.resolve(import.meta.dirname, '..');
const stamp = Date.now().toString(36);
const title = `Editors check the new content manager ${stamp}`;
const slug = `editors-check-the-new-content-manager-${stamp}`;
const imageName = `cms-logo-${stamp}.png`;
const heicName = `img-0420-${stamp}.heic`;
const renamedHeicName = `img-0421-${stamp}.jpg`;
const careersFile = path.join(root, 'content/careers/pcsos.md');

interface Backend {
  port: number;
  child: ChildProcess;
}

/** Starts decap-server on a free port; `git` mode is the one with the editorial workflow. */
async function startDecapServer(repoDir: string, mode: 'git' | 'fs'): Promise<Backend> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/decap-server/dist/index.js')],
    {
      cwd: repoDir,
      env: {
        ...process.env,
        PORT: String(port),
        MODE: mode,
        GIT_REPO_DIRECTORY: repoDir,
        LOG_LEVEL: 'debug',
      },
      // CMS_E2E_LOG=<prefix> keeps the server's log for debugging.
      stdio: process.env.CMS_E2E_LOG
        ? ['ignore', openSync(`${process.env.CMS_E2E_LOG}-${mode}.log`, 'w'), 'inherit']
        : 'ignore',
    },
  );
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://localhost:${port}/api/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'info' }),
      });
      if (res.ok) return { port, child };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`decap-server (${mode}) did not start`);
}

/**
 * A git repository holding a copy of content/: the git backend commits, branches
 * and merges there, never in the working tree the site is developed in.
 */
function createContentRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cms-e2e-repo-'));
  cpSync(path.join(root, 'content'), path.join(dir, 'content'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'editor@example.org');
  git('config', 'user.name', 'Editor');
  git('config', 'commit.gpgsign', 'false');
  git('add', 'content');
  git('commit', '-q', '-m', 'Content');
  return dir;
}

let browser: Browser;
let site: RunningSite;
let repoDir: string;
let gitBackend: Backend;
let fsBackend: Backend;
let backendPort = 0;
let imageFile: string;
let heicFile: string;
let renamedHeicFile: string;
const careersOriginal = readFileSync(careersFile);
const copiedIntoSite: string[] = [];

/**
 * Opens the CMS with Decap's default local backend address (localhost:8081) served by
 * this test's own decap-server, so the test never meets a server someone else started.
 */
async function newCmsPage(options: { timezoneId?: string } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, ...options });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.route('http://localhost:8081/**', async (route) => {
    const request = route.request();
    const cors = {
      'access-control-allow-origin': site.url,
      'access-control-allow-headers': 'content-type',
      'access-control-allow-methods': 'POST, OPTIONS',
    };
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const response = await route.fetch({
      url: request.url().replace(':8081', `:${backendPort}`),
      postData: request.postDataBuffer() ?? undefined,
      timeout: 60_000,
    });
    await route.fulfill({ response, headers: { ...response.headers(), ...cors } });
  });
  return page;
}

/** Opens /admin/ and logs in to the local backend. */
async function openCms(page: Page): Promise<void> {
  await page.goto(`${site.url}/admin/`);
  await page.getByRole('button', { name: 'Login' }).click({ timeout: 30_000 });
  await page.getByText('Collections').first().waitFor({ timeout: 30_000 });
}

/** Runs `steps`; on failure keeps a screenshot in /tmp/shots/ for the reader of the log. */
async function withScreenshot(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (error) {
    mkdirSync('/tmp/shots', { recursive: true });
    await page.screenshot({ path: `/tmp/shots/cms-failed-${name}.png` }).catch(() => {});
    const text = await page.evaluate(() => document.body.innerText).catch(() => '');
    writeFileSync(`/tmp/shots/cms-failed-${name}.txt`, text);
    throw error;
  }
}

/** Waits until `file` exists (the git backend merges on publish). */
async function waitForFile(file: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `#rrggbb` as channels. */
function hexToRgb(hex: string): { r: number; g: number; b: number } {
  return {
    r: parseInt(hex.slice(1, 3), 16),
    g: parseInt(hex.slice(3, 5), 16),
    b: parseInt(hex.slice(5, 7), 16),
  };
}

/** The colour at (x, y), given as fractions of the image's width and height. */
async function pixelAt(bytes: Buffer, fx: number, fy: number) {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const at =
    (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * info.channels;
  return { r: data[at], g: data[at + 1], b: data[at + 2] };
}

function expectNear(
  actual: { r: number; g: number; b: number },
  expected: typeof NAVY,
  label: string,
) {
  for (const channel of ['r', 'g', 'b'] as const) {
    expect(
      Math.abs(actual[channel] - expected[channel]),
      `${label}: ${channel}`,
    ).toBeLessThanOrEqual(6);
  }
}

/** The notification Decap shows after a save or publish. */
async function waitForNotice(page: Page, text: RegExp): Promise<void> {
  await page.getByText(text).first().waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  const imageDir = mkdtempSync(path.join(os.tmpdir(), 'cms-e2e-img-'));
  imageFile = path.join(imageDir, imageName);
  heicFile = path.join(imageDir, heicName);
  renamedHeicFile = path.join(imageDir, renamedHeicName);
  writeFileSync(imageFile, await makeTransparentLogo('png'));
  const heic = await makeHeic();
  writeFileSync(heicFile, heic);
  writeFileSync(renamedHeicFile, heic);
  repoDir = createContentRepo();
  [gitBackend, fsBackend, site, browser] = await Promise.all([
    startDecapServer(repoDir, 'git'),
    startDecapServer(root, 'fs'),
    startSite(),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  for (const file of copiedIntoSite) rmSync(file, { force: true });
  writeFileSync(careersFile, careersOriginal);
  await browser?.close();
  await site?.stop();
  gitBackend?.child.kill();
  fsBackend?.child.kill();
  if (repoDir) rmSync(repoDir, { recursive: true, force: true });
  if (imageFile) rmSync(path.dirname(imageFile), { recursive: true, force: true });
});

describe('the content manager', () => {
  it('fills a date’s Now with the day in London, whatever the browser’s time zone', async () => {
    await ensureBuilt({ quiet: true });
    backendPort = fsBackend.port;
    const cases = [
      // 00:30 BST on 2 July, 23:30 the day before in UTC.
      { now: '2024-07-01T23:30:00Z', day: '2024-07-02' },
      { now: '2024-07-02T22:59:00Z', day: '2024-07-02' },
      // GMT in winter: London's day is UTC's day.
      { now: '2024-01-15T23:30:00Z', day: '2024-01-15' },
      { now: '2024-01-16T00:10:00Z', day: '2024-01-16' },
    ];
    for (const timezoneId of ['UTC', 'America/Los_Angeles', 'Asia/Tokyo']) {
      const page = await newCmsPage({ timezoneId });
      await withScreenshot(page, `now-${timezoneId.replace('/', '-')}`, async () => {
        await page.clock.setFixedTime(new Date(cases[0].now));
        await openCms(page);
        await page.goto(`${site.url}/admin/#/collections/news/new`);
        const input = page.locator('input[type="date"]');
        await input.waitFor({ timeout: 30_000 });
        for (const { now, day } of cases) {
          await page.clock.setFixedTime(new Date(now));
          await page.getByTestId('now-button').click();
          expect(await input.inputValue(), `${now} in ${timezoneId}`).toBe(day);
        }
      });
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await page.close();
    }
  });

  it('takes a new article with an image through draft, ready and publish to the built site', async () => {
    await ensureBuilt({ quiet: true });
    backendPort = gitBackend.port;
    const page = await newCmsPage();
    await withScreenshot(page, 'workflow', async () => {
      await openCms(page);
      await page.goto(`${site.url}/admin/#/collections/news/new`);

      await page.getByLabel('Title', { exact: true }).fill(title);
      await page.locator('input[type="date"]').fill('2026-11-20');
      await page
        .getByLabel('Summary', { exact: true })
        .fill('Editors tried the new content manager.');
      await page.getByLabel('Tags').fill('editing');
      await page.getByLabel('Image description (alt text)').fill('A navy square logo');

      await page.getByRole('button', { name: 'Choose an image' }).click();
      await page.locator('input[type="file"]').setInputFiles(imageFile);
      await page.getByText(imageName).first().waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Choose selected' }).click();

      const body = page.locator('[data-slate-editor="true"]').first();
      await body.click();
      await page.keyboard.type('The editorial workflow works from draft to publication.');

      await page.getByRole('button', { name: 'Save' }).click();
      await waitForNotice(page, /Entry saved/i);
      await page.getByRole('button', { name: /^Status: Draft/ }).click();
      await page.getByRole('menuitem', { name: 'Ready' }).click();
      await page.getByRole('button', { name: /^Status: Ready/ }).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await page.getByRole('menuitem', { name: 'Publish now' }).click();
      await waitForFile(path.join(repoDir, 'content/news', `${slug}.md`));
    });
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();

    const entryPath = path.join(repoDir, 'content/news', `${slug}.md`);
    const imagePath = path.join(repoDir, 'content/news/images', imageName);
    expect(existsSync(entryPath), 'the published entry is on the main branch').toBe(true);
    const markdown = readFileSync(entryPath, 'utf8');
    expect(markdown).toMatch(/^---\n/);
    expect(markdown).toContain(`title: ${title}`);
    expect(markdown).toMatch(/date: 2026-11-20\n/);
    expect(markdown).toMatch(/tags:\n\s+- editing\n/);
    expect(markdown).toContain(`image: ./images/${imageName}`);
    expect(markdown).toContain('imageAlt: A navy square logo');
    expect(markdown).toContain('The editorial workflow works from draft to publication.');
    expect(existsSync(imagePath)).toBe(true);

    // What a deploy does once the merge lands: build the site from the repository.
    const siteEntry = path.join(root, 'content/news', `${slug}.md`);
    const siteImage = path.join(root, 'content/news/images', imageName);
    copiedIntoSite.push(siteEntry, siteImage);
    mkdirSync(path.dirname(siteImage), { recursive: true });
    copyFileSync(imagePath, siteImage);
    copyFileSync(entryPath, siteEntry);
    await ensureBuilt({ quiet: true });

    const res = await fetch(`${site.url}/news/${slug}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(title);
    const picture = html.match(/<picture class="hero">[\s\S]*?<\/picture>/)?.[0] ?? '';
    expect(picture).toMatch(/<source type="image\/avif" srcset="[^"]+\.avif/);
    expect(picture).toMatch(/<source type="image\/webp" srcset="[^"]+\.webp/);
    expect(picture).toMatch(/<img src="[^"]+\.jpe?g"[^>]* alt="A navy square logo"/);

    // JPEG has no transparency: the fallback and the share picture are flattened onto the
    // page background (never black), with the logo still navy in the middle.
    const fallback = picture.match(/<img src="([^"]+)"/)![1];
    const share = html.match(/<meta property="og:image" content="([^"]+)"/)![1];
    const background = hexToRgb(
      readPageBackground(readFileSync(path.join(root, 'src/styles/global.css'), 'utf8')),
    );
    for (const url of [fallback, new URL(share).pathname]) {
      const image = await fetch(`${site.url}${url}`);
      expect(image.status, url).toBe(200);
      const bytes = Buffer.from(await image.arrayBuffer());
      expect((await sharp(bytes).metadata()).format, url).toBe('jpeg');
      expectNear(await pixelAt(bytes, 0.05, 0.05), background, `${url} where the logo was clear`);
      expectNear(await pixelAt(bytes, 0.5, 0.5), NAVY, `${url} in the logo`);
    }
  }, 300_000);

  it('refuses a HEIC photo at upload, and one renamed to .jpg, with a message an editor understands', async () => {
    await ensureBuilt({ quiet: true });
    backendPort = gitBackend.port;
    const page = await newCmsPage();
    const alerts: string[] = [];
    page.on('dialog', (dialog) => void alerts.push(dialog.message()));
    await withScreenshot(page, 'heic', async () => {
      await openCms(page);
      await page.goto(`${site.url}/admin/#/collections/news/new`);
      await page.getByRole('button', { name: 'Choose an image' }).click();
      const input = page.locator('input[type="file"]');
      for (const file of [heicFile, renamedHeicFile]) {
        const before = alerts.length;
        await input.setInputFiles(file);
        await expect.poll(() => alerts.length, { timeout: 30_000 }).toBe(before + 1);
      }
      // Nothing was uploaded: neither file is offered in the media library.
      expect(await page.getByText(heicName).count()).toBe(0);
      expect(await page.getByText(renamedHeicName).count()).toBe(0);
    });
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();

    expect(alerts[0]).toContain(
      `“${heicName}” is a HEIC photo (the iPhone camera format), which the website cannot use.`,
    );
    expect(alerts[0]).toContain('share the photo as JPEG');
    expect(alerts[0]).toContain('The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images.');
    expect(alerts[1]).toContain(`“${renamedHeicName}” ends in .jpg but is really a HEIC photo`);
    for (const name of [heicName, renamedHeicName]) {
      expect(existsSync(path.join(repoDir, 'content/news/images', name)), name).toBe(false);
    }
  }, 300_000);

  it('saves an edit to an existing careers role into its file', async () => {
    await ensureBuilt({ quiet: true });
    backendPort = fsBackend.port;
    const page = await newCmsPage();
    const edited = `PCSOs work with their neighbourhood team (checked ${stamp}).`;
    await withScreenshot(page, 'careers', async () => {
      await openCms(page);
      await page.goto(`${site.url}/admin/#/collections/careers/entries/pcsos`);
      const summary = page.getByLabel('Summary', { exact: true });
      await summary.waitFor({ timeout: 30_000 });
      await summary.fill(edited);
      // The local file backend has no workflow: Decap offers "Publish now" at once.
      await page.getByRole('button', { name: 'Publish', exact: true }).click();
      await page.getByRole('menuitem', { name: 'Publish now' }).click();
      await waitForNotice(page, /Changes saved/i);
    });
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
    expect(readFileSync(careersFile, 'utf8')).toContain(`summary: ${edited}`);
  }, 300_000);
});
