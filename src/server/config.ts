/**
 * The one place domain code reads the environment. Everything else receives a
 * `ServerConfig`, so tests can build one from a plain object.
 */
import os from 'node:os';
import path from 'node:path';
import { findUpward, projectRoot } from './paths.ts';

/** How a verified registration becomes a confirmed member. */
export type ConfirmPolicy = 'review' | 'auto';

/**
 * Limits that keep a slow or lost database from holding requests. Every value
 * is in milliseconds except `poolMax`.
 */
export interface StoreLimits {
  /** Most PostgreSQL connections one process holds (`DATABASE_POOL_MAX`). */
  poolMax: number;
  /** Longest wait to open a connection, or to get one from a full pool (`DATABASE_CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs: number;
  /** Longest a statement may run: PostgreSQL `statement_timeout` (`DATABASE_STATEMENT_TIMEOUT_MS`). */
  statementTimeoutMs: number;
  /** Longest a statement waits for a lock: PostgreSQL `lock_timeout`, SQLite tries on a timer (`DATABASE_LOCK_TIMEOUT_MS`). */
  lockTimeoutMs: number;
}

/** The limits used when the environment names none. */
export const DEFAULT_STORE_LIMITS: StoreLimits = {
  poolMax: 3,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 5_000,
  lockTimeoutMs: 3_000,
};

/** Days an unverified registration is kept unless `UNVERIFIED_RETENTION_DAYS` says otherwise. */
export const DEFAULT_UNVERIFIED_RETENTION_DAYS = 30;

/** Settings the server side needs, parsed and checked. */
export interface ServerConfig {
  /** Folder for the SQLite file and the mail outbox. */
  dataDir: string;
  /** Folder of the built pages only functions serve (`SEALED_DIR`; default: `sealed/` beside the code). */
  sealedDir: string;
  /** `postgres://` URL; unset means SQLite in `dataDir/site.db`. */
  databaseUrl: string | undefined;
  /** Pool size and timeouts of the store. */
  storeLimits: StoreLimits;
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
  /** Name of the association (`FEDERATION_NAME`), used in emails and as a password context word. */
  siteName: string;
  /** `review` (staff confirm each member) or `auto` (roll matches are confirmed at once). */
  confirmPolicy: ConfirmPolicy;
  /** Domains besides police.uk and pnn whose addresses are refused as work email. */
  workEmailDomains: string[];
  /** Sender of the site's emails. */
  mailFrom: string;
  /** Days a registration whose email was never verified is kept (`UNVERIFIED_RETENTION_DAYS`). */
  unverifiedRetentionDays: number;
  /** True when `NODE_ENV=production` or Netlify's `CONTEXT=production`. */
  production: boolean;
}

/** Key used only outside production, so a fresh checkout runs without setup. */
export const DEV_WARRANT_KEY = 'development-only-warrant-key-do-not-use-in-production';

/** TOTP encryption key used only outside production. */
export const DEV_TOTP_KEY = 'development-only-totp-key-do-not-use-in-production';

/** Thrown when the environment is unusable; the message says what to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  constructor(
    message: string,
    /** The variables to set or correct. */
    readonly variables: string[] = [],
  ) {
    super(message);
  }
}

type Env = Record<string, string | undefined>;

/** True in production: `NODE_ENV=production`, or Netlify's production deploy context. */
export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production' || env.CONTEXT === 'production';
}

/**
 * The site's origin as configured: `SITE_URL`, else what Netlify provides
 * (`URL` in the production context, `DEPLOY_PRIME_URL` in others), with the
 * name of the variable it came from; `value` is undefined when none is set.
 */
export function siteUrlFrom(env: Env): { variable: string; value: string | undefined } {
  const own = env.SITE_URL?.trim();
  if (own) return { variable: 'SITE_URL', value: own };
  const prime = env.CONTEXT !== 'production' ? env.DEPLOY_PRIME_URL?.trim() : undefined;
  if (prime) return { variable: 'DEPLOY_PRIME_URL', value: prime };
  const url = env.URL?.trim();
  if (url) return { variable: 'URL', value: url };
  return { variable: 'SITE_URL', value: undefined };
}

/** One setting production cannot run without. */
export interface ProductionRequirement {
  /** The variable to set. */
  variable: string;
  /** What is wrong with the environment's value ("is not set" ...), or null when it will do. */
  problem(env: Env): string | null;
  /** What to set it to, for the operator. */
  remedy: string;
}

/** A variable that must be set, and not to its development value. */
function required(
  variable: string,
  remedy: string,
  isDevelopmentValue: (value: string) => boolean = () => false,
): ProductionRequirement {
  return {
    variable,
    remedy,
    problem(env) {
      const value = env[variable]?.trim();
      if (!value) return 'is not set';
      return isDevelopmentValue(value) ? 'has its development value' : null;
    },
  };
}

/** Loopback and `.localhost` hosts, and plain http, are how the site runs on a laptop. */
function siteUrlProblem(env: Env): string | null {
  const { value } = siteUrlFrom(env);
  if (!value) return 'is not set (nor Netlify’s URL)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null; // readSiteUrl names the malformed value.
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\./.test(host) ||
    host === '::1'
  ) {
    return `points at this machine (${url.origin})`;
  }
  if (url.protocol !== 'https:') return `is not https (${url.origin})`;
  return null;
}

/**
 * Every setting production refuses to start without, in the order they are
 * reported. Add a line here for a new secret; `readConfig` and the functions'
 * refusal (503 and one log line) follow.
 */
export const PRODUCTION_REQUIREMENTS: readonly ProductionRequirement[] = [
  required(
    'DATABASE_URL',
    'the postgres:// URL of the production database (a function’s disk does not last, so SQLite would lose every registration)',
  ),
  required(
    'WARRANT_KEY',
    'a long random secret, e.g. the output of `openssl rand -base64 48`, kept for good',
    (value) => value === DEV_WARRANT_KEY,
  ),
  required(
    'TOTP_KEY',
    'another long random secret (`openssl rand -base64 48`) that encrypts authenticator keys at rest, kept for good',
    (value) => value === DEV_TOTP_KEY,
  ),
  required(
    'SMTP_URL',
    'the mail server, e.g. smtps://user:password@smtp.example.org:465 (without it no email would be sent)',
  ),
  {
    variable: 'SITE_URL',
    problem: siteUrlProblem,
    remedy: 'the site’s public https:// origin, e.g. https://www.example.org',
  },
];

/** Throws a `ConfigError` naming every production requirement `env` does not meet. */
export function assertProductionReady(env: Env): void {
  const unmet = PRODUCTION_REQUIREMENTS.map((r) => ({ r, problem: r.problem(env) })).filter(
    (u) => u.problem !== null,
  );
  if (unmet.length === 0) return;
  const lines = unmet.map(({ r, problem }) => `${r.variable} ${problem}: set it to ${r.remedy}.`);
  throw new ConfigError(
    `Refusing to run in production (NODE_ENV=production or CONTEXT=production) until these are set: ${lines.join(' ')}`,
    unmet.map(({ r }) => r.variable),
  );
}

function readConfirmPolicy(value: string | undefined): ConfirmPolicy {
  const policy = (value ?? '').trim().toLowerCase() || 'review';
  if (policy !== 'review' && policy !== 'auto') {
    throw new ConfigError(`CONFIRM_POLICY must be "review" or "auto", not "${value}".`);
  }
  return policy;
}

/**
 * The local server's origin (scripts/serve.ts listens on PORT, default 8888): the
 * default site URL, so emailed links and the Origin check follow `PORT=… npm start`.
 */
function localServerUrl(env: Env): string {
  const port = Number(env.PORT);
  const valid = Number.isInteger(port) && port > 0 && port <= 65535;
  return `http://localhost:${valid ? port : 8888}`;
}

/** True when running on Netlify (a build or a function): Netlify sets NETLIFY or SITE_ID there. */
export function isOnNetlify(env: Env = process.env): boolean {
  return env.NETLIFY === 'true' || Boolean(env.SITE_ID);
}

/**
 * The federation's name: FEDERATION_NAME, or SITE_NAME off Netlify. On Netlify
 * (NETLIFY or SITE_ID set) SITE_NAME is the site's slug, set by Netlify itself.
 */
function readFederationName(env: Env): string {
  const siteName = isOnNetlify(env) ? undefined : env.SITE_NAME?.trim();
  return env.FEDERATION_NAME?.trim() || siteName || 'Metropolitan Police Federation';
}

function readSiteUrl(env: Env): string {
  const { variable, value } = siteUrlFrom(env);
  const raw = value ?? localServerUrl(env);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `${variable} must be an absolute URL such as https://example.org, not "${raw}".`,
      [variable],
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
      'WARRANT_KEY must be set to a long random secret in production; the development key is refused.',
      ['WARRANT_KEY'],
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
      'TOTP_KEY must be set to a long random secret in production; the development key is refused.',
      ['TOTP_KEY'],
    );
  }
  return { key: DEV_TOTP_KEY, dev: true };
}

function readWholeNumber(
  env: Env,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < range.min || value > range.max) {
    throw new ConfigError(
      `${name} must be a whole number from ${range.min} to ${range.max}, not "${raw}".`,
    );
  }
  return value;
}

function readStoreLimits(env: Env): StoreLimits {
  const d = DEFAULT_STORE_LIMITS;
  const ms = { min: 100, max: 600_000 };
  return {
    poolMax: readWholeNumber(env, 'DATABASE_POOL_MAX', d.poolMax, { min: 1, max: 100 }),
    connectTimeoutMs: readWholeNumber(env, 'DATABASE_CONNECT_TIMEOUT_MS', d.connectTimeoutMs, ms),
    statementTimeoutMs: readWholeNumber(
      env,
      'DATABASE_STATEMENT_TIMEOUT_MS',
      d.statementTimeoutMs,
      ms,
    ),
    lockTimeoutMs: readWholeNumber(env, 'DATABASE_LOCK_TIMEOUT_MS', d.lockTimeoutMs, ms),
  };
}

/**
 * Where the SQLite file and the mail outbox go when DATA_DIR is unset: `.data`
 * in the project outside production; in production (where neither is used, the
 * store being PostgreSQL and mail SMTP) the system's temporary folder, never a
 * folder beside the code, which is read-only in a deployed function.
 */
function defaultDataDir(production: boolean): string {
  if (production) return path.join(os.tmpdir(), 'federation-site-data');
  return path.join(projectRoot() ?? process.cwd(), '.data');
}

/**
 * The built sealed pages: `sealed/` in the project (run from source) or at the
 * bundle's root (netlify.toml `included_files`), found from the code.
 */
function defaultSealedDir(): string {
  return findUpward('sealed') ?? path.join(projectRoot() ?? process.cwd(), 'sealed');
}

/** Parses settings from an environment object (defaults to `process.env`). Throws `ConfigError`. */
export function readConfig(env: Env = process.env): ServerConfig {
  const production = isProduction(env);
  if (production) assertProductionReady(env);
  const warrant = readWarrantKey(env, production);
  const totp = readTotpKey(env, production);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// URL.');
  }
  const siteUrl = readSiteUrl(env);
  const dataDir = env.DATA_DIR?.trim();
  return {
    dataDir: dataDir ? path.resolve(dataDir) : defaultDataDir(production),
    sealedDir: env.SEALED_DIR?.trim() ? path.resolve(env.SEALED_DIR.trim()) : defaultSealedDir(),
    databaseUrl,
    storeLimits: readStoreLimits(env),
    warrantKey: warrant.key,
    usingDevWarrantKey: warrant.dev,
    totpKey: totp.key,
    usingDevTotpKey: totp.dev,
    smtpUrl: env.SMTP_URL?.trim() || undefined,
    siteUrl,
    siteName: readFederationName(env),
    confirmPolicy: readConfirmPolicy(env.CONFIRM_POLICY),
    workEmailDomains: (env.WORK_EMAIL_DOMAINS ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
      .filter(Boolean),
    mailFrom: env.MAIL_FROM?.trim() || `no-reply@${new URL(siteUrl).hostname}`,
    unverifiedRetentionDays: readWholeNumber(
      env,
      'UNVERIFIED_RETENTION_DAYS',
      DEFAULT_UNVERIFIED_RETENTION_DAYS,
      {
        min: 1,
        max: 3650,
      },
    ),
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
