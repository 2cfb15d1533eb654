import type { Context } from '@netlify/functions';
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
};

/**
 * Wraps per-method handlers into a Netlify function: answers 405 with `Allow`
 * for other methods, refuses cross-site posts (403), turns an `HttpError` into
 * its 4xx answer, and any other failure into a plain 500 that reveals nothing.
 */
export function defineHandler(handlers: MethodHandlers, options: HandlerOptions) {
  const allow = allowedMethods(handlers);
  return async (req: Request, context: Context): Promise<Response> => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const handler = method === 'GET' || method === 'POST' ? handlers[method] : undefined;
    try {
      if (!handler) throw methodNotAllowed(allow);
      assertSameOrigin(req, options.siteUrl());
      return await handler(req, context);
    } catch (error) {
      if (isHttpError(error)) return refuse(req, error);
      console.error(`function error ${new URL(req.url).pathname}:`, error);
      return refuse(req, {
        status: 500,
        message: 'Something went wrong on our side. Please try again later.',
        headers: {},
      });
    }
  };
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
