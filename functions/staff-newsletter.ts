/**
 * GET /staff/newsletter/ (and /api/staff/newsletter): subscribers by status, sends with their counts, and
 * the send controls. POST /api/staff/newsletter: `action` = `test` (send
 * `slug` to yourself), `send` (queue `slug` for every subscriber, once ever)
 * or `cancel` (`sendId`); 303 back with a status line. Staff only; audited.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { seeOther } from '../src/server/http/responses.ts';
import {
  NEWSLETTER_ACTION,
  NEWSLETTER_PAGE,
  renderNewsletterPage,
} from '../src/server/staff/html/newsletter-page.ts';
import { answerStaffPage, redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import {
  cancelSendByStaff,
  loadNewsletterPage,
  readSubscriberStatus,
  sendArticleByHand,
  sendTestToSelf,
} from '../src/server/staff/newsletter.ts';

async function get(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === '/staff/newsletter') return seeOther(`${NEWSLETTER_PAGE}${url.search}`);
  const staff = await requireStaff(req);
  const status = readSubscriberStatus(url.searchParams.get('status'));
  return answerStaffPage(req, staff, {
    title: 'Newsletter',
    section: NEWSLETTER_PAGE,
    body: renderNewsletterPage(await loadNewsletterPage(status, staff.user.email)),
  });
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['action', 'slug', 'sendId']);
  const actor = staff.user.username;
  let result;
  if (fields.action === 'test') result = await sendTestToSelf(fields.slug, staff.user);
  else if (fields.action === 'send') result = await sendArticleByHand(fields.slug, actor);
  else if (fields.action === 'cancel') result = await cancelSendByStaff(fields.sendId, actor);
  else throw new HttpError(400, 'Unknown newsletter action.');
  // Back to the /api/ address of the page: the status line's cookie is scoped to /api/staff.
  return redirectWithFlash(staff, NEWSLETTER_ACTION, {
    kind: result.ok ? 'ok' : 'error',
    text: result.message,
  });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = {
  path: ['/staff/newsletter', '/staff/newsletter/', '/api/staff/newsletter'],
};
