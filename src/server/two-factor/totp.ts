/**
 * Time-based one-time passwords as authenticator apps make them (RFC 6238:
 * HMAC-SHA-1, 6 digits, 30-second steps), computed by @oslojs/otp. Steps are
 * counted here from an injected clock so a code's step can be remembered and
 * refused a second time.
 */
import { randomBytes } from 'node:crypto';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { renderSVG } from 'uqr';

/** Seconds per step (RFC 6238 section 4, the value every authenticator app uses). */
export const TOTP_PERIOD_SECONDS = 30;
/** Digits per code. */
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one, for clock drift (RFC 6238 section 5.2). */
export const TOTP_DRIFT_STEPS = 1;
/** Key length: 160 bits, as RFC 4226 section 4 recommends for HMAC-SHA-1. */
export const TOTP_KEY_BYTES = 20;

/** A fresh random TOTP key. */
export function generateTotpKey(): Uint8Array {
  return new Uint8Array(randomBytes(TOTP_KEY_BYTES));
}

/** The time step (RFC 6238 "T") containing `now` milliseconds. */
export function totpStep(now: number): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

/** The key as base32 text (RFC 4648, no padding) in groups of four, for typing into an app. */
export function formatTotpKey(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, '$1 ');
}

/** The `otpauth://` URI an authenticator app reads from the QR code. */
export function totpKeyUri(issuer: string, accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The URI as an SVG QR code (drawn here, no outside service); black on white. */
export function totpQrSvg(uri: string): string {
  return renderSVG(uri, { ecc: 'M', border: 2, pixelSize: 6 });
}

/**
 * A typed code as ASCII digits, without spaces or dashes (full-width digits from a phone's
 * keyboard read as digits, through NFKC), or null when it is not six digits.
 */
export function normaliseTotpCode(input: string): string | null {
  const code = typedCodeCharacters(input);
  return /^[0-9]{6}$/.test(code) ? code : null;
}

/** What a code field holds once spaces and dashes are set aside, in NFKC form. */
export function typedCodeCharacters(input: string): string {
  return input.normalize('NFKC').replace(/[\s-]/g, '');
}

/**
 * The step whose code `code` is, looking at the current step and one either
 * side, but never at or before `lastUsedStep` (a code works once). Null when
 * no allowed step matches.
 */
export function matchTotpStep(
  key: Uint8Array,
  code: string,
  now: number,
  lastUsedStep: number | null,
): number | null {
  const current = totpStep(now);
  for (let step = current - TOTP_DRIFT_STEPS; step <= current + TOTP_DRIFT_STEPS; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (verifyHOTP(key, BigInt(step), TOTP_DIGITS, code)) return step;
  }
  return null;
}
