/**
 * A generated set of redirect targets that try to leave the site: every
 * combination of a leading part (dot segments, encoded dots, a harmless
 * directory climbed out of), a pair of separators (slashes, backslashes,
 * their percent-encodings single and double, tabs and newlines, Unicode
 * look-alikes) and a host (with `@`, a port, a scheme), plus scheme-only forms.
 */

const LEADS = [
  '',
  '/.',
  '/%2e',
  '/%2E',
  '/%252e',
  '/./.',
  '/a/..',
  '/a/%2e%2e',
  '/a/%2E%2e',
  '/a/%252e%252e',
  '/members/..',
  '/\uff0e',
  '/\u2024',
];

const SEPARATORS = [
  '/',
  '\\',
  '%2f',
  '%2F',
  '%5c',
  '%5C',
  '%252f',
  '%255c',
  '%25252f',
  '\t/',
  '/\t',
  '\n/',
  '\r\n',
  '%09',
  '%0a',
  '%0d%0a',
  '%00',
  '\u0000',
  '\uff0f',
  '\uff3c',
  '\u2044',
  '\u2215',
  '\u2216',
  '\ufe68',
  '\u29f8',
  '%EF%BC%8F',
  '%E2%81%84',
];

const HOSTS = [
  'evil.example',
  'evil.example:443',
  'user@evil.example',
  'site.test@evil.example',
  'evil.example%2f..',
  'evil\u3002example',
];

/** Forms that need no separator pair: absolute URLs, scheme tricks, and `/`+`\` mixes. */
const STANDALONE = [
  'https://evil.example/',
  'http:evil.example',
  'http:/evil.example',
  'https:\\\\evil.example',
  '//evil.example',
  '///evil.example',
  '////evil.example',
  '/\\evil.example',
  '\\/evil.example',
  '\\\\evil.example',
  '/\\/evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  '\tjavascript:alert(1)',
  'java\tscript:alert(1)',
  '%6Aavascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  '\u0000//evil.example',
  ' //evil.example',
  '\u200b//evil.example',
  '\ufeff//evil.example',
  '@evil.example',
  ':@evil.example',
  'evil.example',
  '.evil.example',
  'members/',
  '',
];

/** Every generated candidate (a few thousand), without duplicates. */
export function generateRedirectAttacks(): string[] {
  const all = new Set<string>(STANDALONE);
  for (const lead of LEADS) {
    for (const first of SEPARATORS) {
      for (const second of SEPARATORS) {
        for (const host of HOSTS) all.add(`${lead}${first}${second}${host}`);
      }
      all.add(`${lead}/${first}evil.example`);
    }
  }
  return [...all];
}

/** Every `step`-th candidate, for tests that pay for each one (a login per value). */
export function sampleRedirectAttacks(step: number): string[] {
  return generateRedirectAttacks().filter((_, i) => i % step === 0);
}

/**
 * Decodes `%XX` runs until nothing changes (at most 8 rounds), as a chain of
 * careless servers might, then folds compatibility characters (NFKC).
 */
export function decodeCompletely(text: string): string {
  let current = text;
  for (let i = 0; i < 8; i++) {
    const next = current.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      const bytes = Uint8Array.from(run.slice(1).split('%'), (h) => parseInt(h, 16));
      return new TextDecoder().decode(bytes);
    });
    if (next === current) break;
    current = next;
  }
  return current.normalize('NFKC');
}
