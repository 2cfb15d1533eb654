/**
 * The few POSIX `path` functions Decap imports (`basename`, `dirname`, `extname`, `join`,
 * `sep`), for the browser bundle: Vite does not polyfill Node built-ins.
 *
 * One deliberate difference from Node: `join('./images', 'a.jpg')` keeps the leading
 * `./` (Node gives `images/a.jpg`). Decap builds an uploaded image's frontmatter value
 * with `join(public_folder, name)`, and astro:assets resolves an image beside the entry
 * only when its path starts with `./`.
 */

export const sep = '/';
export const delimiter = ':';

/** Resolves `.` and `..` segments and repeated slashes, as `path.posix.normalize`. */
export function normalize(path: string): string {
  if (path === '') return '.';
  const absolute = path.startsWith('/');
  const trailing = path.endsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  let result = (absolute ? '/' : '') + out.join('/');
  if (result === '') result = absolute ? '/' : '.';
  if (trailing && result !== '/') result += '/';
  return result;
}

/** Joins segments and normalises the result, keeping an explicit leading `./`. */
export function join(...segments: string[]): string {
  const parts = segments.filter((s) => s !== '');
  if (parts.length === 0) return '.';
  const joined = normalize(parts.join('/'));
  const keepDot = parts[0].startsWith('./') && !joined.startsWith('.') && !joined.startsWith('/');
  return keepDot ? `./${joined}` : joined;
}

/** The last segment, without `ext` when it ends with it. */
export function basename(path: string, ext?: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const base = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return ext && base.endsWith(ext) && base !== ext ? base.slice(0, -ext.length) : base;
}

/** Everything before the last segment (`.` when there is none). */
export function dirname(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const index = trimmed.lastIndexOf('/');
  if (index === -1) return '.';
  if (index === 0) return '/';
  return trimmed.slice(0, index);
}

/** The extension of the last segment, with its dot (`''` when there is none). */
export function extname(path: string): string {
  const base = basename(path);
  const index = base.lastIndexOf('.');
  return index <= 0 ? '' : base.slice(index);
}

/** True for paths starting at the root. */
export function isAbsolute(path: string): boolean {
  return path.startsWith('/');
}

export default { sep, delimiter, normalize, join, basename, dirname, extname, isAbsolute };
