import { parseAllHeaders, type Header, type MinimalHeader } from '@netlify/headers-parser';
import { parseAllRedirects } from '@netlify/redirect-parser';
import { existsSync } from 'node:fs';
import { z } from 'zod';

/** A `[[headers]]` or `_headers` rule as Netlify's parser returns it. */
export interface HeaderRule {
  for: string;
  forRegExp: RegExp;
  values: Record<string, string>;
}

/** A `[[redirects]]` or `_redirects` rule, compiled for matching. */
export interface RedirectRule {
  from: string;
  to: string;
  status: number;
  force: boolean;
  /** Query parameters the request must carry, mapped to the placeholder each one fills. */
  query: Record<string, string>;
  pattern: RegExp;
  names: string[];
}

/** What a redirect rule made of one request. */
export interface RedirectMatch {
  rule: RedirectRule;
  /** The target: a path with its query, or an absolute URL. */
  target: string;
  status: number;
  force: boolean;
  isRedirect: boolean;
  isExternal: boolean;
}

interface RuleSources {
  /** netlify.toml, when the site has one. */
  configPath?: string;
  /** The publish directory's `_headers` or `_redirects` file. */
  file: string;
}

function failOnErrors(kind: string, errors: readonly unknown[]): void {
  if (errors.length === 0) return;
  const messages = errors.map((e) => (e instanceof Error ? e.message : String(e)));
  throw new Error(`${kind} syntax errors:\n${messages.join('\n\n')}`);
}

function existing(configPath: string | undefined): string | undefined {
  return configPath && existsSync(configPath) ? configPath : undefined;
}

/** Reads header rules from netlify.toml and `_headers` with Netlify's own parser. */
export async function loadHeaderRules({ configPath, file }: RuleSources): Promise<HeaderRule[]> {
  const { headers, errors } = await parseAllHeaders({
    headersFiles: [file],
    netlifyConfigPath: existing(configPath),
    configHeaders: [],
    minimal: false,
  });
  failOnErrors('Headers', errors);
  // Without `minimal`, the parser compiles every rule's path (`forRegExp`).
  return headers.filter((rule: MinimalHeader | Header): rule is Header => 'forRegExp' in rule);
}

/**
 * The headers every matching rule gives a path. Later rules override earlier
 * ones for the same header name, as Netlify's `headersForPath` does.
 */
export function headersForPath(rules: HeaderRule[], pathname: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const rule of rules) {
    if (!rule.forRegExp.test(pathname)) continue;
    for (const [name, value] of Object.entries(rule.values)) result[name.toLowerCase()] = value;
  }
  return result;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Strips one trailing slash: Netlify matches `/a` and `/a/` to the same rule. */
function stripSlash(pathname: string): string {
  return pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
}

/** Compiles a rule's `from` path: `:name` takes one segment, a final `*` the rest (`:splat`). */
function compileFrom(from: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const segments = stripSlash(from)
    .split('/')
    .map((segment, index, all) => {
      if (segment === '*' && index === all.length - 1) {
        names.push('splat');
        return '__SPLAT__';
      }
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return escapeRegExp(segment);
    });
  // `/news/*` matches `/news` as well as everything below it.
  const source = segments.join('/').replace('/__SPLAT__', '(?:/(.*))?');
  return { pattern: new RegExp(`^${source}/?$`), names };
}

/** The fields of Netlify's parsed redirect this server uses (the parser types it `unknown`). */
const parsedRedirect = z.object({
  from: z.string(),
  path: z.string().optional(),
  host: z.string().optional(),
  to: z.string(),
  status: z.number().optional(),
  force: z.boolean(),
  query: z.record(z.string()).optional(),
  conditions: z.record(z.unknown()).optional(),
});

/**
 * Reads redirect rules from `_redirects` and netlify.toml (in Netlify's order:
 * the file's rules first) with Netlify's own parser. Rules with a host or with
 * role, country or language conditions cannot apply to a local request and are left out.
 */
export async function loadRedirectRules({
  configPath,
  file,
}: RuleSources): Promise<RedirectRule[]> {
  const { redirects, errors } = await parseAllRedirects({
    redirectsFiles: [file],
    netlifyConfigPath: existing(configPath),
    configRedirects: [],
    minimal: false,
  });
  failOnErrors('Redirects', errors);
  return redirects
    .map((rule) => parsedRedirect.parse(rule))
    .filter((r) => !r.host && Object.keys(r.conditions ?? {}).length === 0)
    .map((r) => ({
      from: r.path ?? r.from,
      to: r.to,
      status: r.status ?? 301,
      force: r.force,
      query: r.query ?? {},
      ...compileFrom(r.path ?? r.from),
    }));
}

function fillPlaceholders(to: string, values: Record<string, string>): string {
  return to.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => values[name] ?? whole);
}

function matchQuery(rule: RedirectRule, search: URLSearchParams): Record<string, string> | null {
  const values: Record<string, string> = {};
  for (const [key, placeholder] of Object.entries(rule.query)) {
    const value = search.get(key);
    if (value === null) return null;
    if (placeholder.startsWith(':')) values[placeholder.slice(1)] = value;
  }
  return values;
}

/** The first rule that matches the request URL, with its target filled in. */
export function matchRedirect(rules: RedirectRule[], url: URL): RedirectMatch | null {
  const pathname = safeDecode(url.pathname);
  if (pathname === null) return null;
  for (const rule of rules) {
    const found = rule.pattern.exec(pathname);
    if (!found) continue;
    const queryValues = matchQuery(rule, url.searchParams);
    if (!queryValues) continue;
    const values: Record<string, string> = { ...queryValues };
    rule.names.forEach((name, i) => (values[name] = found[i + 1] ?? ''));
    let target = fillPlaceholders(rule.to, values);
    // The request's query string is passed on unless the target sets its own.
    if (!target.includes('?') && url.search) target += url.search;
    const isExternal = /^https?:\/\//i.test(target);
    return {
      rule,
      target,
      status: rule.status,
      force: rule.force,
      isRedirect: rule.status >= 300 && rule.status < 400,
      isExternal,
    };
  }
  return null;
}

/** decodeURIComponent that answers null on malformed input instead of throwing. */
export function safeDecode(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}
