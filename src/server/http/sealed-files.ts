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
    const root = this.root;
    const full = path.resolve(root, relative);
    if (full !== root && !full.startsWith(root + path.sep)) return null;
    const cached = this.cache.get(full);
    if (cached !== undefined) return cached;
    const text = readOrNull(full);
    if (text !== null) this.cache.set(full, text);
    return text;
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
