import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { call, contextFor, form, mailTo, SITE, tokenFromMail } from './support.ts';
import { getDb } from '../../src/server/store/db.ts';
import { renderForm } from '../../src/server/http/forms/render.ts';
import {
  newsletterConfirmForm,
  newsletterForm,
  newsletterUnsubscribeForm,
} from '../../src/server/http/forms/definitions.ts';
import { getConfig } from '../../src/server/config.ts';
import { unsubscribeToken } from '../../src/server/newsletter/subscribers.ts';
import { toHtmlString } from '../../src/server/html/safe-html.ts';

for (const [file, title, f] of [
  ['newsletter', 'Subscribe', newsletterForm],
  ['newsletter/confirm', 'Confirm', newsletterConfirmForm],
  ['newsletter/unsubscribe', 'Unsubscribe', newsletterUnsubscribeForm],
] as const) {
  const target = path.join(process.env.SEALED_DIR!, '_forms', `${file}.html`);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(
    target,
    `<!doctype html><html lang="en"><head><title>${title}</title></head><body><main id="main"><h1>${title}</h1>${toHtmlString(renderForm(f))}</main></body></html>`,
  );
}

const subscribe = (await import('../../functions/newsletter-subscribe.ts')).default;
const confirm = (await import('../../functions/newsletter-confirm.ts')).default;
const unsubscribe = (await import('../../functions/newsletter-unsubscribe.ts')).default;

let serial = 0;
const address = () => `reader.${process.pid}.${++serial}@example.org`;
let ipSerial = 0;
const freshIp = () => `198.51.100.${(++ipSerial % 250) + 1}`;

async function statusOf(email: string): Promise<string | undefined> {
  const row = await getDb()
    .selectFrom('newsletter_subscribers')
    .select('status')
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst();
  return row?.status;
}

async function subscribeAndConfirm(email: string): Promise<string> {
  await call(subscribe, {
    path: '/api/newsletter/subscribe',
    body: form({ email, name: '', source: '/' }),
    ip: freshIp(),
  });
  const token = tokenFromMail(email, '/newsletter/confirm/');
  const res = await call(confirm, { path: '/api/newsletter/confirm', body: form({ token }) });
  expect(res.status).toBe(303);
  const row = await getDb()
    .selectFrom('newsletter_subscribers')
    .select('id')
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirstOrThrow();
  return unsubscribeToken(row.id, getConfig());
}

describe('POST /api/newsletter/subscribe', () => {
  it('answers 202 and emails a confirmation link; the address stays pending until it is used', async () => {
    const email = address();
    const res = await call(subscribe, {
      path: '/api/newsletter/subscribe',
      body: { email, name: 'Sam Reader', source: '/news/pay/' },
      json: true,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, next: '/newsletter/check-email/' });
    expect(await statusOf(email)).toBe('pending');
    const [message] = mailTo(email);
    expect(message).toMatch(/Hello Sam Reader/);
    expect(message).toMatch(/\/newsletter\/confirm\/\?token=/);
    const row = await getDb()
      .selectFrom('newsletter_subscribers')
      .selectAll()
      .where('email_lower', '=', email)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'Sam Reader',
      consent_source: 'form:/news/pay/',
      consent_at: null,
    });
  });

  it('gives a browser without JavaScript a 303 to the check-your-email page', async () => {
    const res = await call(subscribe, {
      path: '/api/newsletter/subscribe',
      body: form({ email: address(), name: '', source: '/' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/newsletter/check-email/');
  });

  it('answers a known subscriber exactly as a new address, and emails them nothing new', async () => {
    const known = address();
    await subscribeAndConfirm(known);
    const before = mailTo(known).length;
    const ask = (email: string) =>
      call(subscribe, {
        path: '/api/newsletter/subscribe',
        body: { email, name: '', source: '/' },
        json: true,
      });
    const [a, b] = [await ask(known), await ask(address())];
    expect(a.status).toBe(b.status);
    expect(await a.text()).toBe(await b.text());
    expect(mailTo(known)).toHaveLength(before);
    expect(await statusOf(known)).toBe('subscribed');
  });

  it('shows each wrong field beside it, in JSON and on the page without JavaScript, and stores nothing', async () => {
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ email: '' }, { email: 'Enter your email address' }],
      [
        { email: 'not-an-address' },
        { email: 'Enter an email address in the form name@example.com' },
      ],
      [
        { email: 'pc.jones@met.police.uk' },
        { email: 'Use a personal email: work email cannot receive our messages' },
      ],
      [{ email: address(), name: 'x'.repeat(101) }, { name: 'Names are at most 100 characters' }],
      [{ email: address(), name: 'a\u0007b' }, { name: 'Enter your name as plain text' }],
      // As at registration: bidi overrides, C1 controls and line separators are refused too.
      [{ email: address(), name: 'Zo\u202Elive' }, { name: 'Enter your name as plain text' }],
      [{ email: address(), name: 'Ann\u0085Lee' }, { name: 'Enter your name as plain text' }],
      [{ email: address(), name: 'Ann\u2028Lee' }, { name: 'Enter your name as plain text' }],
    ];
    for (const [fields, errors] of cases) {
      const body = { name: '', source: '/', ...fields };
      const res = await call(subscribe, { path: '/api/newsletter/subscribe', body, json: true });
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ ok: false, errors });
      if (fields.email) expect(await statusOf(fields.email)).toBeUndefined();
    }
    const page = await call(subscribe, {
      path: '/api/newsletter/subscribe',
      body: form({ email: 'nope', name: '', source: '/' }),
    });
    expect(page.status).toBe(422);
    const html = await page.text();
    expect(html).toMatch(/<title>Error: Subscribe<\/title>/);
    expect(html).toContain('id="newsletter-email-error"');
    expect(html).toContain('value="nope"');
  });

  it('limits each address to 3 emails in 10 minutes, known or not', async () => {
    const email = address();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await call(subscribe, {
        path: '/api/newsletter/subscribe',
        body: { email, name: '', source: '/' },
        json: true,
        ip: freshIp(),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    expect(mailTo(email)).toHaveLength(3);
  });

  it('limits each client IP with a token bucket', async () => {
    const ip = '192.0.2.200';
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) {
      const res = await call(subscribe, {
        path: '/api/newsletter/subscribe',
        body: { email: address(), name: '', source: '/' },
        json: true,
        ip,
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });
});

describe('confirming a subscription', () => {
  it('shows the link page with the token in a hidden field and no referrer, consuming nothing', async () => {
    const email = address();
    await call(subscribe, {
      path: '/api/newsletter/subscribe',
      body: form({ email, name: '', source: '/' }),
      ip: freshIp(),
    });
    const token = tokenFromMail(email, '/newsletter/confirm/');
    const res = await call(confirm, {
      method: 'GET',
      path: `/newsletter/confirm/?token=${token}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toContain(`value="${token}"`);
    expect(await statusOf(email)).toBe('pending');
  });

  it('subscribes on the button, once; the link used again says so, and does nothing once unsubscribed', async () => {
    const email = address();
    await call(subscribe, {
      path: '/api/newsletter/subscribe',
      body: form({ email, name: '', source: '/' }),
      ip: freshIp(),
    });
    const token = tokenFromMail(email, '/newsletter/confirm/');
    const [first, second] = await Promise.all([
      call(confirm, { path: '/api/newsletter/confirm', body: { token }, json: true }),
      call(confirm, { path: '/api/newsletter/confirm', body: { token }, json: true }),
    ]);
    // The second click finds the address subscribed: the person is told so, not that it failed.
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await statusOf(email)).toBe('subscribed');
    const consent = () =>
      getDb()
        .selectFrom('newsletter_subscribers')
        .select('consent_at')
        .where('email_lower', '=', email)
        .executeTakeFirstOrThrow();
    const row = await consent();
    expect(row.consent_at).not.toBeNull();
    // Once unsubscribed, the old link never subscribes the address again.
    await getDb()
      .updateTable('newsletter_subscribers')
      .set({ status: 'unsubscribed' })
      .where('email_lower', '=', email)
      .execute();
    const stale = await call(confirm, { path: '/api/newsletter/confirm', body: form({ token }) });
    expect(stale.status).toBe(422);
    expect(await stale.text()).toContain('This link has expired or has already been used');
    expect(await statusOf(email)).toBe('unsubscribed');
    expect((await consent()).consent_at).toBe(row.consent_at);
  });

  it('refuses an unknown or malformed token beside the button, with no referrer', async () => {
    for (const token of ['A'.repeat(43), 'short', '']) {
      const res = await call(confirm, { path: '/api/newsletter/confirm', body: form({ token }) });
      expect(res.status).toBe(422);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await res.text()).toContain('This link has expired or has already been used');
    }
  });
});

describe('unsubscribing', () => {
  it('takes RFC 8058 one-click POSTs with no session and no origin, as multipart or urlencoded', async () => {
    for (const encoding of ['multipart', 'urlencoded'] as const) {
      const email = address();
      const token = await subscribeAndConfirm(email);
      const body =
        encoding === 'multipart'
          ? (() => {
              const data = new FormData();
              data.set('List-Unsubscribe', 'One-Click');
              return data;
            })()
          : 'List-Unsubscribe=One-Click';
      // A mailbox provider's server: no cookies, no Origin, no Fetch Metadata.
      const res = await unsubscribe(
        new Request(`${SITE}/api/newsletter/unsubscribe?token=${token}`, {
          method: 'POST',
          body,
          ...(encoding === 'urlencoded'
            ? { headers: { 'content-type': 'application/x-www-form-urlencoded' } }
            : {}),
        }),
        contextFor(),
      );
      expect(res.status).toBe(200);
      expect(await statusOf(email)).toBe('unsubscribed');
    }
  });

  it('also accepts the one-click POST from another site, since the token is the authority', async () => {
    const email = address();
    const token = await subscribeAndConfirm(email);
    const res = await call(unsubscribe, {
      path: `/api/newsletter/unsubscribe?token=${token}`,
      body: 'List-Unsubscribe=One-Click',
      headers: { 'sec-fetch-site': 'cross-site', origin: 'https://mail.example.net' },
    });
    expect(res.status).toBe(200);
    expect(await statusOf(email)).toBe('unsubscribed');
  });

  it('refuses a one-click POST without List-Unsubscribe=One-Click and changes nothing', async () => {
    const email = address();
    const token = await subscribeAndConfirm(email);
    for (const [body, type] of [
      ['', 'application/x-www-form-urlencoded'],
      ['List-Unsubscribe=Yes', 'application/x-www-form-urlencoded'],
      ['{"List-Unsubscribe":"One-Click"}', 'application/json'],
      ['List-Unsubscribe=One-Click&extra=1', 'application/x-www-form-urlencoded'],
    ]) {
      const res = await call(unsubscribe, {
        path: `/api/newsletter/unsubscribe?token=${token}`,
        body: body,
        type: type,
        json: true,
      });
      expect([400, 415]).toContain(res.status);
    }
    expect(await statusOf(email)).toBe('subscribed');
  });

  it('shows the unsubscribe page with one button and no referrer, and unsubscribes from it', async () => {
    const email = address();
    const token = await subscribeAndConfirm(email);
    const page = await call(unsubscribe, {
      method: 'GET',
      path: `/newsletter/unsubscribe/?token=${token}`,
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain(`value="${token}"`);
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await statusOf(email)).toBe('subscribed');
    const res = await call(unsubscribe, {
      path: '/api/newsletter/unsubscribe',
      body: form({ token, 'List-Unsubscribe': 'One-Click' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await res.text()).toContain('You are unsubscribed');
    expect(await statusOf(email)).toBe('unsubscribed');
  });

  it('answers a malformed link with a 400 beside the button, never a 5xx', async () => {
    const res = await call(unsubscribe, {
      path: '/api/newsletter/unsubscribe?token=not-a-token',
      body: 'List-Unsubscribe=One-Click',
      json: true,
    });
    expect(res.status).toBe(400);
    const page = await call(unsubscribe, {
      method: 'GET',
      path: '/newsletter/unsubscribe/?token=%3Cscript%3E',
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('This unsubscribe link is not complete');
    expect(html).not.toContain('<script>');
  });

  it('guesses no token from an address that holds two, and unsubscribes nobody', async () => {
    const email = address();
    const token = await subscribeAndConfirm(email);
    const other = await subscribeAndConfirm(address());
    for (const query of [`token=${token}&token=${other}`, `token=${token}&token=${token}`]) {
      const res = await call(unsubscribe, {
        path: `/api/newsletter/unsubscribe?${query}`,
        body: 'List-Unsubscribe=One-Click',
        json: true,
      });
      expect(res.status).toBe(400);
      const page = await call(unsubscribe, {
        method: 'GET',
        path: `/newsletter/unsubscribe/?${query}`,
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('This unsubscribe link is not complete');
      expect(html).not.toContain(token);
    }
    expect(await statusOf(email)).toBe('subscribed');
  });
});

describe('the CSRF check', () => {
  const dir = path.resolve(import.meta.dirname, '../../functions');
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it('refuses a cross-site POST at every function path, except the one-click unsubscribe with a token', async () => {
    const checked: string[] = [];
    for (const file of modules) {
      const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
        default: unknown;
        config?: { path?: string | string[] };
      };
      if (typeof mod.default !== 'function' || !mod.config?.path) continue;
      const paths = ([] as string[]).concat(mod.config.path);
      for (const p of paths) {
        const concrete = p.replace(/\*/g, 'x').replace(/:(\w+)/g, 'x');
        const crossSite: Record<string, string>[] = [
          { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
          { origin: 'https://evil.example' },
          {},
        ];
        for (const cross of crossSite) {
          const res = await (mod.default as typeof subscribe)(
            new Request(SITE + concrete, {
              method: 'POST',
              headers: { ...cross, 'content-type': 'application/x-www-form-urlencoded' },
              body: 'List-Unsubscribe=One-Click',
            }),
            contextFor(),
          );
          // 405: the path takes no POST at all.
          expect([403, 405], `${file} ${concrete}`).toContain(res.status);
        }
        checked.push(concrete);
      }
    }
    expect(checked).toContain('/api/newsletter/unsubscribe');
    expect(checked).toContain('/api/newsletter/subscribe');
    expect(checked.length).toBeGreaterThan(20);
    // The exemption needs the token in the query and this exact path.
    const email = address();
    const token = await subscribeAndConfirm(email);
    for (const p of [
      `/newsletter/unsubscribe/?token=${token}`,
      `/api/newsletter/unsubscribe/?token=${token}`,
      `/api/newsletter/Unsubscribe?token=${token}`,
    ]) {
      const res = await unsubscribe(
        new Request(SITE + p, {
          method: 'POST',
          headers: {
            'sec-fetch-site': 'cross-site',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'List-Unsubscribe=One-Click',
        }),
        contextFor(),
      );
      expect(res.status, p).toBe(403);
    }
    expect(await statusOf(email)).toBe('subscribed');
  });
});
