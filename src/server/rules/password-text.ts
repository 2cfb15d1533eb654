/**
 * The one form a password is checked, hashed and compared in: Unicode NFC
 * (NIST SP 800-63B 5.1.1.2), so `é` typed as one code point or as `e` plus a
 * combining accent is the same password. NFC, not NFKC: compatibility folding
 * would merge characters a person chose on purpose (`ﬁ` and `fi`, `²` and `2`,
 * fullwidth and ASCII letters). Never trimmed, truncated or case-changed.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}
