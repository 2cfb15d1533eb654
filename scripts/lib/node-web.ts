import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PlainAnswer } from '../../src/server/http/plain-answer.ts';
import { webRequestBody } from './request-body.ts';

/**
 * Turns a node request into a Web `Request` with the full URL. The body is
 * the socket's stream, not a buffer, so the function reads it at its own pace
 * (`webRequestBody`: cancelling it leaves the socket to the server); a request
 * with a body is aborted when its client goes away. A GET or HEAD gets no
 * signal of ours: it has no body to abandon, a streamed answer is cancelled
 * when the client goes (writeWebResponse), and making an AbortSignal cost a
 * Request as much as the rest of its making.
 */
export function toWebRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  extraHeaders: Record<string, string>,
): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    if (name.startsWith(':')) continue;
    headers.append(name, req.rawHeaders[i + 1]);
  }
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url.href, { method, headers });
  const init: RequestInit & { duplex: 'half' } = {
    method,
    headers,
    body: webRequestBody(req),
    signal: abortedOnClose(res),
    // Required by undici for a streamed request body.
    duplex: 'half',
  };
  return new Request(url.href, init);
}

/** A signal that aborts when the response closes before it was all sent (the client went away). */
function abortedOnClose(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/**
 * Streams a Web `Response` into the node response. Every Set-Cookie is kept
 * (`getSetCookie()`: a Headers walk would fold them into one line). Chunks are
 * read straight from the body's reader and written with back-pressure: wrapping
 * the body in `Readable.fromWeb` and `pipeline` cost more than the page itself.
 */
export async function writeWebResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
  extraSetCookies: string[] = [],
): Promise<void> {
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = [...response.headers.getSetCookie(), ...extraSetCookies];
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  res.writeHead(response.status, response.statusText || undefined);
  if (!response.body || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drainOrClose(res);
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
    }
    res.end();
  } catch (error) {
    // The client went away or the function's stream failed: stop reading and drop the socket.
    await reader.cancel().catch(() => {});
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Waits until the socket can take more, or is gone (a 'drain' that never comes must not hang). */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Writes a plain answer: the header lines as they are (each Set-Cookie its
 * own), then the body pieces in one write of several buffers.
 */
export function writePlainAnswer(res: ServerResponse, answer: PlainAnswer): void {
  res.writeHead(answer.status, answer.headers.flat());
  if (answer.body.length === 0) {
    res.end();
    return;
  }
  res.cork();
  for (const piece of answer.body.slice(0, -1)) res.write(piece);
  res.end(answer.body.at(-1));
}
