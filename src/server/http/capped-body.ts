import { HttpError } from './errors.ts';

/** What to tell the client when a capped body is refused. */
export interface CappedBodyMessages {
  /** Sent with 413 when the body (declared or streamed) passes the cap. */
  tooLarge: string;
  /** Sent with 400 when the stream fails mid-read. */
  unreadable: string;
}

/**
 * Reads a request body as bytes, stopping as soon as it passes `limit` whatever
 * Content-Length claims, so an oversized body is never buffered in full.
 */
export async function readCappedBytes(
  req: Request,
  limit: number,
  messages: CappedBodyMessages,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw new HttpError(413, messages.tooLarge);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new HttpError(400, messages.unreadable);
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, messages.tooLarge);
    }
    chunks.push(chunk.value);
  }
  // One buffer of its own (not a view of a shared pool), so it can be a Response body.
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const piece of chunks) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}
