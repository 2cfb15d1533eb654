import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from '../../../src/integrations/sealed/public-output';
import { normalise, textOf } from '../../../src/integrations/sealed/sealed-text';

/** Repository root, the public output and the sealed pages beside it. */
export const root = path.resolve(import.meta.dirname, '../../..');
export const distDir = path.join(root, 'dist');
export const sealedDir = path.join(root, 'sealed');

export { listFiles, normalise, textOf };

/** Public HTML pages, excluding the CMS (which has its own rules). */
export function listPublicPages(): string[] {
  return listFiles(distDir).filter(
    (file) => file.endsWith('.html') && !file.startsWith(path.join(distDir, 'admin') + path.sep),
  );
}

/** Site path of a built HTML file: dist/news/a/index.html -> /news/a/. */
export function pathOfFile(file: string, base = distDir): string {
  const rel = '/' + path.relative(base, file).split(path.sep).join('/');
  return rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel;
}

/** The file that serves `sitePath` from dist/ (or sealed/ for members and staff pages). */
export function fileForPath(sitePath: string): string {
  const clean = decodeURI(sitePath.split(/[?#]/)[0]);
  const base = /^\/(members|staff)\//.test(clean) ? sealedDir : distDir;
  return path.join(base, clean.endsWith('/') ? clean + 'index.html' : clean);
}

/** HTML of the page at `sitePath`; throws with the path when it was not built. */
export function readPage(sitePath: string): string {
  const file = fileForPath(sitePath);
  if (!existsSync(file)) throw new Error(`no page built for ${sitePath} (${file})`);
  return readFileSync(file, 'utf8');
}

/** Every start tag named `tag` in `html`, as its raw text. */
export function findTags(html: string, tag: string): string[] {
  return html.match(new RegExp(`<${tag}\\b[^>]*>`, 'gi')) ?? [];
}

/** Value of `name` in a raw start tag, decoded for &amp; and &#38;; undefined when absent. */
export function attr(tagText: string, name: string): string | undefined {
  const match = tagText.match(new RegExp(`\\s${name}=(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  if (!match) return undefined;
  return (match[1] ?? match[2] ?? match[3] ?? '').replace(/&#38;|&amp;/g, '&');
}

/** Content of `<meta property|name=key>` in `html`. */
export function metaContent(html: string, key: string): string | undefined {
  const tag = findTags(html, 'meta').find(
    (t) => attr(t, 'property') === key || attr(t, 'name') === key,
  );
  return tag ? attr(tag, 'content') : undefined;
}

/** Bytes of a page's HTML plus every stylesheet it links. */
export function measurePageBytes(sitePath: string): number {
  const html = readFileSync(fileForPath(sitePath), 'utf8');
  const css = findTags(html, 'link')
    .filter((t) => attr(t, 'rel') === 'stylesheet')
    .map((t) => statSync(fileForPath(attr(t, 'href')!)).size);
  return Buffer.byteLength(html) + css.reduce((a, b) => a + b, 0);
}
