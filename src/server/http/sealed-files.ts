import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads built HTML kept outside dist/ (sealed pages and form-page shells), once
 * per file per process: a warm function serves later requests from memory.
 */
export class SealedFiles {
  private readonly cache = new Map<string, string | null>();

  constructor(readonly root: string) {}

  /**
   * The file at `relative` under the root, or null when it does not exist.
   * The caller passes a path it built from known-safe segments; this check is
   * the second line of defence against escaping the root.
   */
  read(relative: string): string | null {
    const full = path.resolve(this.root, relative);
    if (full !== this.root && !full.startsWith(this.root + path.sep)) return null;
    if (!this.cache.has(full)) this.cache.set(full, readOrNull(full));
    return this.cache.get(full)!;
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
