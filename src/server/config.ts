/**
 * The one place domain code reads the environment. Everything else receives a
 * `ServerConfig`, so tests can build one from a plain object.
 */
import path from 'node:path';

/** How a verified registration becomes a confirmed member. */
export type ConfirmPolicy = 'review' | 'auto';

/** Settings the server side needs, parsed and checked. */
export interface ServerConfig {
  /** Folder for the SQLite file and the mail outbox. */
  dataDir: string;
  /** `postgres://` URL; unset means SQLite in `dataDir/site.db`. */
  databaseUrl: string | undefined;
  /** Secret key for warrant-number HMACs. */
  warrantKey: string;
  /** True when the development warrant key is in use. */
  usingDevWarrantKey: boolean;
  /** Secret from which the key that encrypts TOTP keys at rest is derived. */
  totpKey: string;
  /** True when the development TOTP key is in use. */
  usingDevTotpKey: boolean;
  /** Mail server URL; unset means `.eml` files in `dataDir/mail/`. */
  smtpUrl: string | undefined;
  /** The site's origin, without a trailing slash. */
  siteUrl: string;
  /** Name of the association, used in emails and as a password context word. */
  siteName: string;
  /** `review` (staff confirm each member) or `auto` (roll matches are confirmed at once). */
  confirmPolicy: ConfirmPolicy;
  /** Domains besides police.uk and pnn whose addresses are refused as work email. */
  workEmailDomains: string[];
  /** Sender of the site's emails. */
  mailFrom: string;
  /** True when `NODE_ENV=production`. */
  production: boolean;
}

/** Key used only outside production, so a fresh checkout runs without setup. */
export const DEV_WARRANT_KEY = 'development-only-warrant-key-do-not-use-in-production';

/** TOTP encryption key used only outside production. */
export const DEV_TOTP_KEY = 'development-only-totp-key-do-not-use-in-production';

/** Thrown when the environment is unusable; the message says what to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function readConfirmPolicy(value: string | undefined): ConfirmPolicy {
  const policy = (value ?? '').trim().toLowerCase() || 'review';
  if (policy !== 'review' && policy !== 'auto') {
    throw new ConfigError(`CONFIRM_POLICY must be "review" or "auto", not "${value}".`);
  }
  return policy;
}

function readSiteUrl(value: string | undefined): string {
  const raw = (value ?? '').trim() || 'http://localhost:8888';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `SITE_URL must be an absolute URL such as https://example.org, not "${raw}".`,
    );
  }
  return url.origin;
}

function readWarrantKey(env: Env, production: boolean): { key: string; dev: boolean } {
  const key = env.WARRANT_KEY?.trim();
  if (key && key !== DEV_WARRANT_KEY) {
    if (key.length < 32) throw new ConfigError('WARRANT_KEY must be at least 32 characters long.');
    return { key, dev: false };
  }
  if (production) {
    throw new ConfigError(
      'WARRANT_KEY must be set to a long random secret when NODE_ENV=production; the development key is refused.',
    );
  }
  return { key: DEV_WARRANT_KEY, dev: true };
}

function readTotpKey(env: Env, production: boolean): { key: string; dev: boolean } {
  const key = env.TOTP_KEY?.trim();
  if (key && key !== DEV_TOTP_KEY) {
    if (key.length < 32) throw new ConfigError('TOTP_KEY must be at least 32 characters long.');
    return { key, dev: false };
  }
  if (production) {
    throw new ConfigError(
      'TOTP_KEY must be set to a long random secret when NODE_ENV=production; the development key is refused.',
    );
  }
  return { key: DEV_TOTP_KEY, dev: true };
}

/** Parses settings from an environment object (defaults to `process.env`). Throws `ConfigError`. */
export function readConfig(env: Env = process.env): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const warrant = readWarrantKey(env, production);
  const totp = readTotpKey(env, production);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL.');
  }
  const siteUrl = readSiteUrl(env.SITE_URL);
  return {
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    databaseUrl,
    warrantKey: warrant.key,
    usingDevWarrantKey: warrant.dev,
    totpKey: totp.key,
    usingDevTotpKey: totp.dev,
    smtpUrl: env.SMTP_URL?.trim() || undefined,
    siteUrl,
    siteName: env.SITE_NAME?.trim() || 'Metropolitan Police Federation',
    confirmPolicy: readConfirmPolicy(env.CONFIRM_POLICY),
    workEmailDomains: (env.WORK_EMAIL_DOMAINS ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
      .filter(Boolean),
    mailFrom: env.MAIL_FROM?.trim() || `no-reply@${new URL(siteUrl).hostname}`,
    production,
  };
}

let cached: ServerConfig | undefined;

/** The process-wide configuration, read once from `process.env`. */
export function getConfig(): ServerConfig {
  cached ??= readConfig();
  return cached;
}

/** Replaces the process-wide configuration (tests, CLI); `undefined` re-reads the environment. */
export function setConfig(config: ServerConfig | undefined): void {
  cached = config;
}
