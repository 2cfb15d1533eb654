/**
 * Files the server reads at run time, found from the code that reads them and
 * never from the working directory: the code runs as TypeScript in this
 * repository (src/server/...), or bundled by esbuild into one file at the root
 * of a function's zip, with `sealed/` and `data/` beside it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This module's folder; in a bundle, the bundle's folder. */
const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * The first `relative` path that exists in `start` or one of its parents,
 * stopping after the folder that holds package.json (the project's root), or
 * null when there is none.
 */
export function findUpward(relative: string, start: string = HERE): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir || existsSync(path.join(dir, 'package.json'))) return null;
    dir = parent;
  }
}

/** The folder holding this project's package.json, or null when the code runs from a bundle without one. */
export function projectRoot(start: string = HERE): string | null {
  const file = findUpward('package.json', start);
  return file ? path.dirname(file) : null;
}
