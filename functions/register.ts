/** POST /api/register: a new member's details; answers the same whether or not they are known. */
import type { Config, Context } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { registerMember, validateRegistration } from '../src/server/registration.ts';
import { readFields } from '../src/server/http/body.ts';
import { clientIp, consumeFormIpToken } from '../src/server/http/client-ip.ts';
import { answerInvalid, answerRateLimited } from '../src/server/http/form-answers.ts';
import { fieldNames, registerForm } from '../src/server/http/forms/definitions.ts';
import { registerPage } from '../src/server/http/forms/pages.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

const NEXT = '/register/check-email/';

async function post(req: Request, context: Context): Promise<Response> {
  const fields = await readFields(req, fieldNames(registerForm));
  const checked = validateRegistration(fields);
  if (!checked.ok)
    return answerInvalid(req, siteFiles, registerPage, { values: fields, errors: checked.errors });
  // Per-IP limit before the password is hashed, so registrations cannot be used to burn CPU.
  const bucket = await consumeFormIpToken(context);
  if (!bucket.allowed)
    return answerRateLimited(req, siteFiles, registerPage, bucket.retryAfter, fields);
  const result = await registerMember(fields, { ip: clientIp(context) });
  if (result.ok) return formSuccess(req, NEXT, { status: 202 });
  if ('retryAfter' in result)
    return answerRateLimited(req, siteFiles, registerPage, result.retryAfter, fields);
  return answerInvalid(req, siteFiles, registerPage, { values: fields, errors: result.errors });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/register' };
