/**
 * POST /api/login: username or email and password; starts a new session and
 * goes to `next`, through /two-factor/ when the account has a second factor.
 */
import type { Config, Context } from '@netlify/functions';
import { authenticateMember } from '../src/server/authentication.ts';
import { getConfig } from '../src/server/config.ts';
import { buildSessionCookie } from '../src/server/session-cookie.ts';
import { readFields } from '../src/server/http/body.ts';
import { clientIp } from '../src/server/http/client-ip.ts';
import { answerInvalid, answerRateLimited } from '../src/server/http/form-answers.ts';
import { fieldNames, loginForm } from '../src/server/http/forms/definitions.ts';
import { loginPage } from '../src/server/http/forms/pages.ts';
import { FORM_ERROR } from '../src/server/http/forms/spec.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { chooseNextPath } from '../src/server/http/next-path.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

/**
 * Where a correct password leads: the second step when the account has a
 * second factor, set-up for staff without one, else `next` itself. `next`
 * travels on in the query so it is honoured at the end.
 */
function afterPassword(secondFactor: 'required' | 'setup' | 'none', next: string): string {
  if (secondFactor === 'none') return next;
  const path = secondFactor === 'required' ? '/two-factor/' : '/two-factor/setup/';
  return `${path}?next=${encodeURIComponent(next)}`;
}

async function post(req: Request, context: Context): Promise<Response> {
  const fields = await readFields(req, fieldNames(loginForm));
  const next = chooseNextPath(fields.next, req.headers.get('referer'), getConfig().siteUrl);
  const values = { username: fields.username, next };
  const missing: Record<string, string> = {};
  if (fields.username.trim() === '') missing.username = 'Enter your username or email address';
  if (fields.password === '') missing.password = 'Enter your password';
  if (Object.keys(missing).length > 0)
    return answerInvalid(req, siteFiles, loginPage, { values, errors: missing });
  const result = await authenticateMember(fields.username, fields.password, {
    ip: clientIp(context),
    userAgent: req.headers.get('user-agent'),
  });
  if (result.ok) {
    const cookie = buildSessionCookie(result.token, result.maxAgeSeconds, isSecureRequest(req));
    return formSuccess(req, afterPassword(result.secondFactor, next), {
      headers: cookieHeaders([cookie]),
    });
  }
  if (result.reason === 'rate-limited') {
    return answerRateLimited(req, siteFiles, loginPage, result.retryAfter, values);
  }
  return answerInvalid(req, siteFiles, loginPage, {
    values,
    errors: { [FORM_ERROR]: result.message },
  });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/login' };
