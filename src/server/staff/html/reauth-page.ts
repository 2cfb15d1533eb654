/** The password re-entry page, for when a staff member is sent to it directly. */
import { escapeHtml } from './parts.ts';
import { renderReauthForm } from './roll-page.ts';

/** The re-authentication page's main block, with an error when the password was wrong. */
export function renderReauthPage(next: string, error?: string): string {
  const alert = error
    ? `<div class="error-summary" role="alert" tabindex="-1"><p>${escapeHtml(error)}</p></div>`
    : '';
  return (
    `<h1>Confirm your password and code</h1>${alert}` +
    renderReauthForm(
      next,
      'Importing the roll and exporting members need your password and a code from your authenticator app within the last 10 minutes.',
    )
  );
}
