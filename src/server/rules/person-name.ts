/**
 * Names: required, trimmed, at most 100 characters, in any script, without
 * hidden control characters. The same rules hold for a name typed at
 * registration and a surname read from the roll.
 */
import transliterate from '@sindresorhus/transliterate';

/** Why a name was refused; each caller words it for its own reader. */
export type NameProblem = 'missing' | 'tooLong' | 'control';

export type NameCheck =
  { ok: true; name: string } | { ok: false; problem: NameProblem; message: string };

export const NAME_MESSAGES = {
  firstNameRequired: 'Enter your first name',
  surnameRequired: 'Enter your surname',
  tooLong: 'Use 100 characters or fewer',
  control: 'Remove the hidden control characters',
} as const;

/** Longest name accepted, in characters (code points). */
export const MAX_NAME_LENGTH = 100;

// C0/C1 controls (NUL, tab, line breaks…), line and paragraph separators, and
// bidirectional overrides, which can make a name display as something else.
const HIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

// What draws nothing: spaces, format characters (zero-width space and joiners,
// bidi marks, soft hyphen, BOM), the Hangul fillers and the Braille blank. A name
// made only of these would show as an empty name to staff and in emails.
const INVISIBLE = /[\s\p{Cf}\p{Z}\u115F\u1160\u2800\u3164\uFFA0]/gu;

/**
 * True when `text` holds a control character, a line or paragraph separator, or
 * a bidirectional override or isolate (Unicode UAX #9), any of which can make a
 * name shown to people read as something else.
 */
export function hasHiddenControls(text: string): boolean {
  return HIDDEN.test(text);
}

/** Checks a first name or surname. */
export function checkName(input: unknown, which: 'firstName' | 'surname'): NameCheck {
  const name = typeof input === 'string' ? input.trim().normalize('NFC') : '';
  if (name.replace(INVISIBLE, '') === '') {
    return {
      ok: false,
      problem: 'missing',
      message:
        which === 'firstName' ? NAME_MESSAGES.firstNameRequired : NAME_MESSAGES.surnameRequired,
    };
  }
  if ([...name].length > MAX_NAME_LENGTH)
    return { ok: false, problem: 'tooLong', message: NAME_MESSAGES.tooLong };
  if (hasHiddenControls(name))
    return { ok: false, problem: 'control', message: NAME_MESSAGES.control };
  return { ok: true, name };
}

/**
 * The form of a surname compared with the roll (and the only form the roll
 * stores): letters and digits only, transliterated to lower-case ASCII by
 * @sindresorhus/transliterate (Latin, Greek, Cyrillic and other scripts' letters
 * in their usual ASCII spelling), so `Østergård`, `Ostergard`, `Łukasz`/`Lukasz`, `Straße`/`Strasse`,
 * `Þór`/`Thor` and `O’Neill`/`o'neill` compare equal. German umlauts are also
 * written with an e (`Mueller` for `Müller`), so a vowel a, o or u followed by
 * e counts as the vowel alone: `Müller`, `Muller` and `Mueller` are one name.
 *
 * The first steps (NFKD, marks removed, lower case, letters and digits kept)
 * are the earlier form of this function, so applying this to a value stored
 * by the earlier form gives the same result as applying it to the name itself.
 * A name in a script the library does not know keeps its Unicode letters.
 */
export function normaliseSurname(surname: string): string {
  const letters = surname
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
  const ascii = transliterate(letters)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  if (ascii === '') return letters;
  return ascii.replace(/([aou])e/g, '$1');
}
