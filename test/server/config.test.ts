import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_STORE_LIMITS,
  DEV_TOTP_KEY,
  DEV_WARRANT_KEY,
  readConfig,
} from '../../src/server/config.ts';

describe('server configuration', () => {
  it('has working defaults for a fresh checkout', () => {
    const config = readConfig({});
    expect(config.dataDir).toBe(path.resolve(import.meta.dirname, '../../.data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.siteUrl).toBe('http://localhost:8888');
    expect(config.confirmPolicy).toBe('review');
    expect(config.warrantKey).toBe(DEV_WARRANT_KEY);
    expect(config.usingDevWarrantKey).toBe(true);
    expect(config.smtpUrl).toBeUndefined();
  });
  it('defaults the site URL to the local server on PORT, so its links and origin check match', () => {
    expect(readConfig({ PORT: '18870' }).siteUrl).toBe('http://localhost:18870');
    expect(readConfig({ PORT: 'not-a-port' }).siteUrl).toBe('http://localhost:8888');
    expect(readConfig({ PORT: '18870', SITE_URL: 'http://127.0.0.1:9999' }).siteUrl).toBe(
      'http://127.0.0.1:9999',
    );
  });

  it('takes the federation name from FEDERATION_NAME and ignores Netlify’s own SITE_NAME', () => {
    // Netlify sets SITE_NAME to the site's slug at build and run time.
    for (const netlify of [{ NETLIFY: 'true' }, { SITE_ID: 'a1b2c3' }])
      expect(readConfig({ ...netlify, SITE_NAME: 'met-fed-prod' }).siteName).toBe(
        'Metropolitan Police Federation',
      );
    // Off Netlify, SITE_NAME still names the federation.
    expect(readConfig({ SITE_NAME: 'Kent Police Federation' }).siteName).toBe(
      'Kent Police Federation',
    );
    expect(
      readConfig({ SITE_NAME: 'met-fed-prod', FEDERATION_NAME: ' West Mercia Police Federation ' })
        .siteName,
    ).toBe('West Mercia Police Federation');
    expect(readConfig({ FEDERATION_NAME: '   ' }).siteName).toBe('Metropolitan Police Federation');
  });
  /** Everything production needs, so each test can take one thing away. */
  const PRODUCTION = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://site@db.example.org/site',
    WARRANT_KEY: 'k'.repeat(40),
    TOTP_KEY: 't'.repeat(40),
    SMTP_URL: 'smtps://user:secret@smtp.example.org:465',
    SITE_URL: 'https://www.example.org',
  };

  it('runs in production when every required setting is there', () => {
    const config = readConfig(PRODUCTION);
    expect(config).toMatchObject({ production: true, siteUrl: 'https://www.example.org' });
    expect(config.warrantKey).toBe('k'.repeat(40));
    expect(
      readConfig({ ...PRODUCTION, NODE_ENV: undefined, CONTEXT: 'production' }).production,
    ).toBe(true);
  });

  it.each([
    [
      'DATABASE_URL',
      { DATABASE_URL: undefined },
      /DATABASE_URL is not set: set it to the postgres:\/\/ URL/,
    ],
    ['DATABASE_URL', { DATABASE_URL: '  ' }, /DATABASE_URL is not set/],
    [
      'WARRANT_KEY',
      { WARRANT_KEY: undefined },
      /WARRANT_KEY is not set: set it to a long random secret/,
    ],
    ['WARRANT_KEY', { WARRANT_KEY: DEV_WARRANT_KEY }, /WARRANT_KEY has its development value/],
    ['SMTP_URL', { SMTP_URL: undefined }, /SMTP_URL is not set: set it to the mail server/],
    ['SITE_URL', { SITE_URL: undefined }, /SITE_URL is not set \(nor Netlify’s URL\)/],
    ['SITE_URL', { SITE_URL: 'http://localhost:8888' }, /SITE_URL points at this machine/],
    ['SITE_URL', { SITE_URL: 'https://127.0.0.1' }, /SITE_URL points at this machine/],
    ['SITE_URL', { SITE_URL: 'https://members.localhost' }, /SITE_URL points at this machine/],
    ['SITE_URL', { SITE_URL: 'http://www.example.org' }, /SITE_URL is not https/],
  ])(
    'refuses production without a usable %s, naming it and what to set',
    (variable, change, message) => {
      for (const production of [
        { NODE_ENV: 'production' },
        { NODE_ENV: undefined, CONTEXT: 'production' },
      ]) {
        const env = { ...PRODUCTION, ...production, ...change };
        let error: unknown;
        try {
          readConfig(env);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).variables).toEqual([variable]);
        expect((error as Error).message).toMatch(message);
      }
    },
  );

  it('names every missing setting at once', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(
      expect.objectContaining({
        variables: ['DATABASE_URL', 'WARRANT_KEY', 'TOTP_KEY', 'SMTP_URL', 'SITE_URL'],
      }),
    );
  });
  it('refuses a missing, development or short TOTP key, naming TOTP_KEY', () => {
    const { TOTP_KEY: _unset, ...withoutTotp } = PRODUCTION;
    expect(() => readConfig(withoutTotp)).toThrow(
      expect.objectContaining({ variables: ['TOTP_KEY'] }),
    );
    expect(() => readConfig(withoutTotp)).toThrow(
      /TOTP_KEY is not set: set it to another long random secret/,
    );
    expect(() => readConfig({ ...PRODUCTION, TOTP_KEY: DEV_TOTP_KEY })).toThrow(
      /TOTP_KEY has its development value/,
    );
    expect(() => readConfig({ TOTP_KEY: 'short' })).toThrow(/TOTP_KEY must be at least 32/);
    expect(readConfig(PRODUCTION)).toMatchObject({
      totpKey: 't'.repeat(40),
      usingDevTotpKey: false,
    });
    expect(readConfig({}).usingDevTotpKey).toBe(true);
  });

  it('takes the site URL from Netlify when SITE_URL is unset: URL in production, DEPLOY_PRIME_URL elsewhere', () => {
    const netlify = {
      URL: 'https://federation.example',
      DEPLOY_PRIME_URL: 'https://deploy-preview-4--federation.netlify.app',
    };
    const { SITE_URL: _unset, ...withoutSiteUrl } = PRODUCTION;
    expect(readConfig({ ...withoutSiteUrl, ...netlify, CONTEXT: 'production' }).siteUrl).toBe(
      'https://federation.example',
    );
    expect(readConfig({ ...netlify, CONTEXT: 'deploy-preview' }).siteUrl).toBe(
      'https://deploy-preview-4--federation.netlify.app',
    );
    expect(readConfig({ ...netlify, SITE_URL: 'https://own.example' }).siteUrl).toBe(
      'https://own.example',
    );
  });

  it('accepts a long warrant key and refuses a short one', () => {
    expect(() => readConfig({ WARRANT_KEY: 'short' })).toThrow(/at least 32 characters/);
  });

  it('keeps data out of the code’s folder in production and in the project outside it', () => {
    expect(readConfig(PRODUCTION).dataDir.startsWith(os.tmpdir())).toBe(true);
    expect(readConfig({}).dataDir).toBe(path.resolve(import.meta.dirname, '../../.data'));
    expect(readConfig({ ...PRODUCTION, DATA_DIR: '/srv/data' }).dataDir).toBe('/srv/data');
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
