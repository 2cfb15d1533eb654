/**
 * Reading the roll upload: a multipart/form-data body of at most 20 MiB
 * (enough for 150,000 rows with room to spare), read as a stream that stops
 * at the limit whatever Content-Length claims. The file's bytes go to the
 * roll reader, which decodes them by the same rules as the members CLI.
 */
import { readCappedBytes } from '../../http/capped-body.ts';
import { HttpError } from '../../http/errors.ts';

/** The largest roll file accepted. */
export const MAX_ROLL_UPLOAD_BYTES = 20 * 1024 * 1024;

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
  const body = await readCappedBytes(req, MAX_ROLL_UPLOAD_BYTES, {
    tooLarge: 'The file is too large: the limit is 20 MiB (about 150,000 rows with room to spare).',
    unreadable: 'The upload could not be read. Try again.',
  });
  let form: FormData;
  try {
    form = await new Response(body, {
      headers: { 'content-type': type },
    }).formData();
  } catch {
    throw new HttpError(400, 'The upload could not be read as a form. Try again.');
  }
  for (const name of form.keys()) {
    if (name !== 'roll') throw new HttpError(400, 'Unexpected field in the upload.');
  }
  const files = form.getAll('roll');
  const file = files[0];
  // A browser sends an empty, unnamed part when no file was chosen.
  if (files.length !== 1 || typeof file === 'string' || !file || (file.size === 0 && !file.name)) {
    throw new HttpError(422, 'Choose the roll file (CSV) to upload.');
  }
  return { fileName: file.name || 'roll.csv', bytes: new Uint8Array(await file.arrayBuffer()) };
}
