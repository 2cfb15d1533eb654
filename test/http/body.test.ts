import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, readFields, readNoFields } from '../../src/server/http/body.ts';
import { HttpError } from '../../src/server/http/errors.ts';

const FIELDS = ['email', 'password'] as const;

function post(
  body: BodyInit | null,
  type: string | null,
  headers: Record<string, string> = {},
): Request {
  const h = new Headers(headers);
  if (type) h.set('content-type', type);
  return new Request('http://site.test/api/x', { method: 'POST', body, headers: h });
}

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('readFields', () => {
  it('reads a urlencoded form, filling missing fields with empty strings', async () => {
    const fields = await readFields(
      post('email=a%40b.org', 'application/x-www-form-urlencoded; charset=UTF-8'),
      FIELDS,
    );
    expect(fields).toEqual({ email: 'a@b.org', password: '' });
  });

  it('reads a JSON object and keeps passwords exactly as sent', async () => {
    const fields = await readFields(
      post(JSON.stringify({ email: 'x@y.org', password: '  pässwörd ' }), 'application/json'),
      FIELDS,
    );
    expect(fields.password).toBe('  pässwörd ');
  });

  it('refuses other content types with 415', async () => {
    expect((await refusal(readFields(post('email=a', 'text/plain'), FIELDS))).status).toBe(415);
    expect((await refusal(readFields(post('email=a', null), FIELDS))).status).toBe(415);
    const multipart = new FormData();
    multipart.set('email', 'a');
    expect(
      (
        await refusal(
          readFields(new Request('http://site.test/', { method: 'POST', body: multipart }), FIELDS),
        )
      ).status,
    ).toBe(415);
  });

  it('refuses broken JSON, arrays and non-string values with 400', async () => {
    for (const body of [
      '{"email":',
      '[]',
      'null',
      '"text"',
      '{"email":1}',
      '{"email":["a"]}',
      '{"email":null}',
      // Nested deep: no parser may run out of stack into a 500.
      '{"email":' + '['.repeat(30_000) + ']'.repeat(30_000) + '}',
      '{"email":' + '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_001),
    ]) {
      const error = await refusal(readFields(post(body, 'application/json'), FIELDS));
      expect(error.status, body.slice(0, 40)).toBe(400);
    }
  });

  it('refuses a JSON escape of half a surrogate pair, and keeps a whole pair', async () => {
    for (const escaped of ['\\ud800', '\\udfff', 'Ann\\ud83d', '\\ude00x', '\\ude00\\ud83d']) {
      const body = `{"email":"${escaped}"}`;
      const error = await refusal(readFields(post(body, 'application/json'), FIELDS));
      expect(error.status, body).toBe(400);
      expect(error.message).toContain('The field email holds an escape that is not a character');
    }
    const pair = await readFields(post('{"email":"\\ud83d\\ude00"}', 'application/json'), FIELDS);
    expect(pair.email).toBe('😀');
  });

  it('refuses unknown and repeated fields with 400, naming them', async () => {
    const unknown = await refusal(
      readFields(post('email=a&admin=1', 'application/x-www-form-urlencoded'), FIELDS),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.message).toContain('admin');
    const repeated = await refusal(
      readFields(post('email=a&email=b', 'application/x-www-form-urlencoded'), FIELDS),
    );
    expect(repeated.status).toBe(400);
    const proto = await refusal(readFields(post('{"__proto__":"x"}', 'application/json'), FIELDS));
    expect(proto.status).toBe(400);
  });

  it('refuses a JSON object that names a field twice, however the name is written', async () => {
    for (const body of [
      '{"email":"a@b.org","email":"c@d.org"}',
      '{"email":"a@b.org","password":"x","email":"a@b.org"}',
      '{"email":"a@b.org","\\u0065mail":"c@d.org"}',
      '{ "password" : "x" ,\n "password" : "y" }',
    ]) {
      const error = await refusal(readFields(post(body, 'application/json'), FIELDS));
      expect(error.status, body).toBe(400);
      expect(error.message, body).toMatch(/was sent more than once/);
    }
    // Names that only look alike are different fields.
    const fields = await readFields(
      post('{"email":"a@b.org","password":"Email: email"}', 'application/json'),
      FIELDS,
    );
    expect(fields).toEqual({ email: 'a@b.org', password: 'Email: email' });
  });

  it('refuses a body over 64 KiB with 413, declared or streamed', async () => {
    const big = 'email=' + 'a'.repeat(MAX_BODY_BYTES);
    expect(
      (await refusal(readFields(post(big, 'application/x-www-form-urlencoded'), FIELDS))).status,
    ).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(16 * 1024).fill(97));
      },
    });
    const streamed = new Request('http://site.test/', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect((await refusal(readFields(streamed, FIELDS))).status).toBe(413);
  });

  it('accepts a body of exactly 64 KiB', async () => {
    const body = 'email=' + 'a'.repeat(MAX_BODY_BYTES - 6);
    const fields = await readFields(post(body, 'application/x-www-form-urlencoded'), FIELDS);
    expect(fields.email).toHaveLength(MAX_BODY_BYTES - 6);
  });

  it('refuses bytes that are not UTF-8 with 400', async () => {
    const error = await refusal(
      readFields(
        post(new Uint8Array([0x65, 0x3d, 0xff, 0xfe]), 'application/x-www-form-urlencoded'),
        FIELDS,
      ),
    );
    expect(error.status).toBe(400);
  });
});

describe('readNoFields', () => {
  it('accepts an empty body or an empty JSON object', async () => {
    await expect(readNoFields(post(null, null))).resolves.toBeUndefined();
    await expect(readNoFields(post('{}', 'application/json'))).resolves.toBeUndefined();
  });

  it('refuses any field with 400', async () => {
    expect(
      (await refusal(readNoFields(post('x=1', 'application/x-www-form-urlencoded')))).status,
    ).toBe(400);
  });
});
