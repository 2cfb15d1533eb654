import { isTokenShaped } from '../email-tokens.ts';
import { INVALID_LINK_MESSAGE } from '../registration.ts';
import type { FormPage } from './form-answers.ts';
import { renderFormPage } from './forms/page.ts';
import { htmlResponse } from './responses.ts';
import type { SealedFiles } from './sealed-files.ts';

/** Pages whose address carries a token must not pass it on in a Referer (docs/security.md § Tokens). */
export const NO_REFERRER = { 'Referrer-Policy': 'no-referrer' } as const;

/**
 * Every `token` in a request's address. A link altered or pasted twice can hold more
 * than one; nothing should guess which was meant.
 */
export function addressTokens(req: Request): string[] {
  return new URL(req.url).searchParams.getAll('token');
}

/**
 * The token an email-link page puts in its form: '' when the address has none, null
 * when it cannot be used (not token-shaped, or more than one).
 */
export function pageToken(req: Request): string | null {
  const tokens = addressTokens(req);
  if (tokens.length === 0) return '';
  const [token] = tokens;
  return tokens.length === 1 && (token === '' || isTokenShaped(token)) ? token : null;
}

/**
 * GET of an email-link page (/verify-email/?token=, /reset-password/?token=):
 * the page with the token in a hidden field and a button that POSTs, so link
 * scanners that only open links consume nothing, and it works without JavaScript.
 */
export function answerTokenPage(req: Request, files: SealedFiles, target: FormPage): Response {
  const token = pageToken(req);
  const state =
    token !== null
      ? { values: { token } }
      : { values: { token: '' }, errors: { token: INVALID_LINK_MESSAGE } };
  return htmlResponse(
    renderFormPage(files, target.page, target.title, target.form, state),
    200,
    NO_REFERRER,
  );
}
