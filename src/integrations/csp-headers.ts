import type { AstroIntegration } from 'astro';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isOnNetlify } from '../server/config.ts';
import { STRICT_CSP, SEARCH_CSP, adminCsp } from '../server/security-headers.ts';

/**
 * Paths with a policy of their own. Pagefind compiles its WebAssembly inside a
 * worker loaded from /pagefind/, and a worker is governed by the CSP of its own
 * script's response, not the page's. The CMS may reach decap-server on this
 * machine only in a build made here: a deploy's /admin/ talks to GitHub alone.
 */
function specialPolicies(): Record<string, string> {
  return {
    search: SEARCH_CSP,
    pagefind: SEARCH_CSP,
    admin: adminCsp({ localBackend: !isOnNetlify() }),
  };
}

/**
 * Writes dist/_headers with exactly one Content-Security-Policy per path.
 * Netlify path rules cannot say "everything except /admin/", and two matching
 * rules would send two policies (the browser enforces both, so Decap breaks),
 * so each top-level entry of dist/ gets its own rule.
 */
export default function cspHeaders(): AstroIntegration {
  return {
    name: 'csp-headers',
    hooks: {
      'astro:build:done': ({ dir }) => {
        const distDir = fileURLToPath(dir);
        const special = specialPolicies();
        const rules: string[] = [`/\n  Content-Security-Policy: ${STRICT_CSP}`];
        for (const name of readdirSync(distDir).sort()) {
          if (name === '_headers' || name === '_redirects') continue;
          const csp = special[name] ?? STRICT_CSP;
          const isDir = statSync(path.join(distDir, name)).isDirectory();
          rules.push(`/${name}${isDir ? '/*' : ''}\n  Content-Security-Policy: ${csp}`);
          if (isDir) rules.push(`/${name}\n  Content-Security-Policy: ${csp}`);
        }
        writeFileSync(path.join(distDir, '_headers'), rules.join('\n') + '\n');
      },
    },
  };
}
