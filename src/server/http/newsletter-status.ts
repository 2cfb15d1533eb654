/**
 * The newsletter line of the account page: the built page holds a marker, and
 * the members function puts the member's current choice there per request.
 */
import { readMemberNewsletter } from '../newsletter/subscribers.ts';
import type { Db } from '../store/db.ts';
import { html, toHtmlString } from '../html/safe-html.ts';

/** The placeholder in the built account page. */
export const NEWSLETTER_STATUS_MARKER = '<!--newsletter-status-->';

/** The built account page, relative to sealed/. */
export const ACCOUNT_PAGE_FILE = 'members/account/index.html';

/** The member's newsletter status as a sentence. */
export async function renderNewsletterStatus(
  user: { id: string; email: string },
  db?: Db,
): Promise<string> {
  const { status } = await readMemberNewsletter(user.id, db);
  const text =
    status === 'subscribed'
      ? html`The newsletter is <strong>on</strong>: we email it to <strong>${user.email}</strong>.`
      : status === 'bounced'
        ? html`The newsletter is <strong>off</strong>: emails to
            <strong>${user.email}</strong> could not be delivered. Switch it on to try again.`
        : html`The newsletter is <strong>off</strong>.`;
  return toHtmlString(html`<p class="newsletter-status" id="newsletter-status">${text}</p>`);
}

/** Puts the member's newsletter status into the account page (other pages pass through). */
export async function insertNewsletterStatus(
  page: string,
  user: { id: string; email: string },
): Promise<string> {
  if (!page.includes(NEWSLETTER_STATUS_MARKER)) return page;
  return page.split(NEWSLETTER_STATUS_MARKER).join(await renderNewsletterStatus(user));
}
