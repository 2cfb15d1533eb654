/**
 * GET /api/staff/review: the review queue (filter, page).
 * POST /api/staff/review: `action` confirm | reject (with `reason`) | confirm-matched,
 * then 303 back to the queue with a status message. Staff only.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { readPageNumber } from '../src/server/http/page-number.ts';
import {
  CONSOLE_BULK_CONFIRM_BUDGET_MS,
  confirmMember,
  confirmRollMatches,
} from '../src/server/membership/decide.ts';
import { rejectMember } from '../src/server/membership/end.ts';
import { renderReviewPage, type ReasonProblem } from '../src/server/staff/html/review-page.ts';
import {
  answerStaffPage,
  consolePath,
  redirectWithFlash,
  siteUrl,
} from '../src/server/staff/http/answers.ts';
import { requireStaff, type StaffRequest } from '../src/server/staff/http/guard.ts';
import { listReviewQueue, type QueueFilter } from '../src/server/staff/queue.ts';

const FILTERS: QueueFilter[] = ['all', 'matched', 'unmatched'];

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const url = new URL(req.url);
  const filter = FILTERS.find((f) => f === url.searchParams.get('filter')) ?? 'all';
  const page = readPageNumber(url.searchParams.get('page'));
  const queue = await listReviewQueue({ filter, page });
  return answerStaffPage(req, staff, {
    title: 'Review queue',
    section: '/api/staff/review',
    body: renderReviewPage(queue),
  });
}

/** The queue as `back` (a console path) shows it, with a rejection's reason to correct. */
async function reasonRefused(
  req: Request,
  staff: StaffRequest,
  back: string,
  problem: ReasonProblem,
): Promise<Response> {
  const url = new URL(back, 'http://console');
  const filter = FILTERS.find((f) => f === url.searchParams.get('filter')) ?? 'all';
  const queue = await listReviewQueue({
    filter,
    page: readPageNumber(url.searchParams.get('page')),
  });
  return answerStaffPage(
    req,
    staff,
    {
      title: 'Error: Review queue',
      section: '/api/staff/review',
      body: renderReviewPage(queue, problem),
      flash: null,
    },
    422,
  );
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['action', 'id', 'reason', 'back']);
  const back = consolePath(fields.back, '/api/staff/review');
  const actor = staff.user.username;
  if (fields.action === 'confirm-matched') {
    const { message } = await confirmRollMatches(actor, {
      budgetMs: CONSOLE_BULK_CONFIRM_BUDGET_MS,
    });
    return redirectWithFlash(staff, back, { kind: 'ok', text: message });
  }
  if (!fields.id) throw new HttpError(400, 'Say which registration to decide.');
  let result;
  if (fields.action === 'confirm') result = await confirmMember(fields.id, actor);
  else if (fields.action === 'reject') {
    result = await rejectMember(fields.id, actor, fields.reason);
    // A reason to correct is shown beside its box, as typed; nothing was decided.
    if (!result.ok && result.field === 'reason')
      return reasonRefused(req, staff, back, {
        id: fields.id,
        reason: fields.reason,
        message: result.message,
      });
  } else throw new HttpError(400, 'Unknown action: choose confirm or reject.');
  return redirectWithFlash(staff, back, { kind: result.ok ? 'ok' : 'error', text: result.message });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/review' };
