/** Names: required, trimmed, at most 100 characters, in any script. */

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

export const NAME_MESSAGES = {
  firstNameRequired: 'Enter your first name',
  surnameRequired: 'Enter your surname',
  tooLong: 'Use 100 characters or fewer',
  control: 'Remove the hidden control characters',
} as const;

/** Checks a first name or surname. */
export function checkName(input: unknown, which: 'firstName' | 'surname'): NameCheck {
  const name = typeof input === 'string' ? input.trim().normalize('NFC') : '';
  if (name === '') {
    return {
      ok: false,
      message:
        which === 'firstName' ? NAME_MESSAGES.firstNameRequired : NAME_MESSAGES.surnameRequired,
    };
  }
  if ([...name].length > 100) return { ok: false, message: NAME_MESSAGES.tooLong };
  if (/\p{Cc}/u.test(name)) return { ok: false, message: NAME_MESSAGES.control };
  return { ok: true, name };
}

/** Surname form used to compare against the roll: no accents, case, spaces or punctuation. */
export function normaliseSurname(surname: string): string {
  return surname
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
