import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Quoted-printable text (RFC 2045, 6.7) as the bytes it stands for, read as Latin-1 letters. */
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * Every message in a site's outbox (DATA_DIR/mail, one .eml file each) addressed
 * to `to`, oldest first, with its body decoded from quoted-printable so links read
 * whole. The message's own header block is kept as written: a header is never
 * quoted-printable, and `?token=EB…` in List-Unsubscribe must not become `?tokenë…`.
 */
export function readMailTo(dataDir: string, to: string): string[] {
  const dir = path.join(dataDir, 'mail');
  return readdirSync(dir)
    .sort()
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .map((text) => {
      const bodyAt = text.search(/\r?\n\r?\n/);
      if (bodyAt < 0) return text;
      return text.slice(0, bodyAt) + decodeQuotedPrintable(text.slice(bodyAt));
    })
    .filter((text) => text.includes(`To: ${to}`));
}
