/**
 * Password rules (SECURITY.md 7-8): 8 to 256 characters counted as code points
 * of the NFC form, never trimmed or case-changed, not one of the most common passwords, and not
 * containing the site's name or the person's own username or email.
 */
import { normalizePassword } from './password-text.ts';
import { loadCommonPasswords } from './common-passwords.ts';

/** Whether a new password meets the rules; when it does, the password in the form that is hashed (NFC). */
export type PasswordPolicyResult = { ok: true; password: string } | { ok: false; message: string };

export const PASSWORD_MESSAGES = {
  required: 'Enter a password',
  tooShort: 'Use at least 8 characters (15 or more is better)',
  tooLong: 'Use 256 characters or fewer',
  common: 'That is one of the most common passwords: choose another',
  username: "Don't include your username in your password",
  email: "Don't include your email address in your password",
} as const;

/** Message for a password that contains one of the site's own words. */
export function siteWordMessage(word: string): string {
  return `Don't include "${word}" in your password`;
}

/** Who the password belongs to, for the context-word rule. */
export interface PasswordContext {
  siteName: string;
  username?: string;
  email?: string;
}

/** Words about the site that a password must not contain, lower case. */
export function siteWords(siteName: string): string[] {
  const words = siteName
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4);
  return [...new Set([...words, 'police', 'federation'])];
}

/** Checks a new password. */
export function checkPassword(input: unknown, context: PasswordContext): PasswordPolicyResult {
  // The rules judge the form that is hashed: NFC (NIST SP 800-63B 5.1.1.2).
  const password = typeof input === 'string' ? normalizePassword(input) : '';
  if (password === '') return { ok: false, message: PASSWORD_MESSAGES.required };
  const length = [...password].length;
  if (length < 8) return { ok: false, message: PASSWORD_MESSAGES.tooShort };
  if (length > 256) return { ok: false, message: PASSWORD_MESSAGES.tooLong };
  const lower = password.toLowerCase();
  if (loadCommonPasswords().has(lower)) return { ok: false, message: PASSWORD_MESSAGES.common };
  const username = context.username?.normalize('NFC').trim().toLowerCase();
  if (username && username.length >= 3 && lower.includes(username)) {
    return { ok: false, message: PASSWORD_MESSAGES.username };
  }
  const localPart = context.email?.normalize('NFC').trim().toLowerCase().split('@')[0];
  if (localPart && localPart.length >= 3 && lower.includes(localPart)) {
    return { ok: false, message: PASSWORD_MESSAGES.email };
  }
  const word = siteWords(context.siteName).find((w) => lower.includes(w));
  if (word) return { ok: false, message: siteWordMessage(word) };
  return { ok: true, password };
}
