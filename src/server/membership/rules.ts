/**
 * The rules every membership change follows, whoever asks (staff console,
 * members CLI, registration): the messages, and what a reason may say.
 */

/** Longest reason a rejection or suspension may carry (it is emailed and audited). */
export const MAX_REASON_LENGTH = 500;

/** Answers shared by every caller. */
export const MEMBERSHIP_MESSAGES = {
  notFound: 'There is no such account: it may have been erased.',
  staffAccount: 'That is a staff account: only member accounts are changed here.',
  claimed: 'Another confirmed member already holds this warrant number, so it was not confirmed.',
  claimedOnReinstate:
    'Another confirmed member now holds this warrant number, so the account was not reinstated.',
  reasonMissing: 'Give a reason: it is emailed to the member and kept in the audit log.',
  reasonTooLong: `Keep the reason under ${MAX_REASON_LENGTH} characters.`,
  reasonHidden:
    'Remove the hidden control characters from the reason (it is emailed and kept in the audit log).',
  reasonHasNumber:
    'Leave warrant numbers out of the reason: it is emailed and kept in the audit log. Say "the warrant number ending 12" instead.',
  changedMeanwhile: 'The account changed meanwhile: look again.',
  lapseDecided: 'That member has already been decided on.',
} as const;

// Six digits in a row, or written in groups ("123 456", "12-34-56", "P123456"),
// and not part of a longer number such as a date or a phone number.
const WARRANT_LIKE = /(?<![0-9][ .\-/]?)[0-9](?:[ .\-/]?[0-9]){5}(?![ .\-/]?[0-9])/;

// Control characters other than tabs and line breaks, and bidirectional overrides, which can
// make an emailed reason read as something else.
const HIDDEN_IN_REASON = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const TABS_AND_LINE_BREAKS = /[\t\n\r]/g;

// A reason says something: a letter, digit, punctuation mark or symbol (not only zero-width spaces).
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

/** Checks a rejection or suspension reason; returns it trimmed, or the message. */
export function checkReason(
  reason: unknown,
): { ok: true; reason: string } | { ok: false; message: string } {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (!VISIBLE.test(trimmed)) return { ok: false, message: MEMBERSHIP_MESSAGES.reasonMissing };
  if (HIDDEN_IN_REASON.test(trimmed.replace(TABS_AND_LINE_BREAKS, '')))
    return { ok: false, message: MEMBERSHIP_MESSAGES.reasonHidden };
  if ([...trimmed].length > MAX_REASON_LENGTH)
    return { ok: false, message: MEMBERSHIP_MESSAGES.reasonTooLong };
  if (WARRANT_LIKE.test(trimmed.normalize('NFKC')))
    return { ok: false, message: MEMBERSHIP_MESSAGES.reasonHasNumber };
  return { ok: true, reason: trimmed };
}
