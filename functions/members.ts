/**
 * GET /members/*, /staff/*: the sealed pages, and the images of sealed content under
 * /members/_assets/. No session: 303 to /login/?next=. Half signed in (second
 * factor owed): 303 to /two-factor/. Signed in but not confirmed: 403 saying why.
 * /staff/ needs the staff role; staff without a second factor: 303 to
 * /two-factor/setup/ for every console page; the overview is drawn per request with
 * what needs attention. Confirmed: the page (with the member bar; the account page
 * completed with the member's second factors and devices) or the file, never cached
 * by anyone else.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import type { SessionUser } from '../src/server/sessions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { ACCOUNT_FILE, completeAccountPage } from '../src/server/http/account-page.ts';
import {
  insertMemberBar,
  joinWithMemberBar,
  MEMBER_BAR_MARKER,
} from '../src/server/http/member-bar.ts';
import {
  insertNewsletterStatus,
  NEWSLETTER_STATUS_MARKER,
} from '../src/server/http/newsletter-status.ts';
import { withTrailingSlash } from '../src/server/http/next-path.ts';
import {
  baseHeaders,
  htmlResponse,
  renderMessagePage,
  seeOther,
} from '../src/server/http/responses.ts';
import {
  resolveSealedAsset,
  resolveSealedPath,
  statusPageFile,
  type SealedAsset,
  type SealedPath,
  type SealedRefusal,
} from '../src/server/http/sealed-pages.ts';
import { cookieHeaders, readRequestSession } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { renderOverviewPage } from '../src/server/staff/html/overview-page.ts';
import { renderStaffPage } from '../src/server/staff/html/shell.ts';
import { loadOverview } from '../src/server/staff/overview.ts';

const REFUSAL_STATUS: Record<SealedRefusal, number> = {
  unverified: 403,
  pending: 403,
  rejected: 403,
  suspended: 403,
  'staff-only': 403,
  'not-found': 404,
};

/** Why this person may not read this page, or null when they may. */
function refusalFor(user: SessionUser, target: SealedPath | null): SealedRefusal | null {
  if (user.status !== 'confirmed') return user.status;
  if (!target) return 'not-found';
  if (target.area === 'staff' && user.role !== 'staff') return 'staff-only';
  return null;
}

function refuse(refusal: SealedRefusal, user: SessionUser, headers: Headers): Response {
  const page =
    siteFiles.read(statusPageFile(refusal)) ??
    renderMessagePage(
      refusal === 'not-found' ? 'Page not found' : 'You cannot see this page yet',
      `Account status: ${refusal}.`,
    );
  return htmlResponse(insertMemberBar(page, user), REFUSAL_STATUS[refusal], headers);
}

/** A sealed file for a confirmed member: its bytes and type, private to this response. */
function serveAsset(asset: SealedAsset, user: SessionUser, headers: Headers): Response {
  if (user.status !== 'confirmed') return refuse(user.status, user, headers);
  const bytes = siteFiles.readBytes(asset.file);
  if (bytes === null) return refuse('not-found', user, headers);
  const all = baseHeaders(headers);
  all.set('Content-Type', asset.contentType);
  all.set('Content-Length', String(bytes.byteLength));
  return new Response(bytes, { status: 200, headers: all });
}

async function get(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const asset = resolveSealedAsset(url.pathname);
  if (!asset && !url.pathname.endsWith('/')) {
    return seeOther(withTrailingSlash(url.pathname, url.search));
  }
  const { current, halfSignedIn, setCookies } = await readRequestSession(req);
  const headers = cookieHeaders(setCookies);
  const next = encodeURIComponent(url.pathname + url.search);
  if (halfSignedIn) return seeOther(`/two-factor/?next=${next}`, headers);
  if (!current) return seeOther(`/login/?next=${next}`, headers);
  if (asset) return serveAsset(asset, current.user, headers);
  const target = resolveSealedPath(url.pathname);
  const refusal = refusalFor(current.user, target);
  if (refusal) return refuse(refusal, current.user, headers);
  // The console opens only to staff with a second factor: the others set one up first.
  if (target!.area === 'staff' && !current.user.twoFactorEnabled)
    return seeOther(`/two-factor/setup/?next=${next}`, headers);
  if (url.pathname === '/staff/') {
    // The overview shows what needs attention now, so it is drawn per request.
    const body = renderOverviewPage(await loadOverview());
    const page = renderStaffPage({
      title: 'Overview',
      section: '/staff/',
      body,
      user: current.user,
    });
    return htmlResponse(page, 200, headers);
  }
  const personalised = siteFiles.includes(target!.file, NEWSLETTER_STATUS_MARKER);
  if (personalised === null) return refuse('not-found', current.user, headers);
  if (target!.file !== ACCOUNT_FILE && !personalised) {
    // Most pages differ per member only by the bar: the built page's bytes around it, kept cut.
    const parts = siteFiles.readParts(target!.file, MEMBER_BAR_MARKER)!;
    return htmlResponse(joinWithMemberBar(parts, current.user), 200, headers);
  }
  const page = siteFiles.read(target!.file)!;
  const completed = target!.file === ACCOUNT_FILE ? await completeAccountPage(page, current) : page;
  const personal = await insertNewsletterStatus(completed, current.user);
  return htmlResponse(insertMemberBar(personal, current.user), 200, headers);
}

export default defineHandler({ GET: get }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = {
  path: ['/members', '/members/*', '/staff', '/staff/*'],
  // The staff newsletter page is drawn by its own function.
  excludedPath: ['/staff/newsletter', '/staff/newsletter/'],
};
