/**
 * GET /api/staff/roll: last imports, imports in progress (the page reloads
 * itself while one runs), the upload form, a stored preview (`?preview=id`)
 * and members who left the roll. POST /api/staff/roll: a CSV upload (multipart,
 * up to 4 MiB, password re-entered within 10 minutes) → 303 to its preview, or
 * the page again with every bad line named (422), or the size limit (413), and nothing
 * changed. Staff only.
 */
import type { Config } from '@netlify/functions';
import { defineHandler } from '../src/server/http/handler.ts';
import { isHttpError } from '../src/server/http/errors.ts';
import { renderRollPage } from '../src/server/staff/html/roll-page.ts';
import { answerStaffPage, redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff, type StaffRequest } from '../src/server/staff/http/guard.ts';
import { readRollUpload } from '../src/server/staff/http/upload.ts';
import { listLapsedMembers } from '../src/server/membership/lapse.ts';
import { listRollJobs } from '../src/server/roll/jobs.ts';
import { listRollImports } from '../src/server/roll/replace.ts';
import { getDb } from '../src/server/store/db.ts';
import { hasRecentReauth, loadReauthState, REAUTH_MESSAGES } from '../src/server/staff/reauth.ts';
import { findPendingImport, previewRollImport } from '../src/server/staff/roll-import.ts';

async function page(
  req: Request,
  staff: StaffRequest,
  previewId: string | null,
  errors: string[],
  status = 200,
) {
  const [imports, lapsed, reauth, pending, jobs] = await Promise.all([
    listRollImports({ limit: 10 }),
    listLapsedMembers(),
    loadReauthState(staff.session),
    previewId ? findPendingImport(previewId, staff.user.id) : Promise.resolve(null),
    listRollJobs(getDb()),
  ]);
  const body = renderRollPage({ imports, lapsed, reauth, pending, errors, jobs });
  return answerStaffPage(
    req,
    staff,
    { title: errors.length ? 'Error: Roll' : 'Roll', section: '/api/staff/roll', body },
    status,
  );
}

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  return page(req, staff, new URL(req.url).searchParams.get('preview'), []);
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  if (!(await hasRecentReauth(staff.session.id))) {
    await req.body?.cancel().catch(() => {});
    return redirectWithFlash(staff, '/api/staff/roll', {
      kind: 'error',
      text: REAUTH_MESSAGES.needed,
    });
  }
  let upload;
  try {
    upload = await readRollUpload(req);
  } catch (error) {
    if (isHttpError(error) && (error.status === 422 || error.status === 413))
      return page(req, staff, null, [error.message], error.status);
    throw error;
  }
  const result = await previewRollImport(upload.bytes, upload.fileName, {
    id: staff.user.id,
    username: staff.user.username,
  });
  if (!result.ok) return page(req, staff, null, result.errors, 422);
  return redirectWithFlash(staff, `/api/staff/roll?preview=${result.id}#preview-title`, {
    kind: 'ok',
    text: 'The file is valid. Check the preview below, then apply it.',
  });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/roll' };
