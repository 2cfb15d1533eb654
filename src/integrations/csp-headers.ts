import type { AstroIntegration } from 'astro';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { STRICT_CSP, SEARCH_CSP, adminCsp } from '../server/security-headers.ts';

// Pagefind compiles its WebAssembly inside a worker loaded from /pagefind/, and a
// worker is governed by the CSP of its own script's response, not the page's.
const SPECIAL: Record<string, string> = {
  search: SEARCH_CSP,
  pagefind: SEARCH_CSP,
  admin: adminCsp(),
};

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
        const rules: string[] = [`/\n  Content-Security-Policy: ${STRICT_CSP}`];
        for (const name of readdirSync(distDir).sort()) {
          if (name === '_headers' || name === '_redirects') continue;
          const csp = SPECIAL[name] ?? STRICT_CSP;
          const isDir = statSync(path.join(distDir, name)).isDirectory();
          rules.push(`/${name}${isDir ? '/*' : ''}\n  Content-Security-Policy: ${csp}`);
          if (isDir) rules.push(`/${name}\n  Content-Security-Policy: ${csp}`);
        }
        writeFileSync(path.join(distDir, '_headers'), rules.join('\n') + '\n');
      },
    },
  };
}
