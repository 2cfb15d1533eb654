import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LOCAL_SITE_URL,
  SiteUrlError,
  resolveBuildSiteUrl,
} from '../../src/integrations/site-url.ts';

describe("the build's site URL", () => {
  afterEach(() => vi.unstubAllEnvs());

  it('uses SITE_URL when set, as an origin, in every context', () => {
    expect(resolveBuildSiteUrl({ SITE_URL: 'https://www.example.org/' })).toBe(
      'https://www.example.org',
    );
    expect(
      resolveBuildSiteUrl({
        SITE_URL: ' https://www.example.org ',
        CONTEXT: 'production',
        URL: 'https://example.netlify.app',
      }),
    ).toBe('https://www.example.org');
  });

  it("falls back to Netlify's URL for production and DEPLOY_PRIME_URL for previews", () => {
    expect(resolveBuildSiteUrl({ CONTEXT: 'production', URL: 'https://fed.netlify.app' })).toBe(
      'https://fed.netlify.app',
    );
    expect(
      resolveBuildSiteUrl({
        CONTEXT: 'deploy-preview',
        URL: 'https://fed.netlify.app',
        DEPLOY_PRIME_URL: 'https://deploy-preview-4--fed.netlify.app',
      }),
    ).toBe('https://deploy-preview-4--fed.netlify.app');
    expect(resolveBuildSiteUrl({ CONTEXT: 'branch-deploy', URL: 'https://fed.netlify.app' })).toBe(
      'https://fed.netlify.app',
    );
  });

  it('stops a production build that knows no address, naming SITE_URL', () => {
    for (const env of [
      { CONTEXT: 'production' },
      { CONTEXT: 'production', URL: ' ', SITE_URL: '' },
    ]) {
      expect(() => resolveBuildSiteUrl(env)).toThrow(SiteUrlError);
      expect(() => resolveBuildSiteUrl(env)).toThrow(/SITE_URL is not set/);
    }
  });

  it('refuses a plain-http address for a production deploy, as the functions would', () => {
    expect(() =>
      resolveBuildSiteUrl({ CONTEXT: 'production', SITE_URL: 'http://www.example.org' }),
    ).toThrow(/SITE_URL must be an https:\/\/ address/);
    expect(resolveBuildSiteUrl({ SITE_URL: 'http://localhost:4321' })).toBe(
      'http://localhost:4321',
    );
  });

  it('refuses an address that is not an absolute http(s) URL, naming the variable', () => {
    expect(() => resolveBuildSiteUrl({ SITE_URL: 'www.example.org' })).toThrow(
      /SITE_URL must be an absolute URL/,
    );
    expect(() => resolveBuildSiteUrl({ SITE_URL: 'ftp://example.org' })).toThrow(
      /SITE_URL must be an http\(s\) URL/,
    );
    expect(() => resolveBuildSiteUrl({ CONTEXT: 'production', URL: 'nonsense' })).toThrow(
      /^URL must be an absolute URL/,
    );
  });

  it('uses the local server outside Netlify, local builds included', () => {
    expect(resolveBuildSiteUrl({})).toBe(LOCAL_SITE_URL);
    expect(resolveBuildSiteUrl({ NODE_ENV: 'production' })).toBe(LOCAL_SITE_URL);
  });

  it('is what astro.config.mjs builds with: a production deploy without an address fails on load', async () => {
    vi.stubEnv('CONTEXT', 'production');
    vi.stubEnv('SITE_URL', '');
    vi.stubEnv('URL', '');
    const config = '../../astro.config.mjs';
    await expect(import(/* @vite-ignore */ `${config}?no-url`)).rejects.toThrow(
      /SITE_URL is not set/,
    );
    vi.stubEnv('URL', 'https://fed.netlify.app');
    const loaded = (await import(/* @vite-ignore */ `${config}?netlify-url`)) as {
      default: { site?: string };
    };
    expect(loaded.default.site).toBe('https://fed.netlify.app');
  });
});
