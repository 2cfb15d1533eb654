/**
 * Answers of the staff functions: a console page (clearing the flash it
 * shows), or a 303 back to a console page with a status message.
 */
import { getConfig } from '../../config.ts';
import type { SafeHtml } from '../../html/safe-html.ts';
import { htmlResponse, seeOther } from '../../http/responses.ts';
import { cookieHeaders } from '../../http/session.ts';
import { safeNextPath } from '../../http/next-path.ts';
import { renderStaffPage } from '../html/shell.ts';
import { buildFlashCookie, clearFlashCookie, readFlash, type Flash } from './flash.ts';
import type { StaffRequest } from './guard.ts';

/** A console page for a GET (or a 4xx re-render after a POST). */
export function answerStaffPage(
  req: Request,
  staff: StaffRequest,
  page: { title: string; section: string; body: SafeHtml; flash?: Flash | null },
  status = 200,
): Response {
  const flash = page.flash === undefined ? readFlash(req) : page.flash;
  const cookies = [...staff.setCookies];
  if (readFlash(req)) cookies.push(clearFlashCookie());
  const html = renderStaffPage({ ...page, flash, user: staff.user });
  return htmlResponse(html, status, cookieHeaders(cookies));
}

/** 303 to `location` with a status message for the next page. */
export function redirectWithFlash(staff: StaffRequest, location: string, flash: Flash): Response {
  const headers = cookieHeaders([...staff.setCookies, buildFlashCookie(flash)]);
  return seeOther(location, headers);
}

/** A console path from a form's `back` field, or the fallback: never another site. */
export function consolePath(candidate: string, fallback: string): string {
  const safe = safeNextPath(candidate);
  return safe && (safe.startsWith('/api/staff/') || safe === '/staff/') ? safe : fallback;
}

/** The site URL for the CSRF check. */
export const siteUrl = (): string => getConfig().siteUrl;
