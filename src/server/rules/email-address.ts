/**
 * Email addresses: a plausible shape, and personal rather than work addresses,
 * because police mail systems do not deliver our messages.
 */

export type EmailCheck =
  { ok: true; email: string; emailLower: string } | { ok: false; message: string };

export const EMAIL_MESSAGES = {
  required: 'Enter your email address',
  shape: 'Enter an email address in the form name@example.com',
  tooLong: 'Email addresses are at most 254 characters',
  work: 'Use a personal email: work email cannot receive our messages',
} as const;

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The lower-cased form used for comparison and uniqueness. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** True for police.uk (and any subdomain), pnn addresses and the extra configured domains. */
export function isWorkEmailDomain(domain: string, extraDomains: readonly string[] = []): boolean {
  const d = domain.toLowerCase();
  const labels = d.split('.');
  if (labels.includes('pnn')) return true;
  return ['police.uk', ...extraDomains].some((w) => d === w || d.endsWith(`.${w}`));
}

/** Checks an email address; returns it trimmed, plus its lower-cased form. */
export function checkEmail(input: unknown, extraWorkDomains: readonly string[] = []): EmailCheck {
  const email = typeof input === 'string' ? input.trim() : '';
  if (email === '') return { ok: false, message: EMAIL_MESSAGES.required };
  if (email.length > 254) return { ok: false, message: EMAIL_MESSAGES.tooLong };
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  const labels = domain.split('.');
  const shaped =
    at > 0 &&
    LOCAL.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..') &&
    labels.length >= 2 &&
    labels.every((l) => LABEL.test(l)) &&
    /[a-z]/.test(labels[labels.length - 1]);
  if (!shaped) return { ok: false, message: EMAIL_MESSAGES.shape };
  if (isWorkEmailDomain(domain, extraWorkDomains))
    return { ok: false, message: EMAIL_MESSAGES.work };
  return { ok: true, email, emailLower: normaliseEmail(email) };
}
