import type { FormSpec, FormState } from './forms/spec.ts';
import { FORM_ERROR } from './forms/spec.ts';
import { renderFormPage } from './forms/page.ts';
import { htmlResponse, jsonResponse, wantsJson } from './responses.ts';
import { describeRateLimit } from './retry-after.ts';
import type { SealedFiles } from './sealed-files.ts';

/** A public page that holds one form, e.g. /register/. */
export interface FormPage {
  /** The page's path without slashes, also the name of its shell in sealed/_forms/. */
  page: string;
  /** Title for the bare fallback page when no shell was built. */
  title: string;
  form: FormSpec;
}

/**
 * Answers a form post that cannot go through: JSON `{ok:false, errors}` for
 * scripts, or the same page re-rendered with the errors beside the fields.
 */
export function answerInvalid(
  req: Request,
  files: SealedFiles,
  target: FormPage,
  state: FormState & { errors: Readonly<Record<string, string>> },
  status = 422,
  headers: HeadersInit = {},
): Response {
  if (wantsJson(req)) return jsonResponse({ ok: false, errors: state.errors }, status, headers);
  const html = renderFormPage(files, target.page, target.title, target.form, state);
  return htmlResponse(html, status, headers);
}

/** A 429 answer for a form: the wait in `Retry-After` and, from the same figure, as a form-wide error. */
export function answerRateLimited(
  req: Request,
  files: SealedFiles,
  target: FormPage,
  retryAfterSeconds: number,
  values: Readonly<Record<string, string>> = {},
): Response {
  const wait = describeRateLimit(retryAfterSeconds);
  return answerInvalid(
    req,
    files,
    target,
    { values, errors: { [FORM_ERROR]: wait.message } },
    429,
    wait.headers,
  );
}
