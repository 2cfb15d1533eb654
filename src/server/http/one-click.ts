/**
 * The body of an RFC 8058 one-click unsubscribe POST: `List-Unsubscribe=One-Click`,
 * sent as multipart/form-data (which section 3.1 says receivers SHOULD use)
 * or application/x-www-form-urlencoded; the unsubscribe page's own button
 * sends the same field, plus the token when the page had one.
 */
import { MAX_BODY_BYTES } from './body.ts';
import { readCappedBytes } from './capped-body.ts';
import { HttpError } from './errors.ts';

/** The fields a one-click POST may carry. */
export interface OneClickBody {
  listUnsubscribe: string;
  token: string;
}

const ALLOWED = new Set(['List-Unsubscribe', 'token']);

/**
 * Reads and checks the body. Refuses (400/413/415) another content type, an
 * unknown or repeated field, and a body without `List-Unsubscribe=One-Click`.
 */
export async function readOneClickBody(req: Request): Promise<OneClickBody> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'multipart/form-data' && type !== 'application/x-www-form-urlencoded') {
    throw new HttpError(
      415,
      'Send List-Unsubscribe=One-Click as multipart/form-data or application/x-www-form-urlencoded.',
    );
  }
  const bytes = await readCappedBytes(req, MAX_BODY_BYTES, {
    tooLarge: 'The request is too large: the limit is 64 KiB.',
    unreadable: 'The request body could not be read.',
  });
  let pairs: [string, FormDataEntryValue][];
  try {
    const parsed = await new Response(bytes, {
      headers: { 'content-type': req.headers.get('content-type')! },
    }).formData();
    pairs = [...parsed.entries()];
  } catch {
    throw new HttpError(400, 'The request body could not be read as a form.');
  }
  const body: OneClickBody = { listUnsubscribe: '', token: '' };
  const seen = new Set<string>();
  for (const [name, value] of pairs) {
    if (!ALLOWED.has(name)) throw new HttpError(400, 'Unexpected field in the request.');
    if (seen.has(name)) throw new HttpError(400, `The field ${name} was sent more than once.`);
    if (typeof value !== 'string') throw new HttpError(400, `The field ${name} must be text.`);
    seen.add(name);
    if (name === 'token') body.token = value;
    else body.listUnsubscribe = value;
  }
  if (body.listUnsubscribe !== 'One-Click') {
    throw new HttpError(400, 'Send List-Unsubscribe=One-Click to unsubscribe.');
  }
  return body;
}
