/** Loads data/common-passwords.txt once (lower case, one per line, `#` comments). */
import fs from 'node:fs';
import { findUpward } from '../paths.ts';

const FILE = 'data/common-passwords.txt';
let cached: Set<string> | undefined;

function findFile(): string {
  // In the project (run from source) or at the bundle's root (netlify.toml `included_files`).
  const found = findUpward(FILE);
  if (!found) throw new Error(`${FILE} is missing: it must ship with the server code.`);
  return found;
}

/** The set of common passwords, lower case, in NFC (the form passwords are checked in). */
export function loadCommonPasswords(): Set<string> {
  if (!cached) {
    const lines = fs.readFileSync(findFile(), 'utf8').split('\n');
    cached = new Set(
      lines.map((l) => l.trim().normalize('NFC')).filter((l) => l && !l.startsWith('#')),
    );
  }
  return cached;
}
