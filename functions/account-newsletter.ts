/** POST /api/account/newsletter: `newsletter` = `on` or `off` → the member's newsletter switched. */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { setMemberNewsletter } from '../src/server/newsletter/subscribers.ts';
import {
  ACCOUNT_PATH,
  answerAccountInvalid,
  requireSignedIn,
} from '../src/server/http/account-forms.ts';
import { readFields } from '../src/server/http/body.ts';
import { fieldNames, memberNewsletterForm } from '../src/server/http/forms/definitions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(memberNewsletterForm));
  if (fields.newsletter !== 'on' && fields.newsletter !== 'off') {
    return answerAccountInvalid(req, siteFiles, signedIn, memberNewsletterForm, {
      values: {},
      errors: { form: 'Choose to switch the newsletter on or off.' },
    });
  }
  await setMemberNewsletter(signedIn.current.user.id, fields.newsletter === 'on');
  return formSuccess(req, `${ACCOUNT_PATH}#newsletter-heading`, {
    headers: cookieHeaders(signedIn.setCookies),
  });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/account/newsletter' };
