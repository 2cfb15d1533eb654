import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads built HTML kept outside dist/ (sealed pages and form-page shells), once
 * per file per process: a warm function serves later requests from memory.
 * Only files that exist are kept: the set of built pages is finite, while the
 * paths people ask for are not, so caching misses would grow without bound.
 */
export class SealedFiles {
  private readonly cache = new Map<string, string>();
  private readonly byteCache = new Map<string, Uint8Array<ArrayBuffer>>();
  private readonly partsCache = new Map<string, readonly Uint8Array<ArrayBuffer>[]>();
  private readonly includesCache = new Map<string, boolean>();

  /** `root` is a folder, or a function giving it, asked on each read (the configuration may change in tests). */
  constructor(private readonly rootOf: string | (() => string)) {}

  /** The folder files are read from. */
  get root(): string {
    return typeof this.rootOf === 'string' ? this.rootOf : this.rootOf();
  }

  /**
   * The file at `relative` under the root, or null when it does not exist.
   * The caller passes a path it built from known-safe segments; this check is
   * the second line of defence against escaping the root.
   */
  read(relative: string): string | null {
    const full = this.resolve(relative);
    if (!full) return null;
    const cached = this.cache.get(full);
    if (cached !== undefined) return cached;
    const bytes = readOrNull(full);
    if (bytes === null) return null;
    const text = bytes.toString('utf8');
    this.cache.set(full, text);
    return text;
  }

  /** The file at `relative` as bytes (images of sealed content), or null; same rules as `read`. */
  readBytes(relative: string): Uint8Array<ArrayBuffer> | null {
    const full = this.resolve(relative);
    if (!full) return null;
    const cached = this.byteCache.get(full);
    if (cached !== undefined) return cached;
    const read = readOrNull(full);
    if (read === null) return null;
    // A copy of its own: Node may pool small reads in a shared buffer.
    const bytes = new Uint8Array(read);
    this.byteCache.set(full, bytes);
    return bytes;
  }

  /**
   * The text file at `relative` as UTF-8 bytes cut at every `marker` (the
   * marker left out), or null; same rules as `read`. A page is then made by
   * joining the parts around what goes in the marker's place, without
   * searching or encoding the page again on each request.
   */
  readParts(relative: string, marker: string): readonly Uint8Array<ArrayBuffer>[] | null {
    const full = this.resolve(relative);
    if (!full) return null;
    const key = `${marker}\0${full}`;
    const cached = this.partsCache.get(key);
    if (cached !== undefined) return cached;
    const text = this.read(relative);
    if (text === null) return null;
    const encoder = new TextEncoder();
    const parts = text.split(marker).map((part) => encoder.encode(part));
    this.partsCache.set(key, parts);
    return parts;
  }

  /**
   * Whether the text file at `relative` contains `marker`, or null when it
   * does not exist; same rules as `read`. Asked once per file and marker.
   */
  includes(relative: string, marker: string): boolean | null {
    const full = this.resolve(relative);
    if (!full) return null;
    const key = `${marker}\0${full}`;
    const cached = this.includesCache.get(key);
    if (cached !== undefined) return cached;
    const text = this.read(relative);
    if (text === null) return null;
    const found = text.includes(marker);
    this.includesCache.set(key, found);
    return found;
  }

  private resolve(relative: string): string | null {
    const root = this.root;
    const full = path.resolve(root, relative);
    return full !== root && full.startsWith(root + path.sep) ? full : null;
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}
