/**
 * The re-authentication form (password and a second factor) that guards roll
 * imports and member exports, and the page that shows it on its own.
 */
import { renderErrorSummary, renderField } from '../../html/form-parts.ts';
import { html, type SafeHtml } from '../../html/safe-html.ts';
import type { ReauthRefusal, ReauthState } from '../reauth.ts';
import { hidden } from './parts.ts';

/** The id of the re-authentication form's password field, for error links. */
export const REAUTH_PASSWORD_ID = 'reauth-password';

/** The authenticator code field's id. */
const REAUTH_CODE_ID = 'reauth-code';

/** The second factors the form offers. */
export type ReauthFactors = Pick<ReauthState, 'totp' | 'passkey'>;

/** A passkey's answer reaches the server in this hidden field, filled by the page script. */
function renderPasskeyChoice(withCode: boolean): SafeHtml {
  const label = withCode ? 'Confirm with a passkey instead' : 'Confirm with a passkey';
  const style = withCode ? 'button button--secondary' : 'button';
  // Without a code field, the passkey is the only way through: say what else would do.
  const missing = withCode
    ? 'Confirming with a passkey needs JavaScript and a browser that supports passkeys.'
    : 'Confirming with a passkey needs JavaScript and a browser that supports passkeys. Without them, add an authenticator app at /two-factor/setup/ and confirm with its code.';
  return html`<input type="hidden" name="passkey" value="" /><p class="field__error" id="reauth-passkey-error" tabindex="-1" hidden></p><button type="button" class="${style}" disabled data-passkey-reauth>${label}</button><p class="field__hint" data-webauthn-missing>${missing}</p>`;
}

/**
 * The password and second-factor form; `error` is shown beside the password
 * field. Offers the code field when the account has an authenticator app, and
 * the passkey button when it has a passkey.
 */
export function renderReauthForm(
  next: string,
  intro: string,
  factors: ReauthFactors,
  refusal?: Pick<ReauthRefusal, 'message' | 'field'>,
): SafeHtml {
  const password = renderField({
    id: REAUTH_PASSWORD_ID,
    name: 'password',
    label: 'Your password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    error: refusal?.field === 'password' ? refusal.message : undefined,
  });
  const code =
    factors.totp &&
    html`${renderField({
      id: REAUTH_CODE_ID,
      name: 'code',
      label: '6-digit code from your authenticator app',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      verbatim: true,
      narrow: true,
      required: !factors.passkey,
      error: refusal?.field === 'code' ? refusal.message : undefined,
    })}<button type="submit" class="button">Confirm password and code</button>`;
  return html`<form method="post" action="/api/staff/reauth" class="staff-reauth">${hidden('next', next)}<p>${intro}</p>${password}${code}${factors.passkey && renderPasskeyChoice(factors.totp)}</form>`;
}

/** The re-authentication page's main block, with an error when the password or factor was wrong. */
export function renderReauthPage(
  next: string,
  factors: ReauthFactors,
  refusal?: Pick<ReauthRefusal, 'message' | 'field'>,
): SafeHtml {
  const fieldId =
    refusal?.field === 'password'
      ? REAUTH_PASSWORD_ID
      : refusal?.field === 'code' && factors.totp
        ? REAUTH_CODE_ID
        : undefined;
  return html`<h1>Confirm your password and second factor</h1>${
    refusal &&
    renderErrorSummary({
      id: 'reauth-errors',
      errors: [{ message: refusal.message, fieldId }],
    })
  }${renderReauthForm(
    next,
    "Importing the roll, exporting members and resetting a colleague's two-factor sign-in need your password and a second factor (a code from your authenticator app, or your passkey) within the last 10 minutes.",
    factors,
    refusal,
  )}`;
}
