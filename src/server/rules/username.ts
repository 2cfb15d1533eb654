/** Usernames: 3 to 32 of a-z, 0-9, dot, dash, underscore; never an email address. */

export type UsernameCheck =
  { ok: true; username: string; usernameLower: string } | { ok: false; message: string };

export const USERNAME_MESSAGES = {
  required: 'Choose a username',
  tooShort: 'Use at least 3 characters',
  tooLong: 'Use 32 characters or fewer',
  characters: 'Use only letters a to z, digits, dots (.), dashes (-) and underscores (_)',
  email: "Don't use your email as your username",
} as const;

/** The lower-cased form used for comparison and uniqueness. */
export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Checks a username; `email` (if given) is the address it must not repeat. */
export function checkUsername(input: unknown, email?: string): UsernameCheck {
  const username = typeof input === 'string' ? input.trim() : '';
  if (username === '') return { ok: false, message: USERNAME_MESSAGES.required };
  const lower = username.toLowerCase();
  if (username.includes('@')) return { ok: false, message: USERNAME_MESSAGES.email };
  const localPart = email?.trim().toLowerCase().split('@')[0];
  if (localPart && lower === localPart) return { ok: false, message: USERNAME_MESSAGES.email };
  const length = [...username].length;
  if (length < 3) return { ok: false, message: USERNAME_MESSAGES.tooShort };
  if (length > 32) return { ok: false, message: USERNAME_MESSAGES.tooLong };
  if (!/^[A-Za-z0-9._-]+$/.test(username))
    return { ok: false, message: USERNAME_MESSAGES.characters };
  return { ok: true, username, usernameLower: lower };
}
