/**
 * Whether a page is indexed has one source: its own `<meta name="robots">`
 * (written by BaseLayout's `noindex` and `sealed` props, or by the page). The
 * sitemap follows it by reading each built page, so a page marked noindex can
 * never be listed (sitemaps.org protocol; Google: "Block Search indexing with noindex").
 */
import type { AstroIntegration } from 'astro';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directives of every `<meta name="robots">` in `html`, lower case. */
export function robotsDirectives(html: string): string[] {
  const directives: string[] = [];
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    const attrs = new Map<string, string>();
    for (const [, name, dq, sq, bare] of tag.matchAll(
      /([^\s=/<>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g,
    )) {
      attrs.set(name.toLowerCase(), dq ?? sq ?? bare ?? '');
    }
    if (attrs.get('name')?.trim().toLowerCase() !== 'robots') continue;
    for (const part of (attrs.get('content') ?? '').split(','))
      if (part.trim()) directives.push(part.trim().toLowerCase());
  }
  return directives;
}

/** True when the page asks not to be indexed (`noindex`, or `none` which implies it). */
export function isNoindex(html: string): boolean {
  return robotsDirectives(html).some((d) => d === 'noindex' || d === 'none');
}

/** The built file for a page URL in a `build.format: 'directory'` output, or null. */
export function builtFileFor(outDir: string, pageUrl: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(pageUrl).pathname);
  } catch {
    return null;
  }
  const file = path.join(outDir, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  if (!file.startsWith(outDir + path.sep)) return null;
  if (existsSync(file)) return file;
  return existsSync(`${file}.html`) ? `${file}.html` : null;
}

/**
 * An integration that learns the output folder, and the sitemap filter that
 * keeps a page only when its built HTML exists and is not marked noindex.
 * List the integration before `@astrojs/sitemap`, whose filter runs when the
 * build is done (before the members pages are moved out of the output).
 */
export function createIndexing(): {
  integration: AstroIntegration;
  filter: (page: string) => boolean;
} {
  let outDir = '';
  return {
    integration: {
      name: 'indexing',
      hooks: {
        'astro:config:done': ({ config }) => {
          outDir = path.resolve(fileURLToPath(config.outDir));
        },
      },
    },
    filter(page) {
      if (!outDir) throw new Error('indexing: the sitemap filter ran before the config was read');
      const file = builtFileFor(outDir, page);
      return file !== null && !isNoindex(readFileSync(file, 'utf8'));
    },
  };
}
