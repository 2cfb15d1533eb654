/** Loads data/common-passwords.txt once (lower case, one per line, `#` comments). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = 'data/common-passwords.txt';
let cached: Set<string> | undefined;

function findFile(): string {
  // From the working directory (functions run from the repository root), or from this module.
  const candidates = [
    path.resolve(FILE),
    fileURLToPath(new URL(`../../../${FILE}`, import.meta.url)),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
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
