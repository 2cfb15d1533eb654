import type { Context } from '@netlify/functions';
import { ConfigError } from '../config.ts';
import { classifyStoreError, type StoreUnavailableError } from '../store/unavailable.ts';
import { UnstorableTextError } from '../store/unstorable-text.ts';
import { assertSameOrigin } from './csrf.ts';
import { HttpError, isHttpError } from './errors.ts';
import { htmlResponse, jsonResponse, renderMessagePage, wantsJson } from './responses.ts';

/** One method's handler: parse, check, call the domain, answer. */
export type MethodHandler = (req: Request, context: Context) => Promise<Response> | Response;

/** Handlers by HTTP method; HEAD falls back to GET. */
export type MethodHandlers = Partial<Record<'GET' | 'POST', MethodHandler>>;

/** Options shared by every function. */
export interface HandlerOptions {
  /** The site's own URL; state-changing requests must come from its origin. */
  siteUrl: () => string;
}

const TITLES: Record<number, string> = {
  400: 'The request could not be read',
  403: 'Request refused',
  404: 'Page not found',
  405: 'Method not allowed',
  413: 'Request too large',
  415: 'Unsupported form encoding',
  429: 'Too many attempts',
  503: 'The members area is briefly unavailable',
};

/**
 * Wraps per-method handlers into a Netlify function: answers 405 with `Allow`
 * for other methods, refuses cross-site posts (403), turns an `HttpError` into
 * its 4xx answer, a NUL character the store refused into a 400, a store that is out of reach into a 503 with `Retry-After`,
 * and any other failure into a plain 500 that reveals nothing.
 */
export function defineHandler(handlers: MethodHandlers, options: HandlerOptions) {
  const allow = allowedMethods(handlers);
  return async (req: Request, context: Context): Promise<Response> => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = method === 'GET' || method === 'POST' ? handlers[method] : undefined;
    try {
      // Reading the configuration comes first: a refused one answers every request alike.
      const siteUrl = options.siteUrl();
      if (!handler) throw methodNotAllowed(allow);
      assertSameOrigin(req, siteUrl);
      return await handler(req, context);
    } catch (error) {
      return answerFailure(req, error);
    }
  };
}

/**
 * The answer to a request whose handling threw `error`: an `HttpError` as its
 * 4xx, a refused configuration or a store out of reach as 503, a NUL character
 * the store refused as 400, anything else as a plain 500 (logged, revealing
 * nothing). As JSON or HTML by what `req` accepts.
 */
export function answerFailure(req: Request, error: unknown): Response {
  if (isHttpError(error)) return refuse(req, error);
  if (error instanceof ConfigError) return answerConfigRefused(req, error);
  if (error instanceof UnstorableTextError)
    return refuse(req, { status: 400, message: error.message, headers: {} });
  const unavailable = classifyStoreError(error);
  if (unavailable) return answerStoreUnavailable(req, unavailable);
  console.error(`function error ${new URL(req.url).pathname}:`, error);
  return refuse(req, {
    status: 500,
    message: 'Something went wrong on our side. Please try again later.',
    headers: {},
  });
}

/**
 * 503 with `Retry-After` (RFC 9110 §15.6.4, §10.2.3) for a store that is out of
 * reach, timed out, locked or not migrated, and one log line saying which.
 */
export function answerStoreUnavailable(req: Request, error: StoreUnavailableError): Response {
  console.error(
    `store unavailable (${error.reason}) on ${req.method} ${new URL(req.url).pathname}: ${error.message}`,
  );
  return refuse(req, {
    status: 503,
    message: 'We cannot reach the members’ records just now. Please try again in a minute.',
    headers: { 'Retry-After': String(error.retryAfterSeconds) },
  });
}

const loggedRefusals = new Set<string>();

/** Logs a refused configuration once per process (it does not change until a redeploy). */
export function logConfigRefusal(error: ConfigError): void {
  if (loggedRefusals.has(error.message)) return;
  loggedRefusals.add(error.message);
  console.error(`configuration refused, every request answers 503: ${error.message}`);
}

/**
 * 503 for every request while the configuration is refused (production
 * settings missing, or a value that cannot be read), with one log line per
 * process naming the variables and what to set.
 */
export function answerConfigRefused(req: Request, error: ConfigError): Response {
  logConfigRefusal(error);
  return refuse(req, {
    status: 503,
    message: 'The members area is not available just now. Please try again later.',
    headers: { 'Retry-After': '300' },
  });
}

function allowedMethods(handlers: MethodHandlers): string {
  const methods = Object.keys(handlers);
  if (methods.includes('GET')) methods.push('HEAD');
  return methods.join(', ');
}

function methodNotAllowed(allow: string): HttpError {
  return new HttpError(405, `This address accepts ${allow} only.`, { Allow: allow });
}

/** Answers a refusal as JSON or as a short HTML page, by what the client accepts. */
export function refuse(
  req: Request,
  error: Pick<HttpError, 'status' | 'message' | 'headers'>,
): Response {
  if (wantsJson(req))
    return jsonResponse({ ok: false, error: error.message }, error.status, error.headers);
  const title = TITLES[error.status] ?? 'Something went wrong';
  return htmlResponse(
    renderMessagePage(title, error.message, { href: '/', text: 'Go to the home page' }),
    error.status,
    error.headers,
  );
}
