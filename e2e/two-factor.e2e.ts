import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { readMailTo } from './support/outbox';
import { expectAxeClean } from './support/page';
import { runMembersCli, startSite, type RunningSite } from './support/server';
import { completeTotpSetup } from './support/totp';
import { addVirtualAuthenticator } from './support/webauthn';

let site: RunningSite;
let browser: Browser;

const PASSWORD = 'blackberry tandem orchard';

/** Registers through the API, verifies the email from the link, and confirms the member by CLI. */
async function createMember(username: string, email: string, warrant: string): Promise<void> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    origin: site.url,
  };
  const res = await fetch(`${site.url}/api/register`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      firstName: 'Robin',
      surname: 'Hale',
      email,
      username,
      warrantNumber: warrant,
      password: PASSWORD,
    }),
  });
  expect(res.status).toBe(202);
  const token = /\/verify-email\/\?token=([A-Za-z0-9_%-]+)/.exec(
    readMailTo(site.dataDir, email).at(-1) ?? '',
  )![1];
  await fetch(`${site.url}/api/verify-email`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ token: decodeURIComponent(token) }),
  });
  await runMembersCli(site, 'confirm', username);
}

async function logIn(page: Page, username: string, next = '/members/'): Promise<void> {
  await page.goto(`${site.url}/login/?next=${encodeURIComponent(next)}`);
  await page.fill('#login-username', username);
  await page.fill('#login-password', PASSWORD);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login/'),
    page.click('#login button[type="submit"]'),
  ]);
}

async function logOut(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL(`${site.url}/`),
    page.click('.member-bar__logout button[type="submit"]'),
  ]);
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

describe('two-factor sign-in in Chromium', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await createMember('robin_hale', 'robin@example.org', '730001');
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it('sets up TOTP from the QR page, then signs in with a code and with a recovery code', async () => {
    await logIn(page, 'robin_hale');
    expect(new URL(page.url()).pathname).toBe('/members/');
    await page.goto(`${site.url}/two-factor/setup/`);
    expect(await page.isVisible('.totp-qr svg')).toBe(true);
    await expectAxeClean(page);
    const { app, recoveryCodes } = await completeTotpSetup(page);
    expect(recoveryCodes).toHaveLength(10);
    await expectAxeClean(page);
    await Promise.all([page.waitForURL(/\/members\/$/), page.click('text=I have saved my codes')]);

    await logOut(page);
    await logIn(page, 'robin_hale', '/members/account/');
    expect(new URL(page.url()).pathname).toBe('/two-factor/');
    await expectAxeClean(page);
    // Half signed in: the members area sends the browser back to the second step.
    await page.goto(`${site.url}/members/`);
    expect(new URL(page.url()).pathname).toBe('/two-factor/');
    await page.fill('#two-factor-code-code', await app.nextCode());
    await Promise.all([
      page.waitForURL(/\/members\/$/),
      page.click('#two-factor-code button[type="submit"]'),
    ]);

    await logOut(page);
    await logIn(page, 'robin_hale', '/members/account/');
    await page.fill('#two-factor-recovery-recoveryCode', recoveryCodes[0]);
    await Promise.all([
      page.waitForURL(/\/members\/account\/$/),
      page.click('#two-factor-recovery button[type="submit"]'),
    ]);
    expect(await page.textContent('main')).toMatch(/You have 9 unused\s+recovery codes/);
    await expectAxeClean(page);

    // The same recovery code does not work twice.
    await logOut(page);
    await logIn(page, 'robin_hale');
    await page.fill('#two-factor-recovery-recoveryCode', recoveryCodes[0]);
    await page.click('#two-factor-recovery button[type="submit"]');
    await page.waitForSelector('#two-factor-recovery .field__error');
    expect(new URL(page.url()).pathname).toBe('/two-factor/');
  });

  it('signs out exactly the other device chosen from the account page', async () => {
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await createMember('sam_devices', 'sam@example.org', '730002');
    await logIn(otherPage, 'sam_devices');
    const mine = await browser.newContext();
    const minePage = await mine.newPage();
    await logIn(minePage, 'sam_devices');
    await minePage.goto(`${site.url}/members/account/`);
    expect(await minePage.locator('.session').count()).toBe(2);
    await expectAxeClean(minePage);
    await Promise.all([
      minePage.waitForURL(/\/members\/account\/$/),
      minePage.click('.session button:has-text("Sign out this device")'),
    ]);
    expect(await minePage.locator('.session').count()).toBe(1);
    await otherPage.goto(`${site.url}/members/`);
    expect(new URL(otherPage.url()).pathname).toBe('/login/');
    await minePage.goto(`${site.url}/members/`);
    expect(new URL(minePage.url()).pathname).toBe('/members/');
    await other.close();
    await mine.close();
  });
});

describe('passkeys in Chromium (virtual authenticator)', () => {
  it('adds a passkey from the account page and signs in with it alone', async () => {
    await createMember('kim_passkey', 'kim@example.org', '730003');
    const context = await browser.newContext();
    const page = await context.newPage();
    await addVirtualAuthenticator(context, page);
    await logIn(page, 'kim_passkey');
    await page.goto(`${site.url}/members/account/`);
    await page.fill('#add-passkey-name', 'Test laptop');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/passkeys/register')),
      page.click('#add-passkey button[type="submit"]'),
    ]);
    await page.waitForSelector('.passkey:has-text("Test laptop")');
    await expectAxeClean(page);
    expect(
      readMailTo(site.dataDir, 'kim@example.org').some((m) =>
        m.includes('A passkey named "Test laptop" was added'),
      ),
    ).toBe(true);

    await logOut(page);
    await page.goto(`${site.url}/login/?next=%2Fmembers%2Faccount%2F`);
    await Promise.all([
      page.waitForURL(/\/members\/account\/$/),
      page.click('button[data-passkey-sign-in]'),
    ]);
    expect(await page.textContent('main')).toContain('Test laptop');
    await context.close();
  });
});
