import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { readMailTo } from './support/outbox';
import { expectAxeClean } from './support/page';
import { runMembersCli, startSite, type RunningSite } from './support/server';
import { completeTotpSetup } from './support/totp';
import { addVirtualAuthenticator } from './support/webauthn';

const HEADER = 'warrant_number,surname,status\n';

let site: RunningSite;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let staffPassword: string;

/** Every message in the outbox addressed to `to`. */
function mailTo(to: string): string[] {
  return readMailTo(site.dataDir, to);
}

/** Registers through the API and verifies the email from the emailed link, as a member would. */
async function registerAndVerify(details: Record<string, string>): Promise<void> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json',
    origin: site.url,
  };
  const res = await fetch(`${site.url}/api/register`, {
    method: 'POST',
    headers,
    body: JSON.stringify(details),
  });
  expect(res.status).toBe(202);
  const token = /\/verify-email\/\?token=([A-Za-z0-9_%-]+)/.exec(
    mailTo(details.email).at(-1) ?? '',
  )![1];
  const verified = await fetch(`${site.url}/api/verify-email`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ token: decodeURIComponent(token) }),
  });
  expect(verified.status).toBeLessThan(300);
}

/** Clicks something that submits a form and waits for the page it leads to. */
async function submitVia(selector: string): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await page.click(selector);
  await navigated;
  await page.waitForLoadState();
}

async function flash(): Promise<string> {
  return (await page.textContent('.staff-flash'))?.trim() ?? '';
}

async function upload(csv: string): Promise<void> {
  await page.setInputFiles('#roll-file', {
    name: 'roll.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await submitVia('.staff-upload button[type="submit"]');
}

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
  const created = await runMembersCli(
    site,
    'create-staff',
    'office.lead@example.org',
    'office_lead',
  );
  staffPassword = /Password \(shown once[^)]*\): (\S+)/.exec(created.stdout)![1]!;
  const password = 'marmalade kettle lighthouse';
  await registerAndVerify({
    firstName: 'Aisha',
    surname: 'Khan',
    email: 'aisha@example.org',
    username: 'akhan',
    warrantNumber: '710001',
    password,
  });
  await registerAndVerify({
    firstName: 'Tom',
    surname: 'Doyle',
    email: 'tom@example.org',
    username: 'tdoyle',
    warrantNumber: '710002',
    password,
  });
  await registerAndVerify({
    firstName: 'Lin',
    surname: 'Ng',
    email: 'lin@example.org',
    username: 'lng',
    warrantNumber: '719999',
    password,
  });
  context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.stop();
});

describe('the staff console in Chromium', () => {
  it('lets staff sign in and reach the console, and keeps members out', async () => {
    await page.goto(`${site.url}/staff/`);
    expect(new URL(page.url()).pathname).toBe('/login/');
    await page.fill('#login-username', 'office_lead');
    await page.fill('#login-password', staffPassword);
    // Staff without a second factor are sent to set one up before the console opens.
    await Promise.all([
      page.waitForURL(/\/two-factor\/setup\//),
      page.click('#login button[type="submit"]'),
    ]);
    const { recoveryCodes } = await completeTotpSetup(page);
    expect(recoveryCodes).toHaveLength(10);
    await Promise.all([page.waitForURL(/\/staff\/$/), page.click('text=I have saved my codes')]);
    expect(await page.textContent('h1')).toBe('Staff console');
    await expectAxeClean(page);
    const anonymous = await fetch(`${site.url}/api/staff/review`);
    expect(anonymous.status).toBe(403);
  });

  it('names the bad line and changes nothing, then previews and applies the fixed roll', async () => {
    await page.goto(`${site.url}/api/staff/roll`);
    await expectAxeClean(page);
    // Signing in a moment ago counts as a recent password entry, so the upload form is offered.
    expect(await page.isVisible('#roll-file')).toBe(true);
    // A file over the limit is refused beside the field, and the form will not send it.
    await page.setInputFiles('#roll-file', {
      name: 'everyone.csv',
      mimeType: 'text/csv',
      buffer: Buffer.alloc(4 * 1024 * 1024 + 1, 'a'),
    });
    expect(await page.textContent('#roll-file-error')).toContain(
      'The file is too large to upload: the limit is 4 MiB.',
    );
    const sendable = () =>
      page.evaluate(() =>
        document.querySelector<HTMLFormElement>('.staff-upload')!.checkValidity(),
      );
    expect(await sendable()).toBe(false);
    await expectAxeClean(page);
    await upload(`${HEADER}710001,Khan,serving\n71002,Doyle,serving\n`);
    expect(await page.textContent('#roll-errors')).toContain('Line 3: warrant number');
    expect(await page.textContent('main')).toContain('No roll has been imported yet.');
    await expectAxeClean(page);

    await upload(`${HEADER}710001,Khan,serving\n710002,Doyle,serving\n710003,Price,retired\n`);
    expect(await page.textContent('#preview-title')).toBe('Preview: nothing has changed yet');
    expect(await page.textContent('#preview-counts')).toMatch(/Added to the roll\s*3/);
    await expectAxeClean(page);
    await submitVia('text=Apply this roll');
    expect(await flash()).toBe('Roll imported: 3 rows (3 added, 0 removed, 0 changed status).');
    expect(await page.textContent('main')).toMatch(/last imported .* by office_lead: 3 rows/);
  });

  it('confirms the roll-matched registrations at once and rejects one with a reason', async () => {
    await page.goto(`${site.url}/api/staff/review`);
    await expectAxeClean(page);
    await submitVia('text=Confirm all 2 roll-matched registrations');
    expect(await flash()).toMatch(/^Confirmed 2 roll-matched registrations\./);
    expect(await page.textContent('#queue-caption')).toMatch(/^1 registration waiting/);
    // On a phone the table scrolls inside its region; the page itself never scrolls sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
    await page.setViewportSize({ width: 1024, height: 768 });

    await page.click('summary:has-text("Reject")');
    // A reason naming a warrant number comes back in its open box, as typed, to correct.
    await page.fill('textarea[name="reason"]', 'Number 710009 is not on our roll');
    await submitVia('button:has-text("Reject Lin Ng")');
    expect(await page.title()).toMatch(/^Error: Review queue/);
    expect(await page.inputValue('textarea[name="reason"]')).toBe(
      'Number 710009 is not on our roll',
    );
    expect(await page.textContent('.staff-reject .field__error')).toContain(
      'Leave warrant numbers out of the reason',
    );
    await expectAxeClean(page);
    await page.fill('textarea[name="reason"]', 'Your warrant number is not on the federation roll');
    await submitVia('button:has-text("Reject Lin Ng")');
    expect(await flash()).toMatch(/Rejected Lin Ng \(lng\)/);
    expect(await page.textContent('main')).toContain('Nobody is waiting for review.');
    await expectAxeClean(page);
    const rejection = mailTo('lin@example.org').find((m) => m.includes('was not confirmed'));
    expect(rejection).toContain('Your warrant number is not on the federation roll');
    expect(mailTo('aisha@example.org').some((m) => m.includes('membership is confirmed'))).toBe(
      true,
    );
  });

  it('shows the actions in the audit log and filters them', async () => {
    await page.goto(`${site.url}/api/staff/audit`);
    const text = await page.textContent('#audit');
    for (const action of [
      'roll.import',
      'member.bulk-confirm',
      'member.confirm',
      'member.reject',
      'roll.preview',
    ]) {
      expect(text).toContain(action);
    }
    expect(text).not.toMatch(/71000[123]|719999/);
    await expectAxeClean(page);
    await page.selectOption('#audit-action', 'member.reject');
    await submitVia('.staff-search button[type="submit"]');
    const rows = await page.$$eval('#audit tbody tr', (trs) =>
      trs.map((tr) => tr.textContent ?? ''),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('office_lead');
    expect(rows[0]).toContain('member.reject');
  });
});

describe('staff whose second factor is a passkey (virtual authenticator)', () => {
  it('confirm an import with their password and passkey', async () => {
    const created = await runMembersCli(site, 'create-staff', 'keys.lead@example.org', 'keys_lead');
    const password = /Password \(shown once[^)]*\): (\S+)/.exec(created.stdout)![1];
    const keyContext = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const keyPage = await keyContext.newPage();
    await addVirtualAuthenticator(keyContext, keyPage);
    await keyPage.goto(`${site.url}/login/`);
    await keyPage.fill('#login-username', 'keys_lead');
    await keyPage.fill('#login-password', password);
    await Promise.all([
      keyPage.waitForURL(/\/two-factor\/setup\//),
      keyPage.click('#login button[type="submit"]'),
    ]);
    // The set-up page points staff who prefer a passkey to the account page.
    await keyPage.goto(`${site.url}/members/account/`);
    await keyPage.fill('#add-passkey-name', 'Office key');
    await Promise.all([
      keyPage.waitForResponse((r) => r.url().endsWith('/api/passkeys/register')),
      keyPage.click('#add-passkey button[type="submit"]'),
    ]);
    await keyPage.waitForSelector('.passkey:has-text("Office key")');

    // Fifteen minutes pass: signing in no longer counts as a recent password entry.
    const db = new Database(path.join(site.dataDir, 'site.db'));
    db.prepare(
      `UPDATE sessions SET created_at = created_at - ? WHERE user_id = (SELECT id FROM users WHERE username = ?)`,
    ).run(15 * 60_000, 'keys_lead');
    db.close();

    await keyPage.goto(`${site.url}/api/staff/roll`);
    expect(await keyPage.isVisible('#roll-file')).toBe(false);
    expect(await keyPage.$('input[name="code"]')).toBeNull();
    await expectAxeClean(keyPage);
    await keyPage.fill('#reauth-password', password);
    await Promise.all([
      keyPage.waitForURL(/\/api\/staff\/roll$/),
      keyPage.waitForEvent('framenavigated'),
      keyPage.click('button[data-passkey-reauth]'),
    ]);
    await keyPage.waitForSelector('#roll-file');
    expect(await keyPage.textContent('.staff-flash')).toContain('second factor confirmed');
    await keyContext.close();
  });
});
