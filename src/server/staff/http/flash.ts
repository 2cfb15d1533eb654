/**
 * The short status message shown after a staff action: the POST answers 303
 * with the message in a short-lived cookie, and the next staff page shows it
 * once and clears it. Nothing from the cookie is trusted beyond display text.
 */

import { isRecord } from '../../../lib/is-record.ts';

/** A status line: `ok` for done, `error` for refused. */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

const NAME = 'staff_flash';
const MAX_TEXT = 600;

/** `Set-Cookie` value carrying a flash message for the next page. */
export function buildFlashCookie(flash: Flash): string {
  const value = Buffer.from(
    JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, MAX_TEXT) }),
  ).toString('base64url');
  return `${NAME}=${value}; Max-Age=120; Path=/api/staff; HttpOnly; Secure; SameSite=Lax`;
}

/** `Set-Cookie` value clearing the flash. */
export function clearFlashCookie(): string {
  return `${NAME}=; Max-Age=0; Path=/api/staff; HttpOnly; Secure; SameSite=Lax`;
}

/** The flash message a request carries, or null. */
export function readFlash(req: Request): Flash | null {
  const cookie = req.headers.get('cookie') ?? '';
  const match = new RegExp(`(?:^|;\\s*)${NAME}=([A-Za-z0-9_-]+)`).exec(cookie);
  if (!match) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8'));
    if (!isRecord(parsed)) return null;
    if ((parsed.kind === 'ok' || parsed.kind === 'error') && typeof parsed.text === 'string') {
      return { kind: parsed.kind, text: parsed.text.slice(0, MAX_TEXT) };
    }
  } catch {
    // an unreadable flash is ignored
  }
  return null;
}
