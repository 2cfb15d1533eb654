/**
 * In production, a missing or development setting makes every function refuse
 * to run: 503 and one log line naming the variable, never a 202 with a lost email.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, mailTo, newMemberDetails } from './support.ts';
import { setConfig } from '../../src/server/config.ts';

const members = (await import('../../functions/members.ts')).default;
const register = (await import('../../functions/register.ts')).default;
const login = (await import('../../functions/login.ts')).default;

describe('functions in production without the settings production needs', () => {
  const saved = { ...process.env };
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});

  beforeAll(() => {
    // Production with a database and a key, but no mail server and a site URL on this machine.
    process.env.NODE_ENV = 'production';
    process.env.DATABASE_URL = 'postgres://site@db.example.org/site';
    process.env.WARRANT_KEY = 'k'.repeat(40);
    delete process.env.SMTP_URL;
    setConfig(undefined);
  });
  afterAll(() => {
    process.env = saved;
    setConfig(undefined);
    errors.mockRestore();
  });

  it('answers registration 503 and sends nothing, rather than accepting it and losing the email', async () => {
    const details = newMemberDetails();
    const res = await call(register, { body: details, json: true });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    const body: unknown = await res.json();
    expect(body).toHaveProperty('ok', false);
    expect(body).toHaveProperty('error', expect.stringContaining('not available'));
    expect(mailTo(details.email)).toEqual([]);
  });

  it('answers every function and method 503, the anonymous members page included', async () => {
    const answers = await Promise.all([
      call(members, { method: 'GET', path: '/members/' }),
      call(members, { method: 'DELETE', path: '/members/' }),
      call(login, { body: { username: 'a', password: 'b' } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(await answers[0].text()).toContain('not available just now');
  });

  it('logs one line per process naming each variable and what to set', () => {
    const lines = errors.mock.calls
      .map((c) => c.join(' '))
      .filter((l) => l.includes('configuration refused'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SMTP_URL is not set: set it to the mail server/);
    expect(lines[0]).toMatch(/SITE_URL is not https \(http:\/\/site\.test\)/);
    expect(lines[0]).not.toMatch(/DATABASE_URL|WARRANT_KEY/);
  });
});
