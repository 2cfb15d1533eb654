import { html, toHtmlString, type SafeHtml } from '../html/safe-html.ts';

/** The placeholder sealed pages carry where the member's name and log-out button go. */
export const MEMBER_BAR_MARKER = '<!--member-bar-->';

/** The member bar: who is logged in, a link to their account, and a log-out form. */
export function renderMemberBar(member: { firstName: string; surname: string }): SafeHtml {
  const name = `${member.firstName} ${member.surname}`.trim();
  return html`<div class="member-bar"><span class="member-bar__name">Logged in as <a href="/members/account/">${name}</a></span><form class="member-bar__logout" method="post" action="/api/logout"><button type="submit" class="button button--link">Log out</button></form></div>`;
}

/** Puts the member bar into a sealed page (every occurrence of the marker). */
export function insertMemberBar(
  page: string,
  member: { firstName: string; surname: string },
): string {
  return page.split(MEMBER_BAR_MARKER).join(toHtmlString(renderMemberBar(member)));
}

/**
 * A sealed page cut at its markers (`SealedFiles.readParts` with `MEMBER_BAR_MARKER`)
 * with the member bar between the parts, as UTF-8 pieces to send one after
 * another: the same page `insertMemberBar` makes, without copying the page.
 */
export function joinWithMemberBar(
  parts: readonly Uint8Array[],
  member: { firstName: string; surname: string },
): Uint8Array[] {
  const bar = encodedBar(member);
  return parts.flatMap((part, index) => (index > 0 ? [bar, part] : [part]));
}

/** Bars kept encoded, by the name they show; the whole set is dropped when it reaches this size. */
const ENCODED_BARS_KEPT = 1000;
const encodedBars = new Map<string, Uint8Array>();

/** The member bar as UTF-8 bytes, shared between answers (never changed after it is made). */
function encodedBar(member: { firstName: string; surname: string }): Uint8Array {
  const key = `${member.firstName}\u0000${member.surname}`;
  let bar = encodedBars.get(key);
  if (bar === undefined) {
    if (encodedBars.size >= ENCODED_BARS_KEPT) encodedBars.clear();
    bar = Buffer.from(toHtmlString(renderMemberBar(member)));
    encodedBars.set(key, bar);
  }
  return bar;
}
