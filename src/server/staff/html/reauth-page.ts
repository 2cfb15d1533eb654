/** The password re-entry page, for when a staff member is sent to it directly. */
import { renderErrorSummary } from '../../html/form-parts.ts';
import { html, type SafeHtml } from '../../html/safe-html.ts';
import { REAUTH_PASSWORD_ID, renderReauthForm } from './roll-page.ts';

/** The re-authentication page's main block, with an error when the password was wrong. */
export function renderReauthPage(next: string, error?: string): SafeHtml {
  return html`<h1>Confirm your password and code</h1>${
    error &&
    renderErrorSummary({
      id: 'reauth-errors',
      errors: [{ message: error, fieldId: REAUTH_PASSWORD_ID }],
    })
  }${renderReauthForm(
    next,
    'Importing the roll and exporting members need your password and a code from your authenticator app within the last 10 minutes.',
    error,
  )}`;
}
