import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_TOTP_KEY, DEV_WARRANT_KEY, readConfig } from '../../src/server/config.ts';

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
    expect(readConfig({ NODE_ENV: 'production', WARRANT_KEY: key, TOTP_KEY: key }).warrantKey).toBe(
      key,
    );
    expect(() => readConfig({ WARRANT_KEY: 'short' })).toThrow(/at least 32 characters/);
  });
  it('refuses a missing, development or short TOTP key in production, naming TOTP_KEY', () => {
    const warrant = { NODE_ENV: 'production', WARRANT_KEY: 'w'.repeat(40) };
    expect(() => readConfig(warrant)).toThrow(/TOTP_KEY must be set/);
    expect(() => readConfig({ ...warrant, TOTP_KEY: DEV_TOTP_KEY })).toThrow(
      /TOTP_KEY.*development key is refused/,
    );
    expect(() => readConfig({ TOTP_KEY: 'short' })).toThrow(/TOTP_KEY must be at least 32/);
    const config = readConfig({ ...warrant, TOTP_KEY: 't'.repeat(40) });
    expect(config).toMatchObject({ totpKey: 't'.repeat(40), usingDevTotpKey: false });
    expect(readConfig({}).usingDevTotpKey).toBe(true);
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
});
