// Reading the roll upload's multipart body: what browsers send, and what they never should.
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/server/http/errors.ts';
import { readRollUpload } from '../../src/server/staff/http/upload.ts';

const CSV = 'warrant,surname,status\n123456,Smith,serving\n';

/** A POST carrying `form` as multipart/form-data, as a browser sends it. */
function multipart(form: FormData): Request {
  return new Request('http://site.test/api/staff/roll', { method: 'POST', body: form });
}

/** A POST with a hand-made multipart body (boundary `b`). */
function raw(body: string, type = 'multipart/form-data; boundary=b'): Request {
  return new Request('http://site.test/api/staff/roll', {
    method: 'POST',
    body,
    headers: { 'content-type': type },
  });
}

async function statusOf(req: Request): Promise<number> {
  const error: unknown = await readRollUpload(req).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return (error as HttpError).status;
}

describe('readRollUpload', () => {
  it('reads the file’s bytes and name exactly, whatever the name’s letters', async () => {
    for (const name of ['roll.csv', 'Rôle – März 2026.csv', '名簿.csv']) {
      const form = new FormData();
      form.set('roll', new Blob([CSV], { type: 'text/csv' }), name);
      const upload = await readRollUpload(multipart(form));
      expect(upload.fileName).toBe(name);
      expect(new TextDecoder().decode(upload.bytes)).toBe(CSV);
    }
  });

  it('keeps a large file byte for byte across the parser’s slices', async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 256);
    const form = new FormData();
    form.set('roll', new Blob([big]), 'big.csv');
    const upload = await readRollUpload(multipart(form));
    expect(Buffer.from(upload.bytes).equals(Buffer.from(big))).toBe(true);
  });

  it('names a nameless file roll.csv', async () => {
    const body =
      '--b\r\nContent-Disposition: form-data; name="roll"; filename=""\r\n\r\n' +
      `${CSV}\r\n--b--\r\n`;
    expect((await readRollUpload(raw(body))).fileName).toBe('roll.csv');
  });

  it.each([
    [
      'no file chosen (an empty, unnamed part)',
      '--b\r\nContent-Disposition: form-data; name="roll"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n',
    ],
    [
      'two files',
      `--b\r\nContent-Disposition: form-data; name="roll"; filename="a.csv"\r\n\r\n${CSV}\r\n--b\r\nContent-Disposition: form-data; name="roll"; filename="b.csv"\r\n\r\n${CSV}\r\n--b--\r\n`,
    ],
    [
      'the roll as text, not a file',
      `--b\r\nContent-Disposition: form-data; name="roll"\r\n\r\n${CSV}\r\n--b--\r\n`,
    ],
    ['no parts at all', '--b--\r\n'],
  ])('asks for the file (422) for %s', async (_, body) => {
    expect(await statusOf(raw(body))).toBe(422);
  });

  it.each([
    [
      'another field',
      `--b\r\nContent-Disposition: form-data; name="roll"; filename="a.csv"\r\n\r\n${CSV}\r\n--b\r\nContent-Disposition: form-data; name="admin"\r\n\r\n1\r\n--b--\r\n`,
    ],
    [
      'a body cut off inside the file',
      `--b\r\nContent-Disposition: form-data; name="roll"; filename="a.csv"\r\n\r\n${CSV}`,
    ],
    ['a body cut off inside the part’s headers', '--b\r\nContent-Disposition: form-da'],
  ])('refuses %s with 400', async (_, body) => {
    expect(await statusOf(raw(body))).toBe(400);
  });

  it('refuses a multipart type without a boundary (400) and other types (415)', async () => {
    expect(await statusOf(raw('--b--\r\n', 'multipart/form-data; charset=utf-8'))).toBe(400);
    expect(await statusOf(raw('--b--\r\n', 'multipart/form-data'))).toBe(415);
    expect(await statusOf(raw(CSV, 'text/csv'))).toBe(415);
  });
});
