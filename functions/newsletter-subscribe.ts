/**
 * POST /api/newsletter/subscribe: `email`, `name?`, `source?` → 202 and a
 * confirmation email (double opt-in), the same answer whether or not the
 * address is known. Limited per client IP and per address.
 */
import type { Config, Context } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { requestSubscription } from '../src/server/newsletter/subscribers.ts';
import { readFields } from '../src/server/http/body.ts';
import { consumeFormIpToken } from '../src/server/http/client-ip.ts';
import { answerInvalid, answerRateLimited } from '../src/server/http/form-answers.ts';
import { fieldNames, newsletterForm } from '../src/server/http/forms/definitions.ts';
import { newsletterPage } from '../src/server/http/forms/pages.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { checkEmail } from '../src/server/rules/email-address.ts';
import { checkSubscriberName } from '../src/server/newsletter/subscribers.ts';

const NEXT = '/newsletter/check-email/';

async function post(req: Request, context: Context): Promise<Response> {
  const fields = await readFields(req, fieldNames(newsletterForm));
  const email = checkEmail(fields.email, getConfig().workEmailDomains);
  const name = checkSubscriberName(fields.name);
  if (!email.ok || !name.ok) {
    return answerInvalid(req, siteFiles, newsletterPage, {
      values: fields,
      errors: {
        ...(email.ok ? {} : { email: email.message }),
        ...(name.ok ? {} : { name: name.message }),
      },
    });
  }
  const bucket = await consumeFormIpToken(context);
  if (!bucket.allowed)
    return answerRateLimited(req, siteFiles, newsletterPage, bucket.retryAfter, fields);
  const result = await requestSubscription(fields);
  if (result.ok) return formSuccess(req, NEXT, { status: 202 });
  if ('retryAfter' in result)
    return answerRateLimited(req, siteFiles, newsletterPage, result.retryAfter, fields);
  return answerInvalid(req, siteFiles, newsletterPage, { values: fields, errors: result.errors });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/newsletter/subscribe' };
