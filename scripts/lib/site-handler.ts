import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { PlainAnswer, PlainGetHandler } from '../../src/server/http/plain-answer.ts';
import { createContext } from './function-context.ts';
import { matchFunction, type SiteFunction } from './functions.ts';
import {
  headersForPath,
  matchRedirect,
  type HeaderRule,
  type RedirectMatch,
  type RedirectRule,
} from './netlify-rules.ts';
import { toWebRequest, writePlainAnswer, writeWebResponse } from './node-web.ts';
import { settleRequestBody } from './request-body.ts';
import { findStaticFile, sendStaticFile, type StaticLookup } from './static-files.ts';

/** Everything the handler needs, loaded once at start-up. */
export interface Site {
  distDir: string;
  functions: SiteFunction[];
  headerRules: HeaderRule[];
  redirectRules: RedirectRule[];
  siteUrl: string;
}

/** The client's address from the socket, as Netlify's `context.ip` gives it (no header is trusted). */
function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function sendPlain(res: ServerResponse, status: number, text: string, extra = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(text + '\n');
}

/**
 * Parses the request target; a malformed one is the client's mistake (400).
 * The target is a path (RFC 9112 §3.2.1, origin-form), put after the origin
 * as it is: resolved as a relative URL, `//host/...` or `/\host/...` would
 * name another host, as Netlify never reads it.
 */
function requestUrl(req: IncomingMessage, siteUrl: string): URL | null {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return null;
  try {
    const host = req.headers.host;
    const origin = host && /^[\w.:[\]-]+$/.test(host) ? `http://${host}` : new URL(siteUrl).origin;
    return new URL(origin + target);
  } catch {
    return null;
  }
}

/**
 * Answers one request in Netlify's order: a function whose `config.path`
 * matches (unless `preferStatic` and a file exists), then the first matching
 * redirect rule (a non-forced rule only when no file matches), then the file,
 * then the 404 page.
 */
export async function handleSiteRequest(
  site: Site,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = requestUrl(req, site.siteUrl);
  if (!url) {
    await settleRequestBody(req, res);
    return sendPlain(res, 400, 'Bad request: the request target is not a path.');
  }
  const method = (req.method ?? 'GET').toUpperCase();

  const routed = matchFunction(site.functions, url.pathname, method);
  if (routed) {
    if (routed.fn.preferStatic) {
      const file = await findStaticFile(site.distDir, url.pathname, url.search);
      if (file && (await sendLookup(site, req, res, file, url.pathname))) return;
    }
    return callFunction(site, req, res, url, routed.fn, routed.params);
  }

  const redirect = matchRedirect(site.redirectRules, url);
  if (redirect && (await applyRedirect(site, req, res, url, redirect))) return;

  const file = await findStaticFile(site.distDir, url.pathname, url.search);
  if (file && (await sendLookup(site, req, res, file, url.pathname))) return;
  return sendNotFound(site, req, res, url.pathname);
}

/**
 * Serves a static lookup: a file (GET and HEAD only) or the trailing-slash 301.
 * False, having sent nothing, when the file went away since it was found.
 */
async function sendLookup(
  site: Site,
  req: IncomingMessage,
  res: ServerResponse,
  lookup: NonNullable<StaticLookup>,
  headersPath: string,
  status = 200,
): Promise<boolean> {
  // Files, redirects and the 404 page never read a request body.
  await settleRequestBody(req, res);
  if (lookup.kind === 'slash') {
    res.writeHead(301, { location: lookup.location, 'cache-control': 'public, max-age=0' }).end();
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendPlain(res, 405, 'Method not allowed: this address is a page.', { allow: 'GET, HEAD' });
    return true;
  }
  const headers = headersForPath(site.headerRules, headersPath);
  return sendStaticFile(req, res, lookup, { status, headers });
}

/** Serves dist/404.html with status 404, or a plain line when the site has none. */
async function sendNotFound(
  site: Site,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  await settleRequestBody(req, res);
  const page = await findStaticFile(site.distDir, '/404.html');
  if (page?.kind !== 'file') return sendPlain(res, 404, 'Not found');
  // The rules of the path asked for, and of the page actually served (its CSP).
  const headers = {
    ...headersForPath(site.headerRules, pathname),
    ...headersForPath(site.headerRules, '/404.html'),
  };
  const sent = await sendStaticFile(req, res, page, {
    status: 404,
    headers: { ...headers, 'cache-control': 'no-cache' },
  });
  if (!sent) sendPlain(res, 404, 'Not found');
}

/** Applies a matched rule; false when it leads nowhere (a rewrite to a missing file). */
async function applyRedirect(
  site: Site,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  match: RedirectMatch,
): Promise<boolean> {
  if (!match.force) {
    // Shadowing: content at the requested path wins over a non-forced rule.
    const existing = await findStaticFile(site.distDir, url.pathname, url.search);
    if (existing && (await sendLookup(site, req, res, existing, url.pathname))) return true;
  }
  if (match.isRedirect || match.isExternal) await settleRequestBody(req, res);
  if (match.isRedirect) {
    res.writeHead(match.status, { location: match.target, 'cache-control': 'public, max-age=0' });
    res.end();
    return true;
  }
  if (match.isExternal) {
    sendPlain(res, 502, `Proxy rules are not run by the local server: ${match.rule.from}`);
    return true;
  }
  const target = new URL(match.target, url);
  if (match.status === 200) {
    const routed = matchFunction(
      site.functions,
      target.pathname,
      (req.method ?? 'GET').toUpperCase(),
    );
    if (routed && !routed.fn.preferStatic) {
      await callFunction(site, req, res, url, routed.fn, routed.params);
      return true;
    }
  }
  const file = await findStaticFile(site.distDir, target.pathname);
  if (file?.kind !== 'file') return false;
  return sendLookup(site, req, res, file, target.pathname, match.status);
}

/**
 * Answers a GET through the function's `plainGet`, without Web objects. A
 * `plainGet` made with `definePlainGet` answers its own failures; false when
 * one threw all the same, so the function's own handler answers.
 */
async function answerPlainly(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  plainGet: PlainGetHandler,
): Promise<boolean> {
  let answer: PlainAnswer;
  try {
    answer = await plainGet({
      url,
      cookie: req.headers.cookie ?? null,
      accept: req.headers.accept ?? null,
    });
  } catch {
    return false;
  }
  await settleRequestBody(req, res);
  writePlainAnswer(res, answer);
  return true;
}

/**
 * Calls a function with a Web `Request` (body streamed) and a Netlify-like
 * context, and streams its `Response` back. A throw is a server bug: 500 and a log line.
 */
async function callFunction(
  site: Site,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  fn: SiteFunction,
  params: Record<string, string>,
): Promise<void> {
  if (fn.plainGet && req.method === 'GET' && (await answerPlainly(req, res, url, fn.plainGet))) {
    return;
  }
  const requestId = randomUUID().replaceAll('-', '');
  const request = toWebRequest(req, res, url, { 'x-nf-request-id': requestId });
  const { context, setCookies } = createContext({
    request,
    ip: clientIp(req),
    params,
    requestId,
    siteUrl: site.siteUrl,
  });
  let response: unknown;
  try {
    response = await fn.handler(request, context);
    if (!(response instanceof Response)) {
      throw new TypeError(`returned ${typeof response} instead of a Response`);
    }
  } catch (error) {
    console.error(
      `functions/${path.basename(fn.file)} failed on ${req.method} ${url.pathname}:`,
      error,
    );
    if (!res.headersSent) {
      await settleRequestBody(req, res);
      sendPlain(res, 500, 'Internal server error: the function failed. See the server log.');
    }
    return;
  }
  // A function that answered before reading the whole body (413, 415, 403 ...) closes the connection.
  await settleRequestBody(req, res);
  await writeWebResponse(req, res, response, setCookies);
}
