import { describe, expect, it } from 'vitest';
import {
  chooseNextPath,
  DEFAULT_AFTER_LOGIN,
  safeNextPath,
  withTrailingSlash,
} from '../../src/server/http/next-path.ts';
import { consolePath } from '../../src/server/staff/http/answers.ts';
import { decodeCompletely, generateRedirectAttacks } from '../support/redirect-attacks.ts';

const SITES = ['http://site.test', 'https://www.example.org:8443'];

/** Why `location` could leave `site` (now or after another hop decodes it), or null. */
function escapeFrom(location: string): string | null {
  if (!location.startsWith('/') || location[1] === '/' || location[1] === '\\')
    return 'not a single-slash path';
  for (const site of SITES) {
    if (new URL(location, site).origin !== site) return `leaves ${site}`;
    if (new URL(decodeCompletely(location), site).origin !== site)
      return `leaves ${site} once decoded`;
  }
  return null;
}

describe('safeNextPath', () => {
  it('keeps same-site paths with their query and fragment', () => {
    expect(safeNextPath('/members/news/pay-deal/')).toBe('/members/news/pay-deal/');
    expect(safeNextPath('/members/?page=2')).toBe('/members/?page=2');
    expect(safeNextPath('/members/news/#latest')).toBe('/members/news/#latest');
    expect(safeNextPath('/members/?q=pay%20deal')).toBe('/members/?q=pay%20deal');
  });

  it('returns the normalised path it checked: dot segments resolved, letters percent-encoded', () => {
    expect(safeNextPath('/members/a/../news/')).toBe('/members/news/');
    expect(safeNextPath('/members/%2e/news/')).toBe('/members/news/');
    expect(safeNextPath('/members/news/café/')).toBe('/members/news/caf%C3%A9/');
    expect(safeNextPath('/members/news/caf%C3%A9/')).toBe('/members/news/caf%C3%A9/');
  });

  it('refuses the reported open redirects and their nearest relatives', () => {
    for (const bad of [
      '/.//evil.example',
      '/%2e//evil.example',
      '/%2E//evil.example',
      '/a/..//evil.example',
      '/a/%2e%2e//evil.example',
      '/%2e%2e//evil.example',
      '/%252e//evil.example',
      '/%2F%2Fevil.example',
      '/%252F%252Fevil.example',
      '/%5Cevil.example',
      '/\uff0fevil.example',
      '/\u2044evil.example',
      '/%EF%BC%8Fevil.example',
      '/%0a/evil',
      '/\t/evil.example',
      '/\\evil.example',
      '\\/evil.example',
    ]) {
      expect(safeNextPath(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('refuses schemes, hosts, relative paths and over-long values', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example/',
      'javascript:alert(1)',
      'members/',
      '@evil.example',
      '',
      '/' + 'a'.repeat(600),
    ]) {
      expect(safeNextPath(bad), bad).toBeNull();
    }
    expect(safeNextPath(undefined)).toBeNull();
    expect(safeNextPath(null)).toBeNull();
  });

  it('never returns a value that leaves the site, over a generated set of encodings', () => {
    const attacks = generateRedirectAttacks();
    expect(attacks.length).toBeGreaterThan(10_000);
    const escapes: string[] = [];
    for (const attack of attacks) {
      const result = safeNextPath(attack);
      if (result === null) continue;
      const why = escapeFrom(result);
      if (why) escapes.push(`${JSON.stringify(attack)} → ${JSON.stringify(result)}: ${why}`);
      // What it returns is stable: checking it again gives the same value.
      else if (safeNextPath(result) !== result) escapes.push(`${JSON.stringify(attack)} unstable`);
    }
    expect(escapes).toEqual([]);
  });

  it('refuses every generated value that would leave the site once decoded', () => {
    const kept = generateRedirectAttacks().filter((attack) => {
      const decoded = decodeCompletely(attack);
      const leaves = SITES.some((site) => {
        try {
          return new URL(decoded, site).origin !== site;
        } catch {
          return true;
        }
      });
      return leaves && safeNextPath(attack) !== null;
    });
    expect(kept).toEqual([]);
  });
});

describe('chooseNextPath', () => {
  const site = 'http://localhost:8888';

  it('prefers the form field, then the login page’s own ?next=', () => {
    expect(chooseNextPath('/members/a/', null, site)).toBe('/members/a/');
    expect(chooseNextPath('', `${site}/login/?next=%2Fmembers%2Fb%2F`, site)).toBe('/members/b/');
  });

  it('ignores a Referer from another origin and falls back to the members home', () => {
    expect(chooseNextPath('', 'https://evil.example/login/?next=%2Fstaff%2F', site)).toBe(
      DEFAULT_AFTER_LOGIN,
    );
    expect(chooseNextPath('//evil.example', 'not a url', site)).toBe(DEFAULT_AFTER_LOGIN);
  });

  it('falls back to the members home for a dot-segment redirect in the login page address', () => {
    for (const next of ['/.//evil.example', '/%2e//evil.example', '/%252e//evil.example']) {
      const referer = `${site}/login/?next=${encodeURIComponent(next)}`;
      expect(chooseNextPath('', referer, site), next).toBe(DEFAULT_AFTER_LOGIN);
      expect(chooseNextPath(next, referer, site), next).toBe(DEFAULT_AFTER_LOGIN);
    }
  });
});

describe('consolePath', () => {
  it('keeps console paths and sends anything else to the fallback', () => {
    expect(consolePath('/api/staff/review?filter=matched', '/api/staff/review')).toBe(
      '/api/staff/review?filter=matched',
    );
    expect(consolePath('/staff/', '/api/staff/roll')).toBe('/staff/');
    for (const bad of [
      '/api/staff/../../evil',
      '/api/staff/%2e%2e/%2e%2e//evil.example',
      '/.//evil.example',
      '/members/',
      'https://evil.example/api/staff/',
    ]) {
      expect(consolePath(bad, '/api/staff/roll'), bad).toBe('/api/staff/roll');
    }
  });
});

describe('withTrailingSlash', () => {
  it('adds the slash to a same-site path and keeps its query', () => {
    expect(withTrailingSlash('/members/news', '?page=2')).toBe('/members/news/?page=2');
  });

  it('answers the home page for a path that starts with two slashes', () => {
    expect(withTrailingSlash('//evil.example')).toBe('/');
    expect(withTrailingSlash('//evil.example/members')).toBe('/');
  });
});
