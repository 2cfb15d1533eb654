import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';

/** The most of an unread body discarded so its connection can close cleanly. */
const DRAIN_LIMIT_BYTES = 4 * 1024 * 1024;
/** How long the rest of an unread body may take to arrive before the socket is dropped. */
const DRAIN_LIMIT_MS = 5_000;

/**
 * The request body as a Web stream for a function. It reads through a
 * PassThrough, so a function that cancels the stream (a body over its cap)
 * stops its own reading without destroying the socket: the server then
 * decides how the connection ends (`settleRequestBody`).
 */
export function webRequestBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  const body = new PassThrough();
  req.pipe(body);
  // node:stream/web's ReadableStream is the global one under another type name.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion
  return Readable.toWeb(body) as ReadableStream<Uint8Array>;
}

/** Discards what is left of the body; true once it has all arrived within the limits. */
function discardRest(req: IncomingMessage): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let bytes = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFail);
      req.off('close', onClose);
      if (!ended) req.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_LIMIT_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const onFail = () => finish(false);
    const onClose = () => finish(req.complete);
    const timer = setTimeout(() => finish(false), DRAIN_LIMIT_MS);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onFail);
    req.once('close', onClose);
    req.resume();
  });
}

/**
 * Call before answering. When the request body has not all arrived (the
 * answer refuses it early: 413, 415, 403, 405, 429 ...), the answer says
 * `Connection: close`, and the rest of the body is first read and discarded
 * (up to 4 MiB or 5 s) so the socket closes with a FIN after the answer,
 * not a reset that could cost the client the answer or a pooled request.
 * A body past those limits is dropped with the socket once the answer is
 * flushed. A body that has arrived whole keeps the connection alive.
 */
export async function settleRequestBody(req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.unpipe();
  if (req.complete) {
    // Whatever the function left unread is already off the wire: drop it so parsing goes on.
    req.resume();
    return;
  }
  res.setHeader('connection', 'close');
  const drained = await discardRest(req);
  if (!drained) res.once('finish', () => req.socket.destroySoon());
}
