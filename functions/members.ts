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
  definePlainGet,
  plainAnswer,
  plainHtml,
  plainSeeOther,
  toResponse,
  type PlainAnswer,
  type PlainRequest,
} from '../src/server/http/plain-answer.ts';
import { renderMessagePage } from '../src/server/http/responses.ts';
import {
  resolveSealedAsset,
  resolveSealedPath,
  statusPageFile,
  type SealedAsset,
  type SealedPath,
  type SealedRefusal,
} from '../src/server/http/sealed-pages.ts';
import { readSession } from '../src/server/http/session.ts';
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

function refuse(refusal: SealedRefusal, user: SessionUser, setCookies: string[]): PlainAnswer {
  const page =
    siteFiles.read(statusPageFile(refusal)) ??
    renderMessagePage(
      refusal === 'not-found' ? 'Page not found' : 'You cannot see this page yet',
      `Account status: ${refusal}.`,
    );
  return plainHtml(insertMemberBar(page, user), REFUSAL_STATUS[refusal], setCookies);
}

/** A sealed file for a confirmed member: its bytes and type, private to this answer. */
function serveAsset(asset: SealedAsset, user: SessionUser, setCookies: string[]): PlainAnswer {
  if (user.status !== 'confirmed') return refuse(user.status, user, setCookies);
  const bytes = siteFiles.readBytes(asset.file);
  if (bytes === null) return refuse('not-found', user, setCookies);
  return plainAnswer(200, [bytes], [['Content-Type', asset.contentType]], setCookies);
}

/** The answer to a GET of a sealed page or file, for Netlify's handler and the local server alike. */
async function answerGet({ url, cookie }: PlainRequest): Promise<PlainAnswer> {
  const asset = resolveSealedAsset(url.pathname);
  if (!asset && !url.pathname.endsWith('/')) {
    return plainSeeOther(withTrailingSlash(url.pathname, url.search));
  }
  const { current, halfSignedIn, setCookies } = await readSession(
    cookie,
    url.protocol === 'https:',
  );
  const next = encodeURIComponent(url.pathname + url.search);
  if (halfSignedIn) return plainSeeOther(`/two-factor/?next=${next}`, setCookies);
  if (!current) return plainSeeOther(`/login/?next=${next}`, setCookies);
  if (asset) return serveAsset(asset, current.user, setCookies);
  const target = resolveSealedPath(url.pathname);
  const refusal = refusalFor(current.user, target);
  if (refusal) return refuse(refusal, current.user, setCookies);
  // The console opens only to staff with a second factor: the others set one up first.
  if (target!.area === 'staff' && !current.user.twoFactorEnabled)
    return plainSeeOther(`/two-factor/setup/?next=${next}`, setCookies);
  if (url.pathname === '/staff/') {
    // The overview shows what needs attention now, so it is drawn per request.
    const body = renderOverviewPage(await loadOverview());
    const page = renderStaffPage({
      title: 'Overview',
      section: '/staff/',
      body,
      user: current.user,
    });
    return plainHtml(page, 200, setCookies);
  }
  const personalised = siteFiles.includes(target!.file, NEWSLETTER_STATUS_MARKER);
  if (personalised === null) return refuse('not-found', current.user, setCookies);
  if (target!.file !== ACCOUNT_FILE && !personalised) {
    // Most pages differ per member only by the bar: the built page's bytes around it, kept cut.
    const parts = siteFiles.readParts(target!.file, MEMBER_BAR_MARKER)!;
    return plainHtml(joinWithMemberBar(parts, current.user), 200, setCookies);
  }
  const page = siteFiles.read(target!.file)!;
  const completed = target!.file === ACCOUNT_FILE ? await completeAccountPage(page, current) : page;
  const personal = await insertNewsletterStatus(completed, current.user);
  return plainHtml(insertMemberBar(personal, current.user), 200, setCookies);
}

export default defineHandler(
  {
    GET: async (req) =>
      toResponse(
        await answerGet({
          url: new URL(req.url),
          cookie: req.headers.get('cookie'),
          accept: req.headers.get('accept'),
        }),
      ),
  },
  { siteUrl: () => getConfig().siteUrl },
);

/** The same GET without Web objects, for the local server (src/server/http/plain-answer.ts). */
export const plainGet = definePlainGet(answerGet);

export const config: Config = {
  path: ['/members', '/members/*', '/staff', '/staff/*'],
  // The staff newsletter page is drawn by its own function.
  excludedPath: ['/staff/newsletter', '/staff/newsletter/'],
};
