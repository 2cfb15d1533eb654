import { isTokenShaped } from '../email-tokens.ts';
import { INVALID_LINK_MESSAGE } from '../registration.ts';
import type { FormPage } from './form-answers.ts';
import { renderFormPage } from './forms/page.ts';
import { htmlResponse } from './responses.ts';
import type { SealedFiles } from './sealed-files.ts';

/** Pages whose address carries a token must not pass it on in a Referer (docs/security.md § Tokens). */
export const NO_REFERRER = { 'Referrer-Policy': 'no-referrer' } as const;

/**
 * GET of an email-link page (/verify-email/?token=, /reset-password/?token=):
 * the page with the token in a hidden field and a button that POSTs, so link
 * scanners that only open links consume nothing, and it works without JavaScript.
 */
export function answerTokenPage(req: Request, files: SealedFiles, target: FormPage): Response {
  const token = new URL(req.url).searchParams.get('token') ?? '';
  const state =
    token === '' || isTokenShaped(token)
      ? { values: { token } }
      : { values: { token: '' }, errors: { token: INVALID_LINK_MESSAGE } };
  return htmlResponse(
    renderFormPage(files, target.page, target.title, target.form, state),
    200,
    NO_REFERRER,
  );
}
