import { describe, expect, it } from 'vitest';
import { call, countRows, createAccount, logIn, type CallOptions } from './support.ts';

type Handler = Parameters<typeof call>[0];

/** Every function and the paths it answers. */
const TARGETS: { name: string; handler: Handler; paths: string[] }[] = [];
for (const [name, paths] of [
  ['register', ['/api/register']],
  ['login', ['/api/login']],
  ['logout', ['/api/logout']],
  ['session', ['/api/session']],
  ['verify-email', ['/api/verify-email', '/verify-email/']],
  ['password-forgot', ['/api/password/forgot']],
  ['password-reset', ['/api/password/reset', '/reset-password/']],
  ['account-password', ['/api/account/password']],
  ['account-email', ['/api/account/email']],
  ['account-export', ['/api/account/export']],
  ['account-delete', ['/api/account/delete']],
  ['members', ['/members/', '/members/news/pay-talks/', '/staff/']],
  ['newsletter-subscribe', ['/api/newsletter/subscribe']],
  ['newsletter-confirm', ['/api/newsletter/confirm', '/newsletter/confirm/']],
  [
    'newsletter-unsubscribe',
    [
      '/api/newsletter/unsubscribe',
      '/api/newsletter/unsubscribe?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      '/newsletter/unsubscribe/',
    ],
  ],
  ['account-newsletter', ['/api/account/newsletter']],
] as const) {
  const handler = ((await import(`../../functions/${name}.ts`)) as { default: Handler }).default;
  TARGETS.push({ name, handler, paths: [...paths] });
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return { next, pick };
}

const JUNK_TEXT = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\u202Eevil',
  'ゼロ幅\u200B',
  '😀'.repeat(300),
  '%',
  '%zz',
  '"><script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  'P123456',
  '١٢٣٤٥٦',
  'a'.repeat(5000),
];

const FIELD_NAMES = [
  'firstName',
  'surname',
  'email',
  'username',
  'warrantNumber',
  'password',
  'token',
  'next',
  'currentPassword',
  'newPassword',
  '__proto__',
  'constructor',
  'isAdmin',
  'role',
  '',
];

/**
 * A request no function may act on: broken or oversized bodies, wrong types,
 * unknown or repeated fields, wrong methods and content types, cross-site
 * posts, or fields that fail validation (an empty password, a malformed token
 * or email), so nothing reaches a write.
 */
function malformedRequest(rng: ReturnType<typeof random>, cookies: string[]): CallOptions {
  const method = rng.pick([
    'POST',
    'POST',
    'POST',
    'GET',
    'HEAD',
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
  ]);
  const headers: Record<string, string> = {};
  const fetchSite = rng.pick([
    'same-origin',
    'same-origin',
    'same-origin',
    'cross-site',
    'same-site',
    'none',
    null,
  ]);
  if (fetchSite) headers['sec-fetch-site'] = fetchSite;
  if (rng.next() < 0.3)
    headers.origin = rng.pick(['http://site.test', 'https://evil.example', 'null', 'garbage']);
  if (rng.next() < 0.3)
    headers.referer = rng.pick(['http://site.test/login/?next=//evil.example', 'not a url', '']);
  const options: CallOptions = {
    method,
    headers,
    noFetchMetadata: fetchSite === null,
    json: rng.next() < 0.5,
    cookie: rng.pick(cookies),
    ip: rng.pick(['203.0.113.200', '2001:db8::1', '']),
  };
  if (method === 'GET' || method === 'HEAD') return options;
  const kind = rng.pick([
    'broken-json',
    'json-not-object',
    'wrong-types',
    'unknown-field',
    'repeated',
    'huge',
    'bad-utf8',
    'wrong-type',
    'invalid-values',
    'empty',
  ]);
  switch (kind) {
    case 'broken-json':
      return {
        ...options,
        body: rng.pick(['{', '{"email":', '{"a":1,}', '\u0000', 'nul', '{"password":"x"']),
        type: 'application/json',
      };
    case 'json-not-object':
      return {
        ...options,
        body: rng.pick(['[]', '[{"email":"a"}]', 'null', '42', '"text"', 'true']),
        type: 'application/json',
      };
    case 'wrong-types': {
      const name = rng.pick(FIELD_NAMES.slice(0, 10));
      const value = rng.pick([1, null, true, ['a'], { nested: 'x' }, 1e308]);
      return { ...options, body: JSON.stringify({ [name]: value }), type: 'application/json' };
    }
    case 'unknown-field':
      return {
        ...options,
        body: `${encodeURIComponent(rng.pick(['isAdmin', 'role', 'status', '__proto__', 'x']))}=1&password=`,
      };
    case 'repeated':
      return { ...options, body: 'email=a%40b.org&email=c%40d.org&password=&token=&token=' };
    case 'huge':
      return { ...options, body: 'password=' + rng.pick(['a', '😀', '%00']).repeat(70_000) };
    case 'bad-utf8':
      return { ...options, body: new Uint8Array([0x70, 0x3d, 0xc3, 0x28, 0xff, 0xfe]) };
    case 'wrong-type':
      return {
        ...options,
        body: 'email=a',
        type: rng.pick([
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/xml',
          'garbage',
          null,
          'application/json; charset=utf-16',
        ]),
      };
    case 'invalid-values': {
      // Known fields, always failing validation: no password, a token of the wrong shape, an email with no @.
      const fields: Record<string, string> = {
        firstName: rng.pick(JUNK_TEXT),
        surname: rng.pick(JUNK_TEXT),
        email: rng.pick(JUNK_TEXT).replace(/@/g, ''),
        username: rng.pick(JUNK_TEXT),
        warrantNumber: rng.pick(JUNK_TEXT),
        password: '',
        token: rng.pick(JUNK_TEXT),
        currentPassword: '',
        newPassword: rng.pick(JUNK_TEXT),
        next: rng.pick(JUNK_TEXT),
      };
      const chosen = Object.fromEntries(Object.entries(fields).filter(() => rng.next() < 0.6));
      return rng.next() < 0.5
        ? { ...options, body: chosen }
        : { ...options, body: new URLSearchParams(chosen).toString() };
    }
    default:
      return {
        ...options,
        body: rng.pick(['', '{}', '=', '&&&', '%']),
        type: rng.pick(['application/json', 'application/x-www-form-urlencoded']),
      };
  }
}

describe('functions under malformed input', () => {
  it('answer 1,200 generated bad requests with 4xx or a redirect, never 5xx, writing nothing', async () => {
    const account = await createAccount('confirmed');
    const live = await logIn(account.username, account.password);
    const cookies = [
      '',
      live,
      'session=',
      'session=abc',
      'session=%E0%A4%A',
      `session=${'a'.repeat(26)}.${'b'.repeat(43)}`,
      'session=x; session=y',
      '__Host-session=zzz',
      '=;;=',
      'a'.repeat(4000),
    ];
    const before = await countRows();
    const rng = random(20240611);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1200; i += 1) {
      const target = rng.pick(TARGETS);
      const options = { ...malformedRequest(rng, cookies), path: rng.pick(target.paths) };
      if (target.name === 'members' && rng.next() < 0.5) {
        options.path = rng.pick([
          '/members/%2e%2e/',
          '/members/..%2f',
          '/members//x/',
          '/staff/%00/',
          '/members/a b/',
          '/members/😀/',
        ]);
      }
      const res = await call(target.handler, options);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        failures.push(`#${i} ${target.name} ${options.method} ${options.path} → ${res.status}`);
      await res.arrayBuffer();
    }
    expect(failures).toEqual([]);
    expect(await countRows()).toEqual(before);
    // The mix really exercised the refusals.
    for (const status of [400, 403, 405, 413, 415, 422])
      expect(statuses.get(status) ?? 0, String(status)).toBeGreaterThan(0);
  });
});
