/** The review queue page: pending registrations with what the roll says, and the decisions. */
import { MAX_REASON_LENGTH } from '../../membership/rules.ts';
import type { QueueEntry, QueueFilter, QueuePage } from '../queue.ts';
import { escapeHtml, formatTime, hidden, query, renderTable, yesNo, type Column } from './parts.ts';

const FILTERS: { value: QueueFilter; label: string }[] = [
  { value: 'all', label: 'All pending' },
  { value: 'matched', label: 'Roll-matched' },
  { value: 'unmatched', label: 'Need a closer look' },
];

function rollCell(e: QueueEntry): string {
  if (!e.onRoll) return yesNo(false, '', 'Number not on the roll');
  const parts = [
    yesNo(true, 'Number on the roll'),
    e.surnameMatch ? yesNo(true, 'surname matches') : yesNo(false, '', 'surname differs'),
  ];
  if (e.rollStatus === 'retired') parts.push('<span class="staff-no">retired</span>');
  return parts.join('<br>');
}

function claimCell(e: QueueEntry): string {
  if (e.claimedBy) return `<span class="staff-no">Claimed by ${escapeHtml(e.claimedBy)}</span>`;
  if (e.duplicate) return '<span class="staff-no">Also registered by another account</span>';
  return 'No';
}

function actionsCell(e: QueueEntry, back: string): string {
  const name = escapeHtml(`${e.firstName} ${e.surname}`);
  const reasonId = `reason-${e.id}`;
  return (
    `<form method="post" action="/api/staff/review" class="staff-inline">` +
    hidden('action', 'confirm') +
    hidden('id', e.id) +
    hidden('back', back) +
    `<button type="submit" class="button">Confirm <span class="visually-hidden">${name}</span></button></form>` +
    `<details class="staff-reject"><summary>Reject <span class="visually-hidden">${name}</span></summary>` +
    `<form method="post" action="/api/staff/review">` +
    hidden('action', 'reject') +
    hidden('id', e.id) +
    hidden('back', back) +
    `<label for="${reasonId}">Reason, emailed to ${name}</label>` +
    `<textarea id="${reasonId}" name="reason" rows="3" maxlength="${MAX_REASON_LENGTH}" required></textarea>` +
    `<button type="submit" class="button button--warning">Reject ${name}</button></form></details>`
  );
}

/** The queue page's main block. */
export function renderReviewPage(queue: QueuePage): string {
  const back = `/api/staff/review${query({ filter: queue.filter === 'all' ? undefined : queue.filter, page: queue.page > 1 ? queue.page : undefined })}`;
  const columns: Column<QueueEntry>[] = [
    {
      header: 'Name',
      rowHeader: true,
      cell: (e) =>
        `<a href="/api/staff/members/${encodeURIComponent(e.id)}">${escapeHtml(`${e.firstName} ${e.surname}`)}</a>`,
    },
    { header: 'Email', cell: (e) => escapeHtml(e.email) },
    { header: 'Username', cell: (e) => escapeHtml(e.username) },
    {
      header: 'Warrant ends in',
      cell: (e) => (e.warrantEndsIn ? escapeHtml(e.warrantEndsIn) : '–'),
    },
    { header: 'Roll', cell: rollCell },
    { header: 'Number claimed', cell: claimCell },
    { header: 'Registered', cell: (e) => formatTime(e.registeredAt) },
    { header: 'Decision', cell: (e) => actionsCell(e, back) },
  ];
  const filterLinks = FILTERS.map((f) => {
    const href = `/api/staff/review${query({ filter: f.value === 'all' ? undefined : f.value })}`;
    const current = f.value === queue.filter ? ' aria-current="page"' : '';
    return `<li><a href="${href}"${current}>${escapeHtml(f.label)}</a></li>`;
  }).join('');
  const bulk =
    queue.matchedTotal > 0
      ? `<form method="post" action="/api/staff/review" class="staff-bulk">${hidden('action', 'confirm-matched')}${hidden('back', back)}` +
        `<p>${matchedSentence(queue.matchedTotal)}</p>` +
        `<button type="submit" class="button">${confirmAllLabel(queue.matchedTotal)}</button></form>`
      : '<p>No pending registration fully matches the roll just now.</p>';
  const pager =
    queue.pageCount > 1
      ? `<nav class="staff-pager" aria-label="Queue pages"><p>Page ${queue.page} of ${queue.pageCount}</p><ul>` +
        (queue.page > 1
          ? `<li><a href="/api/staff/review${query({ filter: queue.filter === 'all' ? undefined : queue.filter, page: queue.page - 1 })}">Previous page</a></li>`
          : '') +
        (queue.page < queue.pageCount
          ? `<li><a href="/api/staff/review${query({ filter: queue.filter === 'all' ? undefined : queue.filter, page: queue.page + 1 })}">Next page</a></li>`
          : '') +
        `</ul></nav>`
      : '';
  const caption = `${queue.total} registration${queue.total === 1 ? '' : 's'} waiting (${FILTERS.find((f) => f.value === queue.filter)!.label.toLowerCase()}), oldest first`;
  return (
    `<h1>Review queue</h1>` +
    `<p class="lede">People who registered and verified their email, waiting for a decision. Confirming emails them that they can sign in; rejecting emails them your reason.</p>` +
    bulk +
    `<nav aria-label="Filter the queue"><ul class="staff-filters">${filterLinks}</ul></nav>` +
    renderTable('queue', caption, columns, queue.entries, 'Nobody is waiting for review.') +
    pager
  );
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
