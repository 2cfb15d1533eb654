import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_STORE_LIMITS,
  DEV_WARRANT_KEY,
  readConfig,
} from '../../src/server/config.ts';

describe('server configuration', () => {
  it('has working defaults for a fresh checkout', () => {
    const config = readConfig({});
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.siteUrl).toBe('http://localhost:8888');
    expect(config.confirmPolicy).toBe('review');
    expect(config.warrantKey).toBe(DEV_WARRANT_KEY);
    expect(config.usingDevWarrantKey).toBe(true);
    expect(config.smtpUrl).toBeUndefined();
  });
  it('refuses the development warrant key in production with a clear message', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/WARRANT_KEY must be set/);
    expect(() => readConfig({ NODE_ENV: 'production', WARRANT_KEY: DEV_WARRANT_KEY })).toThrow(
      /development key is refused/,
    );
  });
  it('accepts a long secret in production and refuses a short one', () => {
    const key = 'k'.repeat(40);
    expect(readConfig({ NODE_ENV: 'production', WARRANT_KEY: key }).warrantKey).toBe(key);
    expect(() => readConfig({ WARRANT_KEY: 'short' })).toThrow(/at least 32 characters/);
  });
  it('reads the store, mail, site and policy settings', () => {
    const config = readConfig({
      DATA_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://u@h/db',
      SMTP_URL: 'smtp://mail:25',
      SITE_URL: 'https://example.org/',
      CONFIRM_POLICY: 'auto',
      WORK_EMAIL_DOMAINS: ' Example.net, @corp.example ,',
    });
    expect(config).toMatchObject({
      dataDir: '/tmp/x',
      databaseUrl: 'postgres://u@h/db',
      smtpUrl: 'smtp://mail:25',
      siteUrl: 'https://example.org',
      confirmPolicy: 'auto',
      workEmailDomains: ['example.net', 'corp.example'],
    });
  });
  it('names the variable when a value is wrong', () => {
    expect(() => readConfig({ CONFIRM_POLICY: 'sometimes' })).toThrow(/CONFIRM_POLICY/);
    expect(() => readConfig({ SITE_URL: 'not a url' })).toThrow(/SITE_URL/);
    expect(() => readConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
  it('reads the store limits, with defaults of a few seconds and a small pool', () => {
    expect(readConfig({}).storeLimits).toEqual(DEFAULT_STORE_LIMITS);
    expect(
      readConfig({
        DATABASE_POOL_MAX: '5',
        DATABASE_CONNECT_TIMEOUT_MS: '2000',
        DATABASE_STATEMENT_TIMEOUT_MS: '8000',
        DATABASE_LOCK_TIMEOUT_MS: '1500',
      }).storeLimits,
    ).toEqual({
      poolMax: 5,
      connectTimeoutMs: 2000,
      statementTimeoutMs: 8000,
      lockTimeoutMs: 1500,
    });
  });
  it.each([
    ['DATABASE_POOL_MAX', '0'],
    ['DATABASE_POOL_MAX', 'ten'],
    ['DATABASE_CONNECT_TIMEOUT_MS', '-5'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '2.5'],
    ['DATABASE_LOCK_TIMEOUT_MS', '99999999'],
  ])('refuses %s=%s, naming the variable and the range', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(
      new RegExp(
        `${name} must be a whole number from \\d+ to \\d+, not "${value.replace('.', '\\.')}"`,
      ),
    );
  });
});
