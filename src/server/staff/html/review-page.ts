/** The review queue page: pending registrations with what the roll says, and the decisions. */
import { MAX_REASON_LENGTH } from '../../membership/rules.ts';
import type { QueueEntry, QueueFilter, QueuePage } from '../queue.ts';
import { renderErrorSummary, renderField } from '../../html/form-parts.ts';
import { html, type HtmlValue, type SafeHtml } from '../../html/safe-html.ts';
import { formatTime, hidden, query, renderTable, yesNo, type Column } from './parts.ts';

const FILTERS: { value: QueueFilter; label: string }[] = [
  { value: 'all', label: 'All pending' },
  { value: 'matched', label: 'Roll-matched' },
  { value: 'unmatched', label: 'Need a closer look' },
];

function rollCell(e: QueueEntry): SafeHtml {
  if (!e.onRoll) return yesNo(false, '', 'Number not on the roll');
  return html`${yesNo(true, 'Number on the roll')}<br>${e.surnameMatch ? yesNo(true, 'surname matches') : yesNo(false, '', 'surname differs')}${e.rollStatus === 'retired' && html`<br><span class="staff-no">retired</span>`}`;
}

function claimCell(e: QueueEntry): HtmlValue {
  if (e.claimedBy) return html`<span class="staff-no">Claimed by ${e.claimedBy}</span>`;
  if (e.duplicate) return html`<span class="staff-no">Also registered by another account</span>`;
  return 'No';
}

/** A rejection whose reason was refused: which registration, the reason as typed, and why. */
export interface ReasonProblem {
  id: string;
  reason: string;
  message: string;
}

function actionsCell(e: QueueEntry, back: string, problem?: ReasonProblem): SafeHtml {
  const name = `${e.firstName} ${e.surname}`;
  const mine = problem?.id === e.id ? problem : undefined;
  return html`<form method="post" action="/api/staff/review" class="staff-inline">${hidden('action', 'confirm')}${hidden('id', e.id)}${hidden('back', back)}<button type="submit" class="button">Confirm <span class="visually-hidden">${name}</span></button></form><details class="staff-reject"${mine && html` open`}><summary>Reject <span class="visually-hidden">${name}</span></summary><form method="post" action="/api/staff/review">${hidden('action', 'reject')}${hidden('id', e.id)}${hidden('back', back)}${renderField({ id: `reason-${e.id}`, name: 'reason', label: `Reason, emailed to ${name}`, control: 'textarea', rows: 3, maxlength: MAX_REASON_LENGTH, required: true, value: mine?.reason, error: mine?.message })}<button type="submit" class="button button--warning">Reject ${name}</button></form></details>`;
}

/** The queue page's main block. */
export function renderReviewPage(queue: QueuePage, problem?: ReasonProblem): SafeHtml {
  const filter = queue.filter === 'all' ? undefined : queue.filter;
  const back = `/api/staff/review${query({ filter, page: queue.page > 1 ? queue.page : undefined })}`;
  const columns: Column<QueueEntry>[] = [
    {
      header: 'Name',
      rowHeader: true,
      cell: (e) =>
        html`<a href="/api/staff/members/${encodeURIComponent(e.id)}">${e.firstName} ${e.surname}</a>`,
    },
    { header: 'Email', cell: (e) => e.email },
    { header: 'Username', cell: (e) => e.username },
    { header: 'Warrant ends in', cell: (e) => e.warrantEndsIn || '–' },
    { header: 'Roll', cell: rollCell },
    { header: 'Number claimed', cell: claimCell },
    { header: 'Registered', cell: (e) => formatTime(e.registeredAt) },
    { header: 'Decision', cell: (e) => actionsCell(e, back, problem) },
  ];
  const filterLinks = FILTERS.map((f) => {
    const href = `/api/staff/review${query({ filter: f.value === 'all' ? undefined : f.value })}`;
    return html`<li><a href="${href}"${f.value === queue.filter && html` aria-current="page"`}>${f.label}</a></li>`;
  });
  const bulk =
    queue.matchedTotal > 0
      ? html`<form method="post" action="/api/staff/review" class="staff-bulk">${hidden('action', 'confirm-matched')}${hidden('back', back)}<p>${matchedSentence(queue.matchedTotal)}</p><button type="submit" class="button">${confirmAllLabel(queue.matchedTotal)}</button></form>`
      : html`<p>No pending registration fully matches the roll just now.</p>`;
  const pageLink = (page: number, text: string) =>
    html`<li><a href="/api/staff/review${query({ filter, page })}">${text}</a></li>`;
  const pager =
    queue.pageCount > 1 &&
    html`<nav class="staff-pager" aria-label="Queue pages"><p>Page ${queue.page} of ${queue.pageCount}</p><ul>${queue.page > 1 && pageLink(queue.page - 1, 'Previous page')}${queue.page < queue.pageCount && pageLink(queue.page + 1, 'Next page')}</ul></nav>`;
  const filterLabel = (FILTERS.find((f) => f.value === queue.filter) ?? FILTERS[0]).label;
  const caption = `${queue.total} registration${queue.total === 1 ? '' : 's'} waiting (${filterLabel.toLowerCase()}), oldest first`;
  const summary =
    problem &&
    renderErrorSummary({
      id: 'review-errors',
      errors: [{ message: problem.message, fieldId: `reason-${problem.id}` }],
    });
  return html`<h1>Review queue</h1>${summary}<p class="lede">People who registered and verified their email, waiting for a decision. Confirming emails them that they can sign in; rejecting emails them your reason.</p>${bulk}<nav aria-label="Filter the queue"><ul class="staff-filters">${filterLinks}</ul></nav>${renderTable('queue', caption, columns, queue.entries, 'Nobody is waiting for review.')}${pager}`;
}

/** "1 pending registration matches…" / "3 pending registrations match…". */
function matchedSentence(count: number): string {
  const subject =
    count === 1 ? '1 pending registration matches' : `${count} pending registrations match`;
  return `${subject} an entry on the roll (number and surname, serving or retired) whose number nobody else has claimed.`;
}

function confirmAllLabel(count: number): string {
  return count === 1
    ? 'Confirm the 1 roll-matched registration'
    : `Confirm all ${count} roll-matched registrations`;
}
