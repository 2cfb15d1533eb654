/**
 * Warrant numbers: exactly six ASCII digits. Spaces are ignored; everything
 * else that people commonly type gets a message saying what to change.
 */

/** The outcome of checking a typed warrant number. */
export type WarrantCheck = { ok: true; digits: string } | { ok: false; message: string };

export const WARRANT_MESSAGES = {
  required: 'Enter your warrant number',
  prefix: 'Enter the 6 digits only, without the P or pay prefix',
  nonAscii: 'Use the digits 0 to 9 only',
  letters: 'A warrant number is 6 digits, with no letters',
  symbols: 'Enter the 6 digits only, without dashes or other marks',
} as const;

/** Message for a string of digits of the wrong length. */
export function wrongLengthMessage(count: number): string {
  return `A warrant number has exactly 6 digits; you entered ${count}`;
}

// A leading P, "PAY", "pay no." or "payroll" followed by digits.
const PREFIXED = /^(?:p|pay|payroll|pay\s*no\.?|pay\s*number)[\s.:#/-]*[0-9]+$/i;

/** Checks a warrant number as typed and returns its 6 digits. */
export function checkWarrantNumber(input: unknown): WarrantCheck {
  const value = typeof input === 'string' ? input.replace(/\s+/gu, '') : '';
  if (value === '') return { ok: false, message: WARRANT_MESSAGES.required };
  if (PREFIXED.test(value)) return { ok: false, message: WARRANT_MESSAGES.prefix };
  if (/^[0-9]+$/.test(value)) {
    return value.length === 6
      ? { ok: true, digits: value }
      : { ok: false, message: wrongLengthMessage(value.length) };
  }
  if (/^\p{Nd}+$/u.test(value)) return { ok: false, message: WARRANT_MESSAGES.nonAscii };
  if (/\p{L}/u.test(value)) return { ok: false, message: WARRANT_MESSAGES.letters };
  return { ok: false, message: WARRANT_MESSAGES.symbols };
}
