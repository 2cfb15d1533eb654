import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import cspHeaders from '../../src/integrations/csp-headers.ts';
import { LOCAL_CMS_BACKEND_ORIGIN, STRICT_CSP } from '../../src/server/security-headers.ts';

const dist = mkdtempSync(path.join(tmpdir(), 'csp-headers-'));
mkdirSync(path.join(dist, 'admin'));
mkdirSync(path.join(dist, 'news'));
writeFileSync(path.join(dist, 'index.html'), '<p>home</p>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** Runs the integration's build-done step on the folder; the policy of each path it wrote. */
function writtenPolicies(): Map<string, string> {
  const done = cspHeaders().hooks['astro:build:done'] as (options: { dir: URL }) => void;
  done({ dir: pathToFileURL(dist + path.sep) });
  const text = readFileSync(path.join(dist, '_headers'), 'utf8');
  const policies = new Map<string, string>();
  for (const [, rule, csp] of text.matchAll(/^(\S+)\n {2}Content-Security-Policy: (.+)$/gm)) {
    expect(policies.has(rule), `one policy for ${rule}`).toBe(false);
    policies.set(rule, csp);
  }
  return policies;
}

describe('csp-headers: dist/_headers', () => {
  it('gives every path exactly one policy, the strict one but for the CMS', () => {
    const policies = writtenPolicies();
    expect(policies.get('/')).toBe(STRICT_CSP);
    expect(policies.get('/news/*')).toBe(STRICT_CSP);
    expect(policies.get('/index.html')).toBe(STRICT_CSP);
    expect(policies.get('/admin/*')).toContain("script-src 'self' 'unsafe-eval'");
    expect(policies.get('/admin')).toBe(policies.get('/admin/*'));
  });

  it('lets the CMS reach decap-server on this machine in a local build only', () => {
    vi.stubEnv('NETLIFY', '');
    vi.stubEnv('SITE_ID', '');
    expect(writtenPolicies().get('/admin/*')).toContain(LOCAL_CMS_BACKEND_ORIGIN);
    for (const [name, value] of [
      ['NETLIFY', 'true'],
      ['SITE_ID', 'a1b2c3'],
    ]) {
      vi.stubEnv(name, value);
      const admin = writtenPolicies().get('/admin/*')!;
      expect(admin, name).not.toContain('localhost');
      expect(admin, name).toContain("connect-src 'self' blob: https://api.github.com");
      vi.unstubAllEnvs();
    }
  });
});
