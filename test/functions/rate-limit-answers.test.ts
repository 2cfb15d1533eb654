import { describe, expect, it } from 'vitest';
import { call, createAccount, form, logIn, newMemberDetails } from './support.ts';

const login = (await import('../../functions/login.ts')).default;
const register = (await import('../../functions/register.ts')).default;
const forgot = (await import('../../functions/password-forgot.ts')).default;
const reset = (await import('../../functions/password-reset.ts')).default;
const accountEmail = (await import('../../functions/account-email.ts')).default;

const UNIT_SECONDS = { second: 1, minute: 60, hour: 3600 } as const;

/**
 * Checks that a 429's sentence states the header's figure: "Wait N unit(s)"
 * where N is Retry-After in that unit, rounded up, and the unit is the largest
 * that fits (seconds under a minute, minutes under an hour).
 */
function expectWaitAgrees(res: Response, text: string): void {
  expect(res.status).toBe(429);
  const header = res.headers.get('retry-after') ?? '';
  expect(header).toMatch(/^[1-9]\d*$/);
  const seconds = Number(header);
  const match = /Wait (\d+) (second|minute|hour)(s?) and try again/.exec(text);
  expect(match, text).not.toBeNull();
  const [, count, unit, s] = match!;
  const expectedUnit = seconds < 60 ? 'second' : seconds < 3600 ? 'minute' : 'hour';
  expect(unit).toBe(expectedUnit);
  expect(Number(count)).toBe(Math.ceil(seconds / UNIT_SECONDS[expectedUnit]));
  expect(s).toBe(count === '1' ? '' : 's');
}

/** The refusal's sentence: the JSON form error, or the HTML page's text. */
async function sentenceOf(res: Response): Promise<string> {
  const body = await res.text();
  if ((res.headers.get('content-type') ?? '').includes('json'))
    return String((JSON.parse(body) as { errors?: { form?: string } }).errors?.form);
  return body.replace(/<[^>]+>/g, ' ');
}

/** Posts until the answer is 429 (at most `tries` times); returns it. */
async function postUntilRefused(send: (i: number) => Promise<Response>, tries = 60) {
  for (let i = 0; i < tries; i += 1) {
    const res = await send(i);
    if (res.status === 429) return res;
    await res.arrayBuffer();
  }
  throw new Error(`no 429 after ${tries} tries`);
}

describe('rate-limit answers say the wait that Retry-After gives', () => {
  for (const json of [true, false]) {
    const as = json ? 'JSON' : 'HTML';

    it(`after the per-IP sign-in limit (${as}): a wait in seconds`, async () => {
      const ip = json ? '192.0.2.41' : '192.0.2.42';
      const res = await postUntilRefused((i) =>
        call(login, {
          path: '/api/login',
          body: form({ username: `guess${i}`, password: 'not the password' }),
          ip,
          json,
        }),
      );
      expect(Number(res.headers.get('retry-after'))).toBeLessThan(60);
      expectWaitAgrees(res, await sentenceOf(res));
    });

    it(`after three emails to one address (${as}): a wait in minutes`, async () => {
      const details = newMemberDetails();
      const res = await postUntilRefused((i) =>
        call(register, { path: '/api/register', body: details, json, ip: `198.51.100.${i + 60}` }),
      );
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
      expectWaitAgrees(res, await sentenceOf(res));
    });

    it(`after too many reset requests for one address (${as})`, async () => {
      const email = `${json ? 'j' : 'h'}reset-limit@example.org`;
      const res = await postUntilRefused((i) =>
        call(forgot, {
          path: '/api/password/forgot',
          body: form({ email }),
          json,
          ip: `198.51.100.${i + 120}`,
        }),
      );
      expectWaitAgrees(res, await sentenceOf(res));
    });

    it(`after the per-IP form limit on new passwords (${as})`, async () => {
      const ip = json ? '192.0.2.51' : '192.0.2.52';
      const res = await postUntilRefused((i) =>
        call(reset, {
          path: '/api/password/reset',
          body: form({
            token: `A${String(i).padStart(42, 'x')}`,
            password: 'lantern-otter-quartz',
          }),
          json,
          ip,
        }),
      );
      expectWaitAgrees(res, await sentenceOf(res));
    });

    it(`after too many email-change requests (${as})`, async () => {
      const account = await createAccount('confirmed');
      const cookie = await logIn(account.username, account.password);
      const res = await postUntilRefused((i) =>
        call(accountEmail, {
          path: '/api/account/email',
          body: form({
            email: `new-${as}-${account.username}@example.org`,
            password: account.password,
          }),
          cookie,
          json,
          ip: `198.51.100.${i + 180}`,
        }),
      );
      expectWaitAgrees(res, await sentenceOf(res));
    });
  }
});
