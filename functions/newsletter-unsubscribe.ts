/**
 * GET /newsletter/unsubscribe/?token=: the page with one button.
 * POST /api/newsletter/unsubscribe?token=…, body `List-Unsubscribe=One-Click`:
 * RFC 8058 one-click unsubscription → 200, with no session and no origin check
 * (the token in the URL is the authority; see `isOneClickUnsubscribe`). The
 * page's button posts the same body, with the token as a field.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import {
  INVALID_UNSUBSCRIBE_LINK,
  unsubscribeByToken,
} from '../src/server/newsletter/subscribers.ts';
import { answerInvalid } from '../src/server/http/form-answers.ts';
import { renderFormPage, replaceForm } from '../src/server/http/forms/page.ts';
import { newsletterUnsubscribePage } from '../src/server/http/forms/pages.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { readOneClickBody } from '../src/server/http/one-click.ts';
import { htmlResponse, jsonResponse, wantsJson } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { addressTokens, NO_REFERRER, pageToken } from '../src/server/http/token-page.ts';

const DONE = '/newsletter/unsubscribed/';
const ONE_CLICK = 'One-Click';

function page(req: Request): Response {
  const token = pageToken(req);
  const state =
    token !== null
      ? { values: { token, 'List-Unsubscribe': ONE_CLICK } }
      : {
          values: { token: '', 'List-Unsubscribe': ONE_CLICK },
          errors: { token: INVALID_UNSUBSCRIBE_LINK },
        };
  const { page: name, title, form } = newsletterUnsubscribePage;
  return htmlResponse(renderFormPage(siteFiles, name, title, form, state), 200, NO_REFERRER);
}

async function post(req: Request): Promise<Response> {
  const body = await readOneClickBody(req);
  const inUrl = addressTokens(req);
  if (inUrl.length > 1)
    throw new HttpError(400, 'The address carries more than one unsubscribe token.');
  const fromUrl = inUrl.length === 1 ? inUrl[0] : null;
  if (fromUrl !== null && body.token !== '' && body.token !== fromUrl)
    throw new HttpError(400, 'The request carries two different unsubscribe tokens.');
  const token = fromUrl ?? body.token;
  const values = { token: '', 'List-Unsubscribe': ONE_CLICK };
  const result = await unsubscribeByToken(token);
  if (!result.ok) {
    return answerInvalid(
      req,
      siteFiles,
      newsletterUnsubscribePage,
      { values, errors: { token: result.message } },
      400,
      NO_REFERRER,
    );
  }
  if (wantsJson(req)) return jsonResponse({ ok: true, next: DONE }, 200, NO_REFERRER);
  const { page: name, title, form } = newsletterUnsubscribePage;
  const shell = renderFormPage(siteFiles, name, title, form, { values });
  const done =
    `<div class="notice" role="status"><p><strong>You are unsubscribed.</strong> ` +
    `We will not send you the newsletter again. You can subscribe again at any time.</p></div>`;
  return htmlResponse(replaceForm(shell, form.id, done) ?? shell, 200, NO_REFERRER);
}

export default defineHandler({ GET: page, POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = {
  path: ['/api/newsletter/unsubscribe', '/newsletter/unsubscribe', '/newsletter/unsubscribe/'],
};
