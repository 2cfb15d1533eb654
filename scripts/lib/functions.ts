import type { Config, Context } from '@netlify/functions';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PlainGetHandler } from '../../src/server/http/plain-answer.ts';

/** A function's default export: Netlify Functions v2. */
export type FunctionHandler = (req: Request, context: Context) => Response | Promise<Response>;

/** One compiled entry of a function's `config.path` (URLPattern pathname syntax). */
interface Route {
  pattern: string;
  /** Set for paths without `:params` or `*`: compared as they are. */
  literal?: string;
  regexp?: RegExp;
}

/** A function module, imported once, with its routes. */
export interface SiteFunction {
  name: string;
  file: string;
  handler: FunctionHandler;
  routes: Route[];
  excluded: Route[];
  methods: string[];
  preferStatic: boolean;
  /** The module's GET without Web objects, when it has one (src/server/http/plain-answer.ts). */
  plainGet?: PlainGetHandler;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Group-name prefix for `*`, whose params Netlify names by position. */
const WILDCARD = '__wildcard';

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles a path the way Netlify's bundler does: a literal, or a URLPattern
 * whose `:name` takes one segment and whose `*` takes the rest (param "0", "1"...),
 * with an optional trailing slash. Other URLPattern syntax is refused by name.
 */
export function compileRoute(pattern: string): Route {
  if (!pattern.startsWith('/')) throw new Error(`path "${pattern}" must start with "/"`);
  if (/[{}()[\]+?]/.test(pattern)) {
    throw new Error(`path "${pattern}": only literal segments, :params and * are supported`);
  }
  if (!/[*:]/.test(pattern)) return { pattern, literal: pattern.toLowerCase() };
  let wildcard = 0;
  const source = pattern.replace(
    /:([A-Za-z_$][\w$]*)|\*|([^:*]+)/g,
    (_whole, name?: string, text?: string) => {
      if (name) return `(?<${name}>[^/]+?)`;
      if (text) return escapeRegExp(text);
      return `(?<${WILDCARD}${wildcard++}>.*)`;
    },
  );
  return { pattern, regexp: new RegExp(`^${source}\\/?$`, 'i') };
}

/**
 * Matches a path (trailing slash removed; `lowerPath` is it in lower case, made
 * once per request) against one route, giving its params.
 */
function matchRoute(
  route: Route,
  pathname: string,
  lowerPath: string,
): Record<string, string> | null {
  if (route.literal !== undefined) return lowerPath === route.literal ? {} : null;
  const found = route.regexp!.exec(pathname);
  if (!found) return null;
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(found.groups ?? {})) {
    params[key.startsWith(WILDCARD) ? key.slice(WILDCARD.length) : key] = value ?? '';
  }
  return params;
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** What a function file exports, as far as routing needs it. */
export interface FunctionModule {
  default?: unknown;
  config?: Config;
  plainGet?: unknown;
}

/** Imports a function file once; its exports, as far as routing and scheduling read them. */
export async function loadFunctionModule(file: string): Promise<FunctionModule> {
  const mod: unknown = await import(pathToFileURL(file).href);
  // A module namespace is an object; `config` is checked field by field where it is read.
  return typeof mod === 'object' && mod !== null ? mod : {};
}

/** A default export that is a function is taken as Netlify's `(req, context)` handler. */
export function isHandler(value: unknown): value is FunctionHandler {
  return typeof value === 'function';
}

/**
 * Imports every function module in `dir` once (the server runs under tsx, so
 * TypeScript loads as is) and compiles its `config.path`. A module without a
 * path or a default export is reported and left out.
 */
export async function loadFunctions(dir: string): Promise<SiteFunction[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => EXTENSIONS.includes(path.extname(f)) && !f.endsWith('.d.ts'))
    .sort();
  const loaded: SiteFunction[] = [];
  for (const fileName of files) {
    const file = path.join(dir, fileName);
    const mod: FunctionModule = await loadFunctionModule(file);
    const name = path.basename(fileName, path.extname(fileName));
    const paths = toArray(mod.config?.path as string | string[] | undefined);
    // Scheduled functions have no path: the scheduler runs them (scheduler.ts).
    if (mod.config?.schedule && paths.length === 0) continue;
    // Event handlers only (e.g. `deploySucceeded`): Netlify calls them on its events, never on a
    // route; the local server stands in for deploy-succeeded itself (newsletter-deploy.ts).
    if (isEventHandlerObject(mod.default) && paths.length === 0) continue;
    if (!isHandler(mod.default) || paths.length === 0) {
      console.warn(`functions/${fileName}: no default export or no config.path; not routed`);
      continue;
    }
    loaded.push({
      name,
      file,
      handler: mod.default,
      routes: paths.map(compileRoute),
      excluded: toArray(mod.config?.excludedPath as string | string[] | undefined).map(
        compileRoute,
      ),
      methods: toArray(mod.config?.method).map((m) => m.toUpperCase()),
      preferStatic: mod.config?.preferStatic ?? false,
      plainGet: isPlainGet(mod.plainGet) ? mod.plainGet : undefined,
    });
  }
  return loaded;
}

/** A `plainGet` export is taken as the module's GET without Web objects (plain-answer.ts). */
function isPlainGet(value: unknown): value is PlainGetHandler {
  return typeof value === 'function';
}

/** True for a default export that is an object of Netlify event handlers and has no `fetch`. */
function isEventHandlerObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || 'fetch' in value) return false;
  return Object.keys(value).some((key) => /^(deploy|form|user)[A-Z]\w*$/.test(key));
}

/** The function routed to a path and method, with the params of its first matching route. */
export function matchFunction(
  functions: SiteFunction[],
  rawPath: string,
  method: string,
): { fn: SiteFunction; params: Record<string, string> } | null {
  // Netlify routes `/a/` like `/a`.
  const pathname = rawPath !== '/' && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  const lowerPath = pathname.toLowerCase();
  for (const fn of functions) {
    if (fn.methods.length > 0 && !fn.methods.includes(method)) continue;
    for (const route of fn.routes) {
      const params = matchRoute(route, pathname, lowerPath);
      if (!params) continue;
      if (fn.excluded.some((r) => matchRoute(r, pathname, lowerPath))) break;
      return { fn, params };
    }
  }
  return null;
}
