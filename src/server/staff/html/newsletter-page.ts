/** The newsletter page: subscribers by status, each send with its counts, and the send controls. */
import type { ArticleListing } from '../../newsletter/articles.ts';
import type { SendSummary } from '../../newsletter/queue.ts';
import type { Subscriber, SubscriberStatus } from '../../store/schema.ts';
import { renderErrorSummary, renderField } from '../../html/form-parts.ts';
import { html, type SafeHtml } from '../../html/safe-html.ts';
import { formatTime, hidden, query, renderTable, type Column } from './parts.ts';

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

function subscribersBlock(data: NewsletterPageData): SafeHtml {
  const statuses: SubscriberStatus[] = ['pending', 'subscribed', 'unsubscribed', 'bounced'];
  const links = statuses.map((status) => {
    const href = `${NEWSLETTER_PAGE}${query({ status: status === 'subscribed' ? undefined : status })}`;
    return html`<li><a href="${href}"${status === data.status && html` aria-current="page"`}>${STATUS_LABELS[status]}: <span data-count="${status}">${data.counts[status]}</span></a></li>`;
  });
  const columns: Column<Subscriber>[] = [
    { header: 'Email', rowHeader: true, cell: (s) => s.email },
    { header: 'Name', cell: (s) => s.name || '–' },
    { header: 'Member', cell: (s) => (s.user_id ? 'Yes' : 'No') },
    { header: 'Consent', cell: (s) => s.consent_source ?? '–' },
    { header: 'Consent given', cell: (s) => formatTime(s.consent_at) },
    { header: 'Last change', cell: (s) => formatTime(s.updated_at) },
  ];
  const shown = data.subscribers.length;
  const total = data.counts[data.status];
  const caption = `${STATUS_LABELS[data.status]}: ${total}${shown < total ? `, the ${shown} most recent shown` : ''}`;
  return html`<section aria-labelledby="subscribers-title"><h2 id="subscribers-title">Subscribers</h2><ul class="staff-filters" aria-label="Subscribers by status">${links}</ul>${renderTable(
    'subscribers',
    caption,
    columns,
    data.subscribers,
    `No ${STATUS_LABELS[data.status].toLowerCase()} addresses.`,
  )}</section>`;
}

function cancelCell(send: SendSummary): SafeHtml | string {
  if (send.status !== 'queued' && send.status !== 'sending') return '–';
  return html`<form method="post" action="${NEWSLETTER_ACTION}" class="staff-inline">${hidden('action', 'cancel')}${hidden('sendId', send.id)}<button type="submit" class="button button--warning">Cancel <span class="visually-hidden">the send of ${send.title}</span></button></form>`;
}

function sendsBlock(sends: SendSummary[]): SafeHtml {
  const columns: Column<SendSummary>[] = [
    { header: 'Article', rowHeader: true, cell: (s) => s.title },
    { header: 'Status', cell: (s) => html`<span data-send-status>${s.status}</span>` },
    { header: 'Queued', cell: (s) => html`${formatTime(s.createdAt)} by ${s.createdBy}` },
    { header: 'Finished', cell: (s) => formatTime(s.finishedAt) },
    { header: 'Recipients', cell: (s) => s.recipients },
    { header: 'Waiting', cell: (s) => s.queued },
    { header: 'Sent', cell: (s) => s.sent },
    { header: 'Failed', cell: (s) => s.failed },
    { header: 'Bounced', cell: (s) => s.bounced },
    { header: 'Action', cell: cancelCell },
  ];
  return html`<section aria-labelledby="sends-title"><h2 id="sends-title">Sends</h2><p>Articles go out once ever: when the first live deploy that holds an article ticked for the newsletter succeeds, or when sent from here. Skipped recipients unsubscribed or bounced before their turn.</p>${renderTable(
    'sends',
    sends.length === 1 ? 'The one send so far' : `The ${sends.length} most recent sends`,
    columns,
    sends,
    'Nothing has been sent yet.',
  )}</section>`;
}

const SLUG_FIELD_ID = 'newsletter-slug';

function sendForm(data: NewsletterPageData): SafeHtml {
  if (data.articles.length === 0) {
    return html`<section aria-labelledby="send-title"><h2 id="send-title">Send an article</h2><p>No published articles: build and deploy the site first.</p></section>`;
  }
  const options = data.articles.map((a) => {
    const when = a.queuedAt ? ` (sent ${new Date(a.queuedAt).toISOString().slice(0, 10)})` : '';
    const members = a.membersOnly ? ' [members-only]' : '';
    return { value: a.slug, label: `${a.title}${members}${when}` };
  });
  const summary =
    data.error &&
    renderErrorSummary({
      id: 'send-errors',
      errors: [{ message: data.error, fieldId: SLUG_FIELD_ID }],
    });
  const field = renderField({
    id: SLUG_FIELD_ID,
    name: 'slug',
    label: 'Article',
    control: 'select',
    options,
    error: data.error,
  });
  return html`<section aria-labelledby="send-title"><h2 id="send-title">Send an article</h2><p>Send yourself a test first: it goes only to <strong>${data.ownEmail}</strong>, exactly as a confirmed member would get it. Sending to everyone queues the article for every subscribed address; the worker sends it within the rate limit, and nothing is ever sent twice.</p><form method="post" action="${NEWSLETTER_ACTION}" class="form staff-action" novalidate>${summary}${field}<ul class="inline-list button-row"><li><button type="submit" class="button button--secondary" name="action" value="test">Send a test to me</button></li><li><button type="submit" class="button" name="action" value="send">Send to all subscribers</button></li></ul></form></section>`;
}

/** The newsletter page's main block. */
export function renderNewsletterPage(data: NewsletterPageData): SafeHtml {
  return html`<h1>Newsletter</h1><p class="lede">Who gets the newsletter, what has been sent, and sending an article by hand.</p>${subscribersBlock(data)}${sendsBlock(data.sends)}${sendForm(data)}`;
}
