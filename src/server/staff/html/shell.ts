/**
 * Staff console pages are the built /staff/ page (a sealed Astro page with
 * the site's header, styles and the console's navigation) with its main block
 * replaced per request. Without a build, a bare page with the same navigation.
 */
import { getConfig } from '../../config.ts';
import { insertMemberBar } from '../../http/member-bar.ts';
import { html, toHtmlString, trustedHtml, type SafeHtml } from '../../html/safe-html.ts';
import { siteFiles } from '../../http/site-files.ts';
import type { SealedFiles } from '../../http/sealed-files.ts';
import type { Flash } from '../http/flash.ts';

/** Markers around the replaceable block of the /staff/ page. */
export const STAFF_MAIN_START = '<!--staff:main-->';
export const STAFF_MAIN_END = '<!--/staff:main-->';

/** The console's sections, in navigation order. */
export const STAFF_SECTIONS = [
  { href: '/staff/', label: 'Overview' },
  { href: '/api/staff/review', label: 'Review queue' },
  { href: '/api/staff/roll', label: 'Roll' },
  { href: '/api/staff/members', label: 'Members' },
  { href: '/staff/newsletter/', label: 'Newsletter' },
  { href: '/api/staff/audit', label: 'Audit log' },
  { href: '/api/staff/team', label: 'Staff' },
] as const;

/** The navigation as HTML (the Astro page renders the same list). */
export function renderStaffNav(): SafeHtml {
  const items = STAFF_SECTIONS.map((s) => html`<li><a href="${s.href}">${s.label}</a></li>`);
  return html`<nav class="staff-nav" aria-label="Staff console"><ul>${items}</ul></nav>`;
}

function fallbackShell(): string {
  // The markers and the member-bar placeholder are constant comments.
  return toHtmlString(
    html`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Staff console</title></head><body><header>${trustedHtml('<!--member-bar-->')}</header><main id="main" tabindex="-1">${renderStaffNav()}${trustedHtml(STAFF_MAIN_START + STAFF_MAIN_END)}</main></body></html>`,
  );
}

/** What a page needs to be drawn. */
export interface StaffPage {
  title: string;
  /** The section's href, marked as the current page in the navigation. */
  section: string;
  body: SafeHtml;
  flash?: Flash | null;
  user: { firstName: string; surname: string };
}

function renderFlash(flash: Flash | null | undefined): SafeHtml {
  if (!flash) return html``;
  const role = flash.kind === 'error' ? 'alert' : 'status';
  return html`<div class="staff-flash staff-flash--${flash.kind}" role="${role}"><p>${flash.text}</p></div>`;
}

/** The full HTML of a console page. */
export function renderStaffPage(page: StaffPage, files: SealedFiles = siteFiles): string {
  const shell = files.read('staff/index.html') ?? fallbackShell();
  const from = shell.indexOf(STAFF_MAIN_START);
  const to = shell.indexOf(STAFF_MAIN_END, from);
  const base = from >= 0 && to >= 0 ? shell : fallbackShell();
  const start = base.indexOf(STAFF_MAIN_START);
  const end = base.indexOf(STAFF_MAIN_END, start);
  const block = `${STAFF_MAIN_START}${toHtmlString(html`${renderFlash(page.flash)}${page.body}`)}${STAFF_MAIN_END}`;
  let markup = base.slice(0, start) + block + base.slice(end + STAFF_MAIN_END.length);
  const title = `${page.title} | Staff console | ${getConfig().siteName}`;
  // Replacements are functions, so a `$` in a name is not read as a replacement pattern.
  markup = markup.replace(/<title>[^<]*<\/title>/, () =>
    toHtmlString(html`<title>${title}</title>`),
  );
  markup = markup.replace(toHtmlString(html`<a href="${page.section}">`), () =>
    toHtmlString(html`<a href="${page.section}" aria-current="page">`),
  );
  return insertMemberBar(markup, page.user);
}
