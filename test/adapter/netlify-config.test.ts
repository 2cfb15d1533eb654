import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHeaderRules, headersForPath } from '../../scripts/lib/netlify-rules.ts';
import { BASE_SECURITY_HEADERS } from '../../src/server/security-headers.ts';
import { BUNDLED_FUNCTIONS_DIR } from '../../scripts/lib/function-bundles.ts';
import { readDeploySettings } from '../../scripts/lib/netlify-zip.ts';

const root = path.resolve(import.meta.dirname, '../..');
const configPath = path.join(root, 'netlify.toml');

describe('netlify.toml', () => {
  it('gives every static path the security headers functions also send', async () => {
    const rules = await loadHeaderRules({ configPath, file: path.join(root, 'no-such-_headers') });
    const expected = Object.fromEntries(
      Object.entries(BASE_SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value]),
    );
    for (const pathname of ['/', '/news/some-story/', '/_astro/site.css', '/admin/']) {
      expect(headersForPath(rules, pathname)).toMatchObject(expected);
    }
  });

  it('lets browsers keep Astro’s hashed files for a year, and no page or sealed path', async () => {
    const rules = await loadHeaderRules({ configPath, file: path.join(root, 'no-such-_headers') });
    for (const pathname of ['/_astro/site.Ab12_Cd3.css', '/_astro/chunks/x.Ab12_Cd3.js']) {
      expect(headersForPath(rules, pathname)['cache-control'], pathname).toBe(
        'public, max-age=31536000, immutable',
      );
    }
    // Pages keep Netlify's default (revalidated); functions set `private, no-store` themselves.
    for (const pathname of [
      '/',
      '/news/some-story/',
      '/admin/',
      '/members/',
      '/members/_assets/a.avif',
    ]) {
      expect(headersForPath(rules, pathname)['cache-control'], pathname).toBeUndefined();
    }
  });

  it('points Netlify at the bundles its build command makes, each zipped as it is', async () => {
    const settings = await readDeploySettings(root);
    expect(settings.buildCommand).toBe('npm run build:netlify');
    expect(path.relative(root, settings.functionsDirectory)).toBe(BUNDLED_FUNCTIONS_DIR);
    expect(settings.functions['*']).toMatchObject({
      node_bundler: 'none',
      included_files: ['sealed/_forms/**'],
    });
    expect(settings.functions.members).toMatchObject({ included_files: ['sealed/**'] });
  });

  it('runs the build and the functions on one supported Node major', async () => {
    const { environment } = await readDeploySettings(root);
    expect(['22', '24']).toContain(environment.NODE_VERSION);
    expect(environment.AWS_LAMBDA_JS_RUNTIME).toBe(`nodejs${environment.NODE_VERSION}.x`);
    const engines = (
      JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(engines).toContain(`^${environment.NODE_VERSION}`);
  });
});
