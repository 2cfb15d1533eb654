import { describe, expect, it } from 'vitest';
import { createContext } from '../../scripts/lib/function-context.ts';

function contextFor(cookie?: string) {
  const request = new Request('http://localhost:8888/members/news/pay/?x=1', {
    headers: cookie ? { cookie } : {},
  });
  return createContext({
    request,
    ip: '127.0.0.1',
    params: {},
    requestId: 'abc',
    siteUrl: 'http://localhost:8888',
  });
}

describe('a function’s context', () => {
  it('gives the request’s URL, the same object each time it is asked', () => {
    const { context } = contextFor();
    expect(context.url.href).toBe('http://localhost:8888/members/news/pay/?x=1');
    expect(context.url).toBe(context.url);
  });

  it('reads the request’s cookies, decoded, and an empty string for a missing one', () => {
    const { context } = contextFor('flavour=mint%20tea; session=abc.def');
    expect(context.cookies.get('flavour')).toBe('mint tea');
    expect(context.cookies.get('session')).toBe('abc.def');
    expect(context.cookies.get('missing')).toBe('');
  });

  it('collects every Set-Cookie line in order, and reads back what it set or deleted', () => {
    const { context, setCookies } = contextFor('flavour=mint');
    context.cookies.set({ name: 'seen', value: 'yes', path: '/', httpOnly: true });
    context.cookies.delete('flavour');
    expect(context.cookies.get('seen')).toBe('yes');
    expect(context.cookies.get('flavour')).toBe('');
    expect(setCookies).toEqual([
      'seen=yes; Path=/; HttpOnly',
      'flavour=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/',
    ]);
  });
});
