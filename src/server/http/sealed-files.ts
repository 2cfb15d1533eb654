import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Reads built HTML kept outside dist/ (sealed pages and form-page shells) and
 * keeps it: a warm function serves later requests from memory. A kept file's
 * modification time and size are looked at again at most once a second, so a
 * local server shows a rebuilt page within a second, as it does dist/'s (a
 * deployed function's files never change). Only files that exist are kept:
 * the set of built pages is finite, while the paths people ask for are not, so
 * caching misses would grow without bound.
 */

/** Milliseconds a kept file is served before its modification time is looked at again. */
export const SEALED_FILE_RECHECK_MS = 1000;

/** Which version of a file was kept: its path, modification time and size when read, and when last compared. */
interface Version {
  file: string;
  mtimeMs: number;
  size: number;
  checkedAt: number;
}

/** What is kept of one file that exists: its text, and its bytes cut at each marker asked for. */
interface KeptFile extends Version {
  root: string;
  text: string;
  parts: Map<string, readonly Uint8Array<ArrayBuffer>[]>;
  includes: Map<string, boolean>;
}

interface KeptBytes extends Version {
  bytes: Uint8Array<ArrayBuffer>;
}

export class SealedFiles {
  /** By the path asked for; `root` says which folder it was read from. */
  private readonly kept = new Map<string, KeptFile>();
  private readonly byteCache = new Map<string, KeptBytes>();
  private readonly recheckMs: number;

  /**
   * `root` is a folder, or a function giving it, asked on each read (the configuration may
   * change in tests); `recheckMs` is how long a kept file is served before it is compared
   * with the file again.
   */
  constructor(
    private readonly rootOf: string | (() => string),
    options: { recheckMs?: number } = {},
  ) {
    this.recheckMs = options.recheckMs ?? SEALED_FILE_RECHECK_MS;
  }

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
    return this.keep(relative)?.text ?? null;
  }

  /** The file at `relative` as bytes (images of sealed content), or null; same rules as `read`. */
  readBytes(relative: string): Uint8Array<ArrayBuffer> | null {
    const full = this.resolve(relative);
    if (!full) return null;
    const cached = this.byteCache.get(full);
    if (cached !== undefined && this.isCurrent(cached)) return cached.bytes;
    this.byteCache.delete(full);
    const read = readVersion(full);
    if (read === null) return null;
    // A copy of its own: Node may pool small reads in a shared buffer.
    const bytes = new Uint8Array(read.bytes);
    this.byteCache.set(full, { ...read.version, bytes });
    return bytes;
  }

  /**
   * The text file at `relative` as UTF-8 bytes cut at every `marker` (the
   * marker left out), or null; same rules as `read`. A page is then made by
   * joining the parts around what goes in the marker's place, without
   * searching or encoding the page again on each request.
   */
  readParts(relative: string, marker: string): readonly Uint8Array<ArrayBuffer>[] | null {
    const file = this.keep(relative);
    if (!file) return null;
    let parts = file.parts.get(marker);
    if (parts === undefined) {
      const encoder = new TextEncoder();
      parts = file.text.split(marker).map((part) => encoder.encode(part));
      file.parts.set(marker, parts);
    }
    return parts;
  }

  /**
   * Whether the text file at `relative` contains `marker`, or null when it
   * does not exist; same rules as `read`. Asked once per file and marker.
   */
  includes(relative: string, marker: string): boolean | null {
    const file = this.keep(relative);
    if (!file) return null;
    let found = file.includes.get(marker);
    if (found === undefined) {
      found = file.text.includes(marker);
      file.includes.set(marker, found);
    }
    return found;
  }

  /** The kept file at `relative`, read on first use; null (and nothing kept) when it does not exist. */
  private keep(relative: string): KeptFile | null {
    const root = this.root;
    const kept = this.kept.get(relative);
    if (kept !== undefined && kept.root === root && this.isCurrent(kept)) return kept;
    this.kept.delete(relative);
    const full = this.resolve(relative);
    if (!full) return null;
    const read = readVersion(full);
    if (read === null) return null;
    const file: KeptFile = {
      ...read.version,
      root,
      text: read.bytes.toString('utf8'),
      parts: new Map(),
      includes: new Map(),
    };
    this.kept.set(relative, file);
    return file;
  }

  /** True while `kept` is what its file holds, looking at the file at most once per `recheckMs`. */
  private isCurrent(kept: Version): boolean {
    const now = performance.now();
    if (now - kept.checkedAt < this.recheckMs) return true;
    const stats = statSync(kept.file, { throwIfNoEntry: false });
    if (stats?.mtimeMs !== kept.mtimeMs || stats.size !== kept.size) return false;
    kept.checkedAt = now;
    return true;
  }

  private resolve(relative: string): string | null {
    const root = this.root;
    const full = path.resolve(root, relative);
    return full !== root && full.startsWith(root + path.sep) ? full : null;
  }
}

/** The file's bytes and the version they are (stat first: a change while reading shows next time). */
function readVersion(file: string): { bytes: Buffer; version: Version } | null {
  try {
    const { mtimeMs, size } = statSync(file);
    const version = { file, mtimeMs, size, checkedAt: performance.now() };
    return { bytes: readFileSync(file), version };
  } catch {
    return null;
  }
}
