import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { readMailTo } from './support/outbox';
import { expectAxeClean, openPage } from './support/page';
import { runMembersCli, startSite, type RunningSite } from './support/server';
import { readCollection } from '../test/site/support/content';

const membersOnly = readCollection('news').find(
  (e) => e.data.membersOnly && e.data.draft !== true,
)!;

let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

function open(path: string, options: { javaScriptEnabled?: boolean } = {}) {
  return openPage(browser, site.url + path, options);
}

/** The text of each field's error message, by field name, and the summary's list. */
async function readErrors(page: Page) {
  const fields = await page.$$eval('.field--error', (els) =>
    Object.fromEntries(
      els.map((el) => [
        el.getAttribute('data-field') ?? '',
        el.querySelector('.field__error')?.textContent?.replace(/^Error: /, ''),
      ]),
    ),
  );
  const summary = await page.$$eval('.error-summary li', (lis) => lis.map((li) => li.textContent));
  return { fields, summary };
}

/** The newest verification link mailed to `to` (the outbox holds .eml files). */
function verificationLink(to: string): string {
  const messages = readMailTo(site.dataDir, to);
  const match = /(http\S+\/verify-email\/\?token=[A-Za-z0-9_%-]+)/.exec(messages.at(-1) ?? '');
  if (!match) throw new Error(`no verification link mailed to ${to}`);
  return match[1];
}

/** Submits a form through the page script and waits until its answer is on the page. */
async function submitEnhanced(page: Page, form: string): Promise<void> {
  const action = await page.getAttribute(form, 'action');
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === action),
    page.click(`${form} button[type="submit"]`),
  ]);
  // The script re-enables the button in the same task that shows the errors.
  await page.waitForFunction(
    (sel) => !document.querySelector<HTMLButtonElement>(`${sel} button[type="submit"]`)!.disabled,
    form,
  );
}

async function fillRegistration(page: Page, details: Record<string, string>) {
  for (const [name, value] of Object.entries(details)) await page.fill(`#register-${name}`, value);
}

const MISTAKES: { details: Record<string, string>; field: string; message: RegExp }[] = [
  {
    details: { warrantNumber: 'P123456' },
    field: 'warrantNumber',
    message: /without the P or pay prefix/,
  },
  {
    details: { warrantNumber: '12345' },
    field: 'warrantNumber',
    message: /exactly 6 digits; you entered 5/,
  },
  { details: { email: 'jo.bloggs@met.police.uk' }, field: 'email', message: /personal email/ },
  { details: { email: 'jo.bloggs' }, field: 'email', message: /name@example.com/ },
  { details: { username: 'jo' }, field: 'username', message: /at least 3 characters/ },
  { details: { password: 'short' }, field: 'password', message: /8/ },
  { details: { password: 'password123' }, field: 'password', message: /.+/ },
];

function goodDetails(tag: string): Record<string, string> {
  return {
    firstName: 'Jo',
    surname: 'Bloggs',
    email: `jo.bloggs.${tag}@example.org`,
    username: `jbloggs_${tag}`,
    warrantNumber: '482913',
    password: 'marmalade kettle lighthouse',
  };
}

describe('joining the members area in Chromium', () => {
  it('registers after correcting each mistake, verifies, waits for confirmation, logs in, reads, logs out', async () => {
    const { page, errors, close } = await open('/register/');
    await expectAxeClean(page);

    // Nothing filled in: every field says what it needs, and focus moves to the summary.
    await submitEnhanced(page, '#register');
    const empty = await readErrors(page);
    expect(Object.keys(empty.fields).sort()).toEqual([
      'email',
      'firstName',
      'password',
      'surname',
      'username',
      'warrantNumber',
    ]);
    expect(empty.fields.firstName).toBe('Enter your first name');
    expect(empty.fields.warrantNumber).toBe('Enter your warrant number');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('register-errors');
    expect(await page.title()).toMatch(/^Error: /);
    await expectAxeClean(page);

    // Each kind of mistake in turn, the rest correct: the message names the problem.
    const good = goodDetails(String(Date.now()));
    for (const mistake of MISTAKES) {
      await fillRegistration(page, { ...good, ...mistake.details });
      await submitEnhanced(page, '#register');
      const { fields, summary } = await readErrors(page);
      expect(Object.keys(fields), JSON.stringify(mistake.details)).toEqual([mistake.field]);
      expect(fields[mistake.field]).toMatch(mistake.message);
      expect(summary).toEqual([fields[mistake.field]]);
      expect(await page.inputValue('#register-password')).toBe('');
      expect(await page.inputValue('#register-firstName')).toBe('Jo');
    }

    // A summary link takes focus to its field.
    await page.click('.error-summary a');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('register-password');

    await fillRegistration(page, good);
    await Promise.all([
      page.waitForURL(/\/register\/check-email\/$/),
      page.click('#register button[type="submit"]'),
    ]);
    expect(await page.textContent('h1')).toContain('Check your email');

    // The link in the email opens a page with a button: opening it alone changes nothing.
    const link = verificationLink(good.email);
    const response = await page.goto(link);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.getAttribute('meta[name="referrer"]', 'content')).toBe('no-referrer');
    await expectAxeClean(page);
    await Promise.all([
      page.waitForURL(/\/verify-email\/pending\/$/),
      page.click('#verify-email button[type="submit"]'),
    ]);
    expect(await page.textContent('main')).toContain('Your registration is pending');

    // Until staff confirm, the members area explains the wait.
    await page.goto(site.url + '/login/?next=%2Fmembers%2F');
    await page.fill('#login-username', good.username);
    await page.fill('#login-password', good.password);
    await Promise.all([
      page.waitForURL(/\/members\/$/),
      page.click('#login button[type="submit"]'),
    ]);
    expect(await page.textContent('h1')).toBe('Your registration is pending');
    await expectAxeClean(page);

    await runMembersCli(site, 'confirm', good.username);

    await page.reload();
    expect(await page.textContent('.member-bar')).toContain('Jo Bloggs');
    expect(await page.textContent('h1')).not.toContain('pending');
    await expectAxeClean(page);

    const article = await page.goto(`${site.url}/members/news/${membersOnly.slug}/`);
    expect(article?.status()).toBe(200);
    expect(article?.headers()['cache-control']).toBe('private, no-store');
    expect(await page.textContent('h1')).toBe(String(membersOnly.data.title));

    await page.goto(site.url + '/members/account/');
    await expectAxeClean(page);

    await Promise.all([page.waitForURL(site.url + '/'), page.click('.member-bar button')]);
    await page.goto(site.url + '/members/');
    expect(new URL(page.url()).pathname).toBe('/login/');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/members/');
    await expectAxeClean(page);

    // A `next` that would leave the site ends on the members home, with the script and without.
    for (const javaScriptEnabled of [true, false]) {
      const attempt = await open(`/login/?next=${encodeURIComponent('/.//evil.example')}`, {
        javaScriptEnabled,
      });
      await attempt.page.fill('#login-username', good.username);
      await attempt.page.fill('#login-password', good.password);
      await Promise.all([
        attempt.page.waitForURL((u) => u.pathname !== '/login/' && u.pathname !== '/api/login'),
        attempt.page.click('#login button[type="submit"]'),
      ]);
      expect(attempt.page.url(), `JavaScript ${javaScriptEnabled}`).toBe(site.url + '/members/');
      await attempt.close();
    }

    // Only the expected answers (422 for mistakes, 403 while pending) may show up in the console.
    expect(errors.filter((e) => !/status of (422|403)/.test(e))).toEqual([]);
    await close();
  });

  it('works with JavaScript off: errors beside the fields after a full reload, then success', async () => {
    const { page, close } = await open('/register/', { javaScriptEnabled: false });
    const good = goodDetails(`nojs${Date.now()}`);
    await fillRegistration(page, {
      ...good,
      warrantNumber: 'pay 123456',
      email: 'me@met.police.uk',
    });
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/api/register'),
      page.click('#register button[type="submit"]'),
    ]);
    await page.waitForURL(/\/api\/register$/);
    expect(response.status()).toBe(422);
    expect(new URL(page.url()).pathname).toBe('/api/register');
    const { fields, summary } = await readErrors(page);
    expect(fields.warrantNumber).toMatch(/without the P or pay prefix/);
    expect(fields.email).toMatch(/personal email/);
    expect(summary).toHaveLength(2);
    expect(await page.inputValue('#register-firstName')).toBe('Jo');
    expect(await page.inputValue('#register-password')).toBe('');
    expect(await page.title()).toMatch(/^Error: /);
    // axe needs scripts: check the server's error page in a scripted tab at the same address.
    const html = await page.content();
    const checker = await open('/register/');
    await checker.page.setContent(html);
    await expectAxeClean(checker.page);
    await checker.close();

    await fillRegistration(page, good);
    await Promise.all([
      page.waitForURL(/\/register\/check-email\/$/),
      page.click('#register button[type="submit"]'),
    ]);

    // The email link page carries the token in its form without any script.
    await page.goto(verificationLink(good.email));
    await Promise.all([
      page.waitForURL(/\/verify-email\/pending\/$/),
      page.click('#verify-email button[type="submit"]'),
    ]);
    await close();
  });
});
