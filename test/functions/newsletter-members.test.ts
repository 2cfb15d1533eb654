import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  call,
  createAccount,
  form,
  logIn,
  logInWithTwoFactor,
  mailTo,
  tokenFromMail,
} from './support.ts';
import { getDb } from '../../src/server/store/db.ts';
import { ARTICLE_INDEX_FILE, articleBodyFile } from '../../src/server/newsletter/articles.ts';
import { NEWSLETTER_STATUS_MARKER } from '../../src/server/http/newsletter-status.ts';
import { listAudit } from '../../src/server/audit.ts';

// The built account page carries the newsletter marker; the build lists two articles.
const sealed = process.env.SEALED_DIR!;
writeFileSync(
  path.join(sealed, 'members/account/index.html'),
  `<!doctype html><html lang="en"><head><title>Your account</title></head><body><header><!--member-bar--></header><main id="main">${NEWSLETTER_STATUS_MARKER}</main></body></html>`,
);
mkdirSync(path.join(sealed, 'members/newsletter-articles'), { recursive: true });
const listing = (slug: string, title: string, membersOnly = false) => ({
  slug,
  title,
  summary: `Summary of ${title}`,
  date: '2026-11-30',
  path: `/news/${slug}/`,
  membersOnly,
  newsletter: false,
  imagePath: null,
  imageAlt: null,
});
writeFileSync(
  path.join(sealed, ARTICLE_INDEX_FILE),
  JSON.stringify({
    articles: [listing('pay-talks', 'Pay talks resume'), listing('welfare', 'Welfare fund', true)],
  }),
);
for (const slug of ['pay-talks', 'welfare'])
  writeFileSync(
    path.join(sealed, articleBodyFile(slug)),
    JSON.stringify({ bodyHtml: `<p>Body of ${slug}.</p>` }),
  );

const accountNewsletter = (await import('../../functions/account-newsletter.ts')).default;
const members = (await import('../../functions/members.ts')).default;
const exportData = (await import('../../functions/account-export.ts')).default;
const deleteAccount = (await import('../../functions/account-delete.ts')).default;
const changeEmail = (await import('../../functions/account-email.ts')).default;
const verify = (await import('../../functions/verify-email.ts')).default;
const staffNewsletter = (await import('../../functions/staff-newsletter.ts')).default;

async function subscription(userId: string) {
  return getDb()
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

async function switchNewsletter(cookie: string, value: string) {
  return call(accountNewsletter, {
    path: '/api/account/newsletter',
    cookie,
    body: form({ newsletter: value }),
  });
}

describe("a member's newsletter", () => {
  it('switches on and off from the account page, which shows the current choice', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const page = () => call(members, { method: 'GET', path: '/members/account/', cookie });
    expect(await (await page()).text()).toContain('The newsletter is <strong>off</strong>.');
    const on = await switchNewsletter(cookie, 'on');
    expect(on.status).toBe(303);
    expect(on.headers.get('location')).toBe('/members/account/#newsletter-heading');
    expect(await subscription(account.id)).toMatchObject({
      status: 'subscribed',
      email: account.email,
      consent_source: 'account',
    });
    expect(await (await page()).text()).toContain(
      `The newsletter is <strong>on</strong>: we email it to <strong>${account.email}</strong>.`,
    );
    await switchNewsletter(cookie, 'off');
    expect((await subscription(account.id))?.status).toBe('unsubscribed');
    const bad = await call(accountNewsletter, {
      path: '/api/account/newsletter',
      cookie,
      body: form({ newsletter: 'maybe' }),
      json: true,
    });
    expect(bad.status).toBe(422);
  });

  it('takes over a subscription the member made from the public form with the same address', async () => {
    const account = await createAccount('confirmed');
    const subscribe = (await import('../../functions/newsletter-subscribe.ts')).default;
    await call(subscribe, {
      path: '/api/newsletter/subscribe',
      body: form({ email: account.email.toUpperCase(), name: '', source: '/' }),
      ip: '198.51.100.77',
    });
    const cookie = await logIn(account.username, account.password);
    await switchNewsletter(cookie, 'on');
    const rows = await getDb()
      .selectFrom('newsletter_subscribers')
      .selectAll()
      .where('email_lower', '=', account.email.toLowerCase())
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: account.id, status: 'subscribed' });
  });

  it('follows the account email when it changes', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    await switchNewsletter(cookie, 'on');
    const newEmail = `moved.${account.username}@example.net`;
    await call(changeEmail, {
      path: '/api/account/email',
      cookie,
      body: form({ email: newEmail, password: account.password }),
    });
    const token = tokenFromMail(newEmail, '/verify-email/');
    await call(verify, { path: '/api/verify-email', body: form({ token }) });
    expect(await subscription(account.id)).toMatchObject({
      email: newEmail,
      email_lower: newEmail.toLowerCase(),
      status: 'subscribed',
    });
  });

  it('goes with the data download and is erased with the account', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    await switchNewsletter(cookie, 'on');
    const res = await call(exportData, { path: '/api/account/export', cookie });
    const data = (await res.json()) as { newsletter: { consentGiven: string } };
    expect(data.newsletter).toMatchObject({
      email: account.email,
      status: 'subscribed',
      consentSource: 'account',
    });
    expect(data.newsletter.consentGiven).toMatch(/^\d{4}-\d\d-\d\dT/);
    const erased = await call(deleteAccount, {
      path: '/api/account/delete',
      cookie,
      body: form({ password: account.password }),
    });
    expect(erased.status).toBe(303);
    const left = await getDb()
      .selectFrom('newsletter_subscribers')
      .select('id')
      .where('email_lower', '=', account.email.toLowerCase())
      .execute();
    expect(left).toEqual([]);
  });
});

describe('the staff newsletter page', () => {
  it('is for staff only', async () => {
    const member = await createAccount('confirmed');
    const cookie = await logIn(member.username, member.password);
    expect(
      (await call(staffNewsletter, { method: 'GET', path: '/staff/newsletter/' })).status,
    ).toBe(403);
    const res = await call(staffNewsletter, { method: 'GET', path: '/staff/newsletter/', cookie });
    expect(res.status).toBe(403);
    const post = await call(staffNewsletter, {
      path: '/api/staff/newsletter',
      cookie,
      body: form({ action: 'send', slug: 'pay-talks', sendId: '' }),
    });
    expect(post.status).toBe(403);
  });

  it('tests, sends by hand once, cancels, and audits each action', async () => {
    const staff = await createAccount('confirmed', 'staff');
    const { cookie } = await logInWithTwoFactor(staff);
    const reader = await createAccount('confirmed');
    await switchNewsletter(await logIn(reader.username, reader.password), 'on');

    const page = await call(staffNewsletter, { method: 'GET', path: '/staff/newsletter/', cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<option value="pay-talks">Pay talks resume</option>');
    expect(html).toContain('Welfare fund [members-only]');
    expect(html).toMatch(/Subscribed: <span data-count="subscribed">\d+<\/span>/);

    const post = (fields: Record<string, string>) =>
      call(staffNewsletter, {
        path: '/api/staff/newsletter',
        cookie,
        body: form({ slug: '', sendId: '', ...fields }),
      });

    const test = await post({ action: 'test', slug: 'welfare' });
    expect(test.status).toBe(303);
    const [testMail] = mailTo(staff.email);
    expect(testMail).toContain('Subject: [Test] Welfare fund');
    expect(testMail).toContain('Body of welfare.');
    expect(testMail).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);

    expect((await post({ action: 'send', slug: 'pay-talks' })).status).toBe(303);
    const again = await post({ action: 'send', slug: 'pay-talks' });
    const flash = again.headers.getSetCookie().find((c) => c.startsWith('staff_flash='))!;
    const text = Buffer.from(flash.split(';')[0].split('=')[1], 'base64url').toString();
    expect(text).toContain('never sent twice');
    const sends = await getDb().selectFrom('newsletter_sends').selectAll().execute();
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({
      article_slug: 'pay-talks',
      source: 'staff',
      status: 'queued',
    });

    expect((await post({ action: 'cancel', sendId: sends[0].id })).status).toBe(303);
    const after = await getDb()
      .selectFrom('newsletter_deliveries')
      .select('status')
      .where('send_id', '=', sends[0].id)
      .execute();
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((d) => d.status === 'cancelled')).toBe(true);

    const unknown = await post({ action: 'send', slug: '../../etc/passwd' });
    expect(unknown.status).toBe(303);
    const wrong = await post({ action: 'explode' });
    expect(wrong.status).toBe(400);

    const actions = (await listAudit({ limit: 20 }))
      .filter((e) => e.actor === staff.username)
      .map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['newsletter.test', 'newsletter.queue', 'newsletter.cancel']),
    );
    const listed = await (
      await call(staffNewsletter, { method: 'GET', path: '/api/staff/newsletter', cookie })
    ).text();
    expect(listed).toContain('Pay talks resume');
    expect(listed).toMatch(/<span data-send-status>cancelled<\/span>/);
  });
});

describe('sending by hand with nobody subscribed', () => {
  it('queues nothing, so the article is not spent on an empty list', async () => {
    await getDb().deleteFrom('newsletter_deliveries').execute();
    await getDb().deleteFrom('newsletter_sends').execute();
    await getDb().deleteFrom('newsletter_articles').execute();
    await getDb().deleteFrom('newsletter_subscribers').execute();
    const staff = await createAccount('confirmed', 'staff');
    const { cookie } = await logInWithTwoFactor(staff);
    const res = await call(staffNewsletter, {
      path: '/api/staff/newsletter',
      cookie,
      body: form({ action: 'send', slug: 'welfare', sendId: '' }),
    });
    expect(res.status).toBe(303);
    expect(await getDb().selectFrom('newsletter_articles').selectAll().execute()).toEqual([]);
  });
});
