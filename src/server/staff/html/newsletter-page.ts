/** The newsletter page: subscribers by status, each send with its counts, and the send controls. */
import type { ArticleListing } from '../../newsletter/articles.ts';
import type { SendSummary } from '../../newsletter/queue.ts';
import type { Subscriber, SubscriberStatus } from '../../store/schema.ts';
import { escapeHtml, formatTime, hidden, query, renderTable, type Column } from './parts.ts';

/** Where the page lives (served by the staff-newsletter function). */
export const NEWSLETTER_PAGE = '/staff/newsletter/';

/** Where its forms post. */
export const NEWSLETTER_ACTION = '/api/staff/newsletter';

export const STATUS_LABELS: Record<SubscriberStatus, string> = {
  pending: 'Pending confirmation',
  subscribed: 'Subscribed',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
};

/** What the page shows. */
export interface NewsletterPageData {
  counts: Record<SubscriberStatus, number>;
  status: SubscriberStatus;
  subscribers: Subscriber[];
  sends: SendSummary[];
  /** Published articles from the last build, with when each was queued (if ever). */
  articles: (ArticleListing & { queuedAt: number | null })[];
  /** The staff member's own address, for the test send. */
  ownEmail: string;
  error?: string;
}

function subscribersBlock(data: NewsletterPageData): string {
  const links = (Object.keys(STATUS_LABELS) as SubscriberStatus[])
    .map((status) => {
      const current = status === data.status ? ' aria-current="page"' : '';
      const href = `${NEWSLETTER_PAGE}${query({ status: status === 'subscribed' ? undefined : status })}`;
      return `<li><a href="${href}"${current}>${escapeHtml(STATUS_LABELS[status])}: <span data-count="${status}">${data.counts[status]}</span></a></li>`;
    })
    .join('');
  const columns: Column<Subscriber>[] = [
    { header: 'Email', rowHeader: true, cell: (s) => escapeHtml(s.email) },
    { header: 'Name', cell: (s) => (s.name ? escapeHtml(s.name) : '–') },
    { header: 'Member', cell: (s) => (s.user_id ? 'Yes' : 'No') },
    { header: 'Consent', cell: (s) => escapeHtml(s.consent_source ?? '–') },
    { header: 'Consent given', cell: (s) => formatTime(s.consent_at) },
    { header: 'Last change', cell: (s) => formatTime(s.updated_at) },
  ];
  const shown = data.subscribers.length;
  const total = data.counts[data.status];
  const caption = `${STATUS_LABELS[data.status]}: ${total}${shown < total ? `, the ${shown} most recent shown` : ''}`;
  return (
    `<section aria-labelledby="subscribers-title"><h2 id="subscribers-title">Subscribers</h2>` +
    `<ul class="staff-filters" aria-label="Subscribers by status">${links}</ul>` +
    renderTable(
      'subscribers',
      caption,
      columns,
      data.subscribers,
      `No ${STATUS_LABELS[data.status].toLowerCase()} addresses.`,
    ) +
    `</section>`
  );
}

function cancelCell(send: SendSummary): string {
  if (send.status !== 'queued' && send.status !== 'sending') return '–';
  return (
    `<form method="post" action="${NEWSLETTER_ACTION}" class="staff-inline">` +
    hidden('action', 'cancel') +
    hidden('sendId', send.id) +
    `<button type="submit" class="button button--warning">Cancel <span class="visually-hidden">the send of ${escapeHtml(send.title)}</span></button></form>`
  );
}

function sendsBlock(sends: SendSummary[]): string {
  const columns: Column<SendSummary>[] = [
    { header: 'Article', rowHeader: true, cell: (s) => escapeHtml(s.title) },
    { header: 'Status', cell: (s) => `<span data-send-status>${escapeHtml(s.status)}</span>` },
    { header: 'Queued', cell: (s) => `${formatTime(s.createdAt)} by ${escapeHtml(s.createdBy)}` },
    { header: 'Finished', cell: (s) => formatTime(s.finishedAt) },
    { header: 'Recipients', cell: (s) => String(s.recipients) },
    { header: 'Waiting', cell: (s) => String(s.queued) },
    { header: 'Sent', cell: (s) => String(s.sent) },
    { header: 'Failed', cell: (s) => String(s.failed) },
    { header: 'Bounced', cell: (s) => String(s.bounced) },
    { header: 'Action', cell: cancelCell },
  ];
  return (
    `<section aria-labelledby="sends-title"><h2 id="sends-title">Sends</h2>` +
    `<p>Articles go out once ever: when the first live deploy that holds an article ticked for the newsletter succeeds, or when sent from here. Skipped recipients unsubscribed or bounced before their turn.</p>` +
    renderTable(
      'sends',
      sends.length === 1 ? 'The one send so far' : `The ${sends.length} most recent sends`,
      columns,
      sends,
      'Nothing has been sent yet.',
    ) +
    `</section>`
  );
}

function sendForm(data: NewsletterPageData): string {
  if (data.articles.length === 0) {
    return `<section aria-labelledby="send-title"><h2 id="send-title">Send an article</h2><p>No published articles: build and deploy the site first.</p></section>`;
  }
  const options = data.articles
    .map((a) => {
      const when = a.queuedAt ? ` (sent ${new Date(a.queuedAt).toISOString().slice(0, 10)})` : '';
      const members = a.membersOnly ? ' [members-only]' : '';
      return `<option value="${escapeHtml(a.slug)}">${escapeHtml(`${a.title}${members}${when}`)}</option>`;
    })
    .join('');
  const error = data.error
    ? `<div class="error-summary" role="alert" aria-labelledby="send-errors-title" tabindex="-1"><h2 class="error-summary__title" id="send-errors-title">There is a problem</h2><ul class="error-summary__list"><li><a href="#newsletter-slug">${escapeHtml(data.error)}</a></li></ul></div>`
    : '';
  return (
    `<section aria-labelledby="send-title"><h2 id="send-title">Send an article</h2>` +
    `<p>Send yourself a test first: it goes only to <strong>${escapeHtml(data.ownEmail)}</strong>, exactly as a confirmed member would get it. Sending to everyone queues the article for every subscribed address; the worker sends it within the rate limit, and nothing is ever sent twice.</p>` +
    `<form method="post" action="${NEWSLETTER_ACTION}" class="form staff-action" novalidate>${error}` +
    `<div class="field${data.error ? ' field--error' : ''}"><label class="field__label" for="newsletter-slug">Article</label>` +
    (data.error
      ? `<p class="field__error" id="newsletter-slug-error"><span class="visually-hidden">Error: </span>${escapeHtml(data.error)}</p>`
      : '') +
    `<select class="field__input" id="newsletter-slug" name="slug"${data.error ? ' aria-invalid="true" aria-describedby="newsletter-slug-error"' : ''}>${options}</select></div>` +
    `<ul class="inline-list button-row">` +
    `<li><button type="submit" class="button button--secondary" name="action" value="test">Send a test to me</button></li>` +
    `<li><button type="submit" class="button" name="action" value="send">Send to all subscribers</button></li>` +
    `</ul></form></section>`
  );
}

/** The newsletter page's main block. */
export function renderNewsletterPage(data: NewsletterPageData): string {
  return (
    `<h1>Newsletter</h1>` +
    `<p class="lede">Who gets the newsletter, what has been sent, and sending an article by hand.</p>` +
    subscribersBlock(data) +
    sendsBlock(data.sends) +
    sendForm(data)
  );
}
