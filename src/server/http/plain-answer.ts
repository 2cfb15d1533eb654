/**
 * A GET answered as plain data (status, header lines, body pieces) instead of
 * Web `Request`/`Response` objects. The members gate answers this way: on the
 * Node the local server runs, making the two objects and streaming the body
 * out of one cost more than checking the session and joining the page.
 *
 * A function module that answers GETs this way exports `plainGet` (made with
 * `definePlainGet`) beside its Netlify handler, and its handler is
 * `toResponse` over the same answer, so both ways give the same bytes. Netlify
 * only ever calls the default export; the local server calls `plainGet` for a
 * GET and writes the answer straight to the socket (scripts/lib/site-handler.ts).
 */
import { getConfig } from '../config.ts';
import { answerFailure } from './handler.ts';
import { BASE_HEADERS } from './responses.ts';

/** What a plain GET reads of its request. */
export interface PlainRequest {
  /** The full URL as the server sees it (scheme, host, path, query). */
  url: URL;
  /** The `Cookie` header, or null. */
  cookie: string | null;
  /** The `Accept` header, or null: a failure is answered as JSON when it asks for JSON. */
  accept: string | null;
}

/** An answer as plain data. */
export interface PlainAnswer {
  status: number;
  /** Header lines in order; `Set-Cookie` may appear more than once. */
  headers: [name: string, value: string][];
  /** The body as pieces sent one after another, none copied; empty for no body. */
  body: readonly Uint8Array[];
}

/** A GET handler that answers with plain data. */
export type PlainGetHandler = (request: PlainRequest) => Promise<PlainAnswer>;

/** The bytes of a page: text is encoded as UTF-8, bytes are used as they are. */
function pieces(body: string | readonly Uint8Array[]): readonly Uint8Array[] {
  return typeof body === 'string' ? [Buffer.from(body)] : body;
}

/**
 * An answer with the headers of every function answer (`BASE_HEADERS`: the
 * security headers and `private, no-store`), then `extra`, then one
 * `Set-Cookie` line per cookie, and the body's `Content-Length`.
 */
export function plainAnswer(
  status: number,
  body: string | readonly Uint8Array[],
  extra: [string, string][],
  setCookies: readonly string[] = [],
): PlainAnswer {
  const bytes = pieces(body);
  const length = bytes.reduce((sum, piece) => sum + piece.byteLength, 0);
  const headers: [string, string][] = [...BASE_HEADERS, ...extra];
  for (const cookie of setCookies) headers.push(['Set-Cookie', cookie]);
  headers.push(['Content-Length', String(length)]);
  return { status, headers, body: bytes };
}

/** An HTML page (text, or UTF-8 pieces) with the function headers. */
export function plainHtml(
  body: string | readonly Uint8Array[],
  status = 200,
  setCookies: readonly string[] = [],
): PlainAnswer {
  return plainAnswer(status, body, [['Content-Type', 'text/html; charset=utf-8']], setCookies);
}

/** 303 See Other to `location`, with the function headers. */
export function plainSeeOther(location: string, setCookies: readonly string[] = []): PlainAnswer {
  return plainAnswer(303, [], [['Location', location]], setCookies);
}

/** The same answer as a Web `Response` (what Netlify is given). */
export function toResponse(answer: PlainAnswer): Response {
  const headers = new Headers();
  for (const [name, value] of answer.headers) headers.append(name, value);
  if (answer.body.length === 0) return new Response(null, { status: answer.status, headers });
  const body = answer.body;
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const piece of body) controller.enqueue(piece);
        controller.close();
      },
    }),
    { status: answer.status, headers },
  );
}

/** A `Response` as plain data (its body read whole): for the rare answers made as Responses. */
async function fromResponse(response: Response): Promise<PlainAnswer> {
  const headers: [string, string][] = [];
  for (const [name, value] of response.headers)
    if (name !== 'set-cookie') headers.push([name, value]);
  for (const cookie of response.headers.getSetCookie()) headers.push(['Set-Cookie', cookie]);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers, body: bytes.byteLength > 0 ? [bytes] : [] };
}

/**
 * The `plainGet` export of a function module: reads the configuration first,
 * as `defineHandler` does, and answers a failure of either (a refused
 * configuration, a store out of reach, a bug) with the answer
 * `defineHandler` gives for it (`answerFailure`: 503, 400, 500), so failures
 * have one home. The failure is answered where it happened, not by doing the
 * work again through the module's handler: a store that times out is waited
 * for once.
 */
export function definePlainGet(answer: PlainGetHandler): PlainGetHandler {
  return async (request) => {
    try {
      getConfig();
      return await answer(request);
    } catch (error) {
      const headers: Record<string, string> = request.accept ? { accept: request.accept } : {};
      return fromResponse(answerFailure(new Request(request.url, { headers }), error));
    }
  };
}
