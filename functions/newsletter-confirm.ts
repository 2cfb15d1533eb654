/**
 * GET /newsletter/confirm/?token=: the page with the token in a hidden field
 * and one button. POST /api/newsletter/confirm: `token` → subscribed.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { confirmSubscription } from '../src/server/newsletter/subscribers.ts';
import { readFields } from '../src/server/http/body.ts';
import { answerInvalid } from '../src/server/http/form-answers.ts';
import { fieldNames, newsletterConfirmForm } from '../src/server/http/forms/definitions.ts';
import { newsletterConfirmPage } from '../src/server/http/forms/pages.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { answerTokenPage, NO_REFERRER } from '../src/server/http/token-page.ts';

const NEXT = '/newsletter/confirmed/';

async function post(req: Request): Promise<Response> {
  const fields = await readFields(req, fieldNames(newsletterConfirmForm));
  const result = await confirmSubscription(fields.token);
  if (!result.ok) {
    return answerInvalid(
      req,
      siteFiles,
      newsletterConfirmPage,
      { values: fields, errors: { token: result.message } },
      422,
      NO_REFERRER,
    );
  }
  return formSuccess(req, NEXT, { headers: NO_REFERRER });
}

export default defineHandler(
  { GET: (req) => answerTokenPage(req, siteFiles, newsletterConfirmPage), POST: post },
  { siteUrl: () => getConfig().siteUrl },
);

export const config: Config = {
  path: ['/api/newsletter/confirm', '/newsletter/confirm', '/newsletter/confirm/'],
};
