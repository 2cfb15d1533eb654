/** What a rejection or suspension reason may say: it is emailed to the member and audited. */
import { describe, expect, it } from 'vitest';
import { checkReason, MEMBERSHIP_MESSAGES } from '../../src/server/membership/rules.ts';

describe('checkReason', () => {
  it.each([
    ['', MEMBERSHIP_MESSAGES.reasonMissing],
    ['   ', MEMBERSHIP_MESSAGES.reasonMissing],
    ['\u200b\u200b', MEMBERSHIP_MESSAGES.reasonMissing],
    ['\u2060\ufeff \u200d', MEMBERSHIP_MESSAGES.reasonMissing],
    ['Not on the roll\u0001', MEMBERSHIP_MESSAGES.reasonHidden],
    ['\u001b[31mNot on the roll', MEMBERSHIP_MESSAGES.reasonHidden],
    ['Not on the \u202eroll', MEMBERSHIP_MESSAGES.reasonHidden],
    ['Not on the roll\u0085', MEMBERSHIP_MESSAGES.reasonHidden],
    ['Number 123456 not found', MEMBERSHIP_MESSAGES.reasonHasNumber],
    ['x'.repeat(501), MEMBERSHIP_MESSAGES.reasonTooLong],
  ])('refuses %j', (reason, message) => {
    expect(checkReason(reason)).toEqual({ ok: false, message });
  });

  it.each([
    ['Not on the roll', 'Not on the roll'],
    ['  Left the service.\r\nThanks,\tthe office  ', 'Left the service.\r\nThanks,\tthe office'],
    ['Zoë’s number ends 12 — not on the roll', 'Zoë’s number ends 12 — not on the roll'],
    ['?', '?'],
  ])('keeps %j, trimmed', (reason, kept) => {
    expect(checkReason(reason)).toEqual({ ok: true, reason: kept });
  });
});
