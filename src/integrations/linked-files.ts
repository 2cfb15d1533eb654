/**
 * Reusing a previous build's file instead of writing it again: a hard link is
 * made only where the old file holds exactly the new bytes, so a build never
 * gets content other than its own. Creating thousands of files is slow on a
 * build disk; linking one is about a tenth of the cost.
 */
import { linkSync, lstatSync, readFileSync } from 'node:fs';

/** Links `from` at `to`, or gives false where it cannot (another file system, a name taken). */
export function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false;
  }
}

/** True when `file` is a plain file holding exactly `content`. */
function holdsBytes(file: string, content: Uint8Array): boolean {
  try {
    const stat = lstatSync(file);
    return stat.isFile() && stat.size === content.byteLength && readFileSync(file).equals(content);
  } catch {
    return false;
  }
}

/**
 * Links `previous` at `target` when it holds exactly `content` (text is
 * compared as UTF-8); false when it does not or cannot be linked, for the
 * caller to write the file.
 */
export function linkIfUnchanged(
  previous: string,
  target: string,
  content: Uint8Array | string,
): boolean {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  return holdsBytes(previous, bytes) && tryLink(previous, target);
}
