/**
 * The site's origin for the build (canonical links, sitemap, RSS): SITE_URL,
 * else the URL Netlify gives the build (`URL` for production, `DEPLOY_PRIME_URL`
 * for previews and branch deploys, https://docs.netlify.com/configure-builds/environment-variables/).
 * A production deploy (Netlify's CONTEXT=production) with neither, or with a
 * plain-http address, stops the build before any page is written. Elsewhere, local
 * builds included, the local server's origin is used.
 *
 * NODE_ENV cannot mark a deploy here: `astro build` sets it to `production`
 * for every build, local ones too.
 */

/** Where the local server listens by default (scripts/serve.ts). */
export const LOCAL_SITE_URL = 'http://localhost:8888';

/** Thrown when the build cannot know the site's address; the message says what to set. */
export class SiteUrlError extends Error {
  override name = 'SiteUrlError';
}

type Env = Record<string, string | undefined>;

function originOf(name: string, value: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SiteUrlError(
      `${name} must be an absolute URL such as https://example.org, not "${value}".`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SiteUrlError(`${name} must be an http(s) URL, not "${value}".`);
  }
  // The functions refuse a plain-http address in production; the build stops first.
  if (production && url.protocol !== 'https:') {
    throw new SiteUrlError(
      `${name} must be an https:// address for a production deploy, not "${value}".`,
    );
  }
  return url.origin;
}

/** The origin the build writes into its links, read from `env`; throws `SiteUrlError`. */
export function resolveBuildSiteUrl(env: Env = process.env): string {
  const named = (name: string) => {
    const value = env[name]?.trim();
    return value ? { name, value } : undefined;
  };
  const context = env.CONTEXT?.trim();
  const found =
    named('SITE_URL') ??
    (context === 'production'
      ? named('URL')
      : context
        ? (named('DEPLOY_PRIME_URL') ?? named('URL'))
        : undefined);
  if (found) return originOf(found.name, found.value, context === 'production');
  if (context === 'production') {
    throw new SiteUrlError(
      'SITE_URL is not set for this production build, and Netlify gave no URL: set SITE_URL to the public address (e.g. https://www.example.org) so canonical links, the sitemap and the feed point at it.',
    );
  }
  return LOCAL_SITE_URL;
}
