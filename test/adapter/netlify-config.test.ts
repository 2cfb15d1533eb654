import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHeaderRules, headersForPath } from '../../scripts/lib/netlify-rules.ts';
import { BASE_SECURITY_HEADERS } from '../../src/server/security-headers.ts';

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

  it('ships the sealed pages and the files the server code reads with the functions', () => {
    const toml = readFileSync(configPath, 'utf8');
    expect(toml).toMatch(/^\s*publish = "dist"$/m);
    expect(toml).toMatch(/^\s*directory = "functions"$/m);
    const included = toml.match(/^\s*included_files = (\[.*\])$/m)?.[1] ?? '[]';
    expect(JSON.parse(included)).toEqual(['sealed/**', 'data/common-passwords.txt']);
    expect(toml).toMatch(/^\s*node_bundler = "esbuild"$/m);
  });
});
