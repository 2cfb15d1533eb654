/**
 * Reading the roll upload: a multipart/form-data body holding a file of at
 * most 4 MiB (150,000 rows of the three columns), read as a stream that stops
 * at the limit whatever Content-Length claims. The file's bytes go to the
 * roll reader, which decodes them by the same rules as the members CLI.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Busboy } from '@fastify/busboy';
import { readCappedBytes } from '../../http/capped-body.ts';
import { HttpError } from '../../http/errors.ts';

/**
 * The largest roll file accepted from the console, in bytes. Netlify buffers a function's
 * request body up to 6 MB, and a binary body such as a file upload travels Base64-encoded,
 * which leaves about 4.5 MB (docs.netlify.com/build/functions/configuration): a larger limit
 * here would only let Netlify refuse the file with its own page. The members CLI takes any size.
 */
export const MAX_ROLL_UPLOAD_BYTES = 4 * 1024 * 1024;

/** Room for the form around the file (boundaries, part headers, the file's name). */
const FORM_ENVELOPE_BYTES = 16 * 1024;

/** The limit as the form and its messages state it. */
export const ROLL_UPLOAD_LIMIT_TEXT = 'Up to 4 MiB (about 150,000 rows of the three columns).';

/** The answer to a file over the limit, from the server or, before uploading, the browser. */
export const ROLL_TOO_LARGE_MESSAGE =
  'The file is too large to upload: the limit is 4 MiB. Delete every column but warrant_number, surname and status, save it and upload it again, or have it imported with the members CLI.';

/** The uploaded file's name and bytes. */
export interface RollUpload {
  fileName: string;
  bytes: Uint8Array;
}

/** Reads the `roll` file field; refuses other content types and fields. */
export async function readRollUpload(req: Request): Promise<RollUpload> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new HttpError(
      415,
      'Upload the roll with the form on the roll page (multipart/form-data).',
    );
  }
  const body = await readCappedBytes(req, MAX_ROLL_UPLOAD_BYTES + FORM_ENVELOPE_BYTES, {
    tooLarge: ROLL_TOO_LARGE_MESSAGE,
    unreadable: 'The upload could not be read. Try again.',
  });
  const parts = await parseMultipart(body, type).catch(() => {
    throw new HttpError(400, 'The upload could not be read as a form. Try again.');
  });
  if (parts.some((part) => part.name !== 'roll')) {
    throw new HttpError(400, 'Unexpected field in the upload.');
  }
  const [file] = parts;
  // A browser sends an empty, unnamed part when no file was chosen.
  if (
    parts.length !== 1 ||
    file.fileName === undefined ||
    (file.bytes.length === 0 && !file.fileName)
  ) {
    throw new HttpError(422, 'Choose the roll file (CSV) to upload.');
  }
  // The file itself is held to the limit the form states, whatever the envelope took.
  if (file.bytes.length > MAX_ROLL_UPLOAD_BYTES) throw new HttpError(413, ROLL_TOO_LARGE_MESSAGE);
  return { fileName: file.fileName || 'roll.csv', bytes: file.bytes };
}

/** One part of a multipart body: a file when it has a file name (even an empty one). */
interface Part {
  name: string;
  fileName?: string;
  bytes: Uint8Array;
}

/** Bytes handed to the multipart parser at a time: other requests are served in between. */
const PARSE_SLICE_BYTES = 64 * 1024;

/**
 * The parts of a multipart/form-data body (RFC 7578), parsed a slice at a time with
 * @fastify/busboy. Parsing a whole roll at once (as `Request.formData()` does) held the
 * event loop for about 100 ms. Rejects when the body is not a well-formed multipart body.
 */
async function parseMultipart(body: Uint8Array, type: string): Promise<Part[]> {
  const parser = Busboy({ headers: { 'content-type': type }, limits: { fieldSize: body.length } });
  const parts: Part[] = [];
  const fileEnds: Promise<void>[] = [];
  const done = new Promise<void>((resolveDone, rejectDone) => {
    parser.on('file', (name, stream, fileName) => {
      const part: Part = { name, fileName, bytes: new Uint8Array() };
      parts.push(part);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      const ended = new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('end', () => {
          part.bytes = new Uint8Array(Buffer.concat(chunks));
          resolve();
        });
      });
      ended.catch(() => {}); // a part cut short also fails the parser, which is awaited first
      fileEnds.push(ended);
    });
    parser.on('field', (name, value: string) => {
      parts.push({ name, bytes: new TextEncoder().encode(value) });
    });
    parser.on('finish', resolveDone);
    parser.on('error', rejectDone);
  });
  done.catch(() => {}); // rejection is awaited below, after the slices are written
  for (let at = 0; at < body.length; at += PARSE_SLICE_BYTES) {
    parser.write(body.subarray(at, at + PARSE_SLICE_BYTES));
    await nextTurn();
  }
  parser.end();
  await done;
  await Promise.all(fileEnds);
  return parts;
}
