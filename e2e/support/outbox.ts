import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Every message in a site's outbox (DATA_DIR/mail, one .eml file each) addressed
 * to `to`, oldest first, decoded from quoted-printable so links read whole.
 */
export function readMailTo(dataDir: string, to: string): string[] {
  const dir = path.join(dataDir, 'mail');
  return readdirSync(dir)
    .sort()
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .map((text) =>
      text
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    )
    .filter((text) => text.includes(`To: ${to}`));
}
