/** The members search page and one member's page. */
import type { UserStatus } from '../../store/schema.ts';
import { MAX_REASON_LENGTH } from '../../membership/rules.ts';
import type { MemberDetail, MemberRow } from '../members.ts';
import { describeAudit } from './audit-page.ts';
import { renderReauthForm } from './roll-page.ts';
import { escapeHtml, formatTime, hidden, renderTable, type Column } from './parts.ts';

const STATUS_OPTIONS: (UserStatus | '')[] = [
  '',
  'unverified',
  'pending',
  'confirmed',
  'rejected',
  'suspended',
];

/** The search page's main block. */
export function renderMembersPage(data: {
  q: string;
  status: string;
  results: MemberRow[] | null;
  reauthFresh: boolean;
}): string {
  const options = STATUS_OPTIONS.map(
    (s) =>
      `<option value="${s}"${s === data.status ? ' selected' : ''}>${s === '' ? 'Any status' : s}</option>`,
  ).join('');
  // A warrant number is not written back into the page.
  const shownQ = /^[0-9\s]{6,}$/.test(data.q) ? '' : data.q;
  const form =
    `<form method="post" action="/api/staff/members" class="staff-search" role="search">` +
    `<div class="field"><label class="field__label" for="member-q">Name, username, email or full warrant number</label>` +
    `<input class="field__input" id="member-q" name="q" type="search" value="${escapeHtml(shownQ)}" spellcheck="false" autocapitalize="none"></div>` +
    `<div class="field"><label class="field__label" for="member-status">Status</label><select class="field__input" id="member-status" name="status">${options}</select></div>` +
    `<button type="submit" class="button">Search</button></form>`;
  const columns: Column<MemberRow>[] = [
    {
      header: 'Name',
      rowHeader: true,
      cell: (m) =>
        `<a href="/api/staff/members/${encodeURIComponent(m.id)}">${escapeHtml(m.name)}</a>`,
    },
    { header: 'Username', cell: (m) => escapeHtml(m.username) },
    { header: 'Email', cell: (m) => escapeHtml(m.email) },
    {
      header: 'Status',
      cell: (m) => escapeHtml(m.role === 'staff' ? `${m.status} (staff)` : m.status),
    },
    { header: 'Warrant ends in', cell: (m) => escapeHtml(m.warrantEndsIn ?? '–') },
    { header: 'Registered', cell: (m) => formatTime(m.registeredAt) },
  ];
  const results =
    data.results === null
      ? ''
      : renderTable(
          'members',
          `${data.results.length} account${data.results.length === 1 ? '' : 's'} found${data.results.length >= 100 ? ' (the first 100: narrow the search)' : ''}`,
          columns,
          data.results,
          'No account matches that search.',
        );
  const exportForm = data.reauthFresh
    ? `<form method="post" action="/api/staff/export"><button type="submit" class="button button--secondary">Download members (CSV)</button></form>`
    : renderReauthForm(
        '/api/staff/members',
        'Confirm your password to download the members file: exports need it within the last 10 minutes.',
      );
  return (
    `<h1>Members</h1>` +
    form +
    results +
    `<section aria-labelledby="export-title"><h2 id="export-title">Export</h2>` +
    `<p>A CSV of every account for the federation's records: names, emails, usernames, status, dates and the last two digits of the warrant number. No passwords or full warrant numbers are held, so none are in it.</p>` +
    exportForm +
    `</section>`
  );
}

function action(id: string, name: string, label: string, extra = '', cls = 'button'): string {
  return (
    `<form method="post" action="/api/staff/members/${encodeURIComponent(id)}" class="staff-action">${hidden('action', name)}${extra}` +
    `<button type="submit" class="${cls}">${escapeHtml(label)}</button></form>`
  );
}

/** One member's page. */
export function renderMemberPage(m: MemberDetail): string {
  const facts: [string, string][] = [
    ['Name', escapeHtml(m.name)],
    ['Username', escapeHtml(m.username)],
    ['Email', escapeHtml(m.email)],
    ['Role', escapeHtml(m.role)],
    ['Status', escapeHtml(m.status)],
    ['Warrant number ends in', escapeHtml(m.warrantEndsIn ?? '–')],
    ['Registered', formatTime(m.registeredAt)],
    ['Email verified', formatTime(m.verifiedAt)],
    ['Confirmed', formatTime(m.confirmedAt)],
    ['Signed in on', `${m.activeSessions} device${m.activeSessions === 1 ? '' : 's'}`],
  ];
  if (m.rejectReason) facts.push(['Reason recorded', escapeHtml(m.rejectReason)]);
  const dl = `<dl class="staff-facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  const actions: string[] = [];
  if (m.role === 'member') {
    if (m.activeSessions > 0) actions.push(action(m.id, 'revoke', 'Sign out everywhere'));
    if (m.status === 'suspended' || m.status === 'rejected')
      actions.push(action(m.id, 'reinstate', 'Reinstate as a confirmed member'));
    if (m.status !== 'suspended') {
      actions.push(
        action(
          m.id,
          'suspend',
          'Suspend',
          `<div class="field"><label class="field__label" for="suspend-reason">Reason for suspending (kept in the audit log)</label>` +
            `<textarea class="field__input" id="suspend-reason" name="reason" rows="2" maxlength="${MAX_REASON_LENGTH}" required></textarea></div>`,
          'button button--warning',
        ),
      );
    }
    actions.push(
      action(
        m.id,
        'erase',
        'Erase this account',
        `<p>Erasing removes the account, its sessions and links for good, as when members delete their own account. Do this only when the member asks.</p>` +
          `<div class="field"><label class="field__label" for="erase-confirm">Type the username ${escapeHtml(m.username)} to confirm</label>` +
          `<input class="field__input" id="erase-confirm" name="confirm" type="text" autocomplete="off" spellcheck="false" autocapitalize="none" required></div>`,
        'button button--warning',
      ),
    );
  }
  const history = renderTable(
    'history',
    `History of ${m.username}, newest first`,
    [
      {
        header: 'When',
        rowHeader: true,
        cell: (r: MemberDetail['history'][number]) => formatTime(r.at),
      },
      { header: 'Who', cell: (r) => escapeHtml(r.actor) },
      { header: 'What', cell: (r) => escapeHtml(describeAudit(r)) },
    ],
    m.history,
    'No staff action has touched this account yet.',
  );
  return (
    `<p><a href="/api/staff/members">Back to members</a></p><h1>${escapeHtml(m.name)}</h1>${dl}` +
    (actions.length
      ? `<section aria-labelledby="actions-title"><h2 id="actions-title">Actions</h2>${actions.join('')}</section>`
      : '') +
    `<section aria-labelledby="history-title"><h2 id="history-title">History</h2>${history}</section>`
  );
}

export { renderReauthForm };
