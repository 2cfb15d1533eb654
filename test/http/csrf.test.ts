import { describe, expect, it } from 'vitest';
import { assertSameOrigin } from '../../src/server/http/csrf.ts';
import { HttpError } from '../../src/server/http/errors.ts';

const SITE = 'https://members.example.org';

function req(method: string, headers: Record<string, string>): Request {
  return new Request(`${SITE}/api/x`, { method, headers });
}

function statusOf(fn: () => void): number {
  try {
    fn();
    return 0;
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    return (error as HttpError).status;
  }
}

describe('assertSameOrigin', () => {
  it('lets GET and HEAD through from anywhere', () => {
    expect(
      statusOf(() => assertSameOrigin(req('GET', { 'sec-fetch-site': 'cross-site' }), SITE)),
    ).toBe(0);
    expect(statusOf(() => assertSameOrigin(req('HEAD', {}), SITE))).toBe(0);
  });

  it('accepts a POST marked Sec-Fetch-Site: same-origin', () => {
    expect(
      statusOf(() => assertSameOrigin(req('POST', { 'sec-fetch-site': 'same-origin' }), SITE)),
    ).toBe(0);
  });

  it('refuses same-site, cross-site and user-initiated POSTs even with a matching Origin', () => {
    for (const site of ['same-site', 'cross-site', 'none']) {
      expect(
        statusOf(() =>
          assertSameOrigin(req('POST', { 'sec-fetch-site': site, origin: SITE }), SITE),
        ),
      ).toBe(403);
    }
  });

  it('falls back to Origin when Fetch Metadata is absent', () => {
    expect(statusOf(() => assertSameOrigin(req('POST', { origin: SITE }), SITE))).toBe(0);
    expect(
      statusOf(() => assertSameOrigin(req('POST', { origin: 'https://evil.example' }), SITE)),
    ).toBe(403);
    expect(statusOf(() => assertSameOrigin(req('POST', { origin: 'null' }), SITE))).toBe(403);
    expect(
      statusOf(() => assertSameOrigin(req('POST', { origin: 'http://members.example.org' }), SITE)),
    ).toBe(403);
  });

  it('refuses a POST with neither header', () => {
    expect(statusOf(() => assertSameOrigin(req('POST', {}), SITE))).toBe(403);
    expect(statusOf(() => assertSameOrigin(req('DELETE', {}), SITE))).toBe(403);
  });
});
