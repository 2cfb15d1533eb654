/** POST /api/account/email: sends a confirmation link to a new address; it changes when the link is used. */
import type { Config } from '@netlify/functions';
import { requestEmailChange } from '../src/server/account.ts';
import { getConfig } from '../src/server/config.ts';
import {
  answerAccountInvalid,
  answerAccountRateLimited,
  requireSignedIn,
} from '../src/server/http/account-forms.ts';
import { readFields } from '../src/server/http/body.ts';
import { changeEmailForm, fieldNames } from '../src/server/http/forms/definitions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

const NEXT = '/members/account/email-sent/';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(changeEmailForm));
  const values = { email: fields.email };
  if (fields.password === '') {
    return answerAccountInvalid(req, siteFiles, signedIn, changeEmailForm, {
      values,
      errors: { password: 'Enter your current password' },
    });
  }
  const result = await requestEmailChange(signedIn.current.user.id, fields);
  if (result.ok)
    return formSuccess(req, NEXT, { status: 202, headers: cookieHeaders(signedIn.setCookies) });
  if ('retryAfter' in result) {
    return answerAccountRateLimited(
      req,
      siteFiles,
      signedIn,
      changeEmailForm,
      result.retryAfter,
      values,
    );
  }
  return answerAccountInvalid(req, siteFiles, signedIn, changeEmailForm, {
    values,
    errors: result.errors,
  });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/account/email' };
