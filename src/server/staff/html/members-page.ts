/** The members search page and one member's page. */
import type { UserStatus } from '../../store/schema.ts';
import { MAX_REASON_LENGTH } from '../../membership/rules.ts';
import type { MemberDetail, MemberRow } from '../members.ts';
import { describeAudit } from './audit-page.ts';
import type { ReauthState } from '../reauth.ts';
import { renderReauthForm } from './reauth-page.ts';
import { renderErrorSummary, renderField } from '../../html/form-parts.ts';
import { html, type HtmlValue, type SafeHtml } from '../../html/safe-html.ts';
import { formatTime, hidden, renderTable, type Column } from './parts.ts';

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
  reauth: ReauthState;
}): SafeHtml {
  // A warrant number is not written back into the page.
  const shownQ = /^[0-9\s]{6,}$/.test(data.q) ? '' : data.q;
  const form = html`<form method="post" action="/api/staff/members" class="staff-search" role="search">${renderField(
    {
      id: 'member-q',
      name: 'q',
      label: 'Name, username, email or full warrant number',
      type: 'search',
      value: shownQ,
      verbatim: true,
    },
  )}${renderField({
    id: 'member-status',
    name: 'status',
    label: 'Status',
    control: 'select',
    value: data.status,
    options: STATUS_OPTIONS.map((s) => ({ value: s, label: s === '' ? 'Any status' : s })),
  })}<button type="submit" class="button">Search</button></form>`;
  const columns: Column<MemberRow>[] = [
    {
      header: 'Name',
      rowHeader: true,
      cell: (m) => html`<a href="/api/staff/members/${encodeURIComponent(m.id)}">${m.name}</a>`,
    },
    { header: 'Username', cell: (m) => m.username },
    { header: 'Email', cell: (m) => m.email },
    { header: 'Status', cell: (m) => (m.role === 'staff' ? `${m.status} (staff)` : m.status) },
    { header: 'Warrant ends in', cell: (m) => m.warrantEndsIn ?? '–' },
    { header: 'Registered', cell: (m) => formatTime(m.registeredAt) },
  ];
  const results =
    data.results !== null &&
    renderTable(
      'members',
      `${data.results.length} account${data.results.length === 1 ? '' : 's'} found${data.results.length >= 100 ? ' (the first 100: narrow the search)' : ''}`,
      columns,
      data.results,
      'No account matches that search.',
    );
  const exportForm = data.reauth.fresh
    ? html`<form method="post" action="/api/staff/export"><button type="submit" class="button button--secondary">Download members (CSV)</button></form>`
    : renderReauthForm(
        '/api/staff/members',
        'Confirm your password and second factor to download the members file: exports need them within the last 10 minutes.',
        data.reauth,
      );
  return html`<h1>Members</h1>${form}${results}<section aria-labelledby="export-title"><h2 id="export-title">Export</h2><p>A CSV of every account for the federation's records: names, emails, usernames, status, dates and the last two digits of the warrant number. No passwords or full warrant numbers are held, so none are in it.</p>${exportForm}</section>`;
}

function action(
  id: string,
  name: string,
  label: string,
  extra: SafeHtml | '' = '',
  cls = 'button',
): SafeHtml {
  return html`<form method="post" action="/api/staff/members/${encodeURIComponent(id)}" class="staff-action">${hidden('action', name)}${extra}<button type="submit" class="${cls}">${label}</button></form>`;
}

/** A suspension whose reason was refused: the reason as typed, and why. */
export interface SuspendProblem {
  reason: string;
  message: string;
}

/** One member's page; with `problem`, the suspension form shows it beside its reason. */
export function renderMemberPage(m: MemberDetail, problem?: SuspendProblem): SafeHtml {
  const facts: [string, HtmlValue][] = [
    ['Name', m.name],
    ['Username', m.username],
    ['Email', m.email],
    ['Role', m.role],
    ['Status', m.status],
    ['Warrant number ends in', m.warrantEndsIn ?? '–'],
    ['Registered', formatTime(m.registeredAt)],
    ['Email verified', formatTime(m.verifiedAt)],
    ['Confirmed', formatTime(m.confirmedAt)],
    ['Signed in on', `${m.activeSessions} device${m.activeSessions === 1 ? '' : 's'}`],
  ];
  if (m.rejectReason) facts.push(['Reason recorded', m.rejectReason]);
  const dl = html`<dl class="staff-facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
  const actions: SafeHtml[] = [];
  if (m.role === 'member') {
    if (m.activeSessions > 0) actions.push(action(m.id, 'revoke', 'Sign out everywhere'));
    if ((m.status === 'suspended' || m.status === 'rejected') && m.verifiedAt !== null)
      actions.push(action(m.id, 'reinstate', 'Reinstate as a confirmed member'));
    // Only a membership can be suspended; a registration is decided in the review queue.
    if (m.status === 'confirmed') {
      actions.push(
        action(
          m.id,
          'suspend',
          'Suspend',
          renderField({
            id: 'suspend-reason',
            name: 'reason',
            label: 'Reason for suspending (kept in the audit log)',
            control: 'textarea',
            rows: 2,
            maxlength: MAX_REASON_LENGTH,
            required: true,
            value: problem?.reason,
            error: problem?.message,
          }),
          'button button--warning',
        ),
      );
    }
    actions.push(
      action(
        m.id,
        'erase',
        'Erase this account',
        html`<p>Erasing removes the account, its sessions and links for good, as when members delete their own account. Do this only when the member asks.</p>${renderField(
          {
            id: 'erase-confirm',
            name: 'confirm',
            label: `Type the username ${m.username} to confirm`,
            autocomplete: 'off',
            verbatim: true,
            required: true,
          },
        )}`,
        'button button--warning',
      ),
    );
  }
  if (m.role === 'staff') {
    actions.push(
      action(
        m.id,
        'reset-two-factor',
        'Reset two-factor sign-in',
        html`<p>Only when this staff member has lost their authenticator and their recovery codes and has asked you in person or by phone. It removes their authenticator app, passkeys and recovery codes and signs them out; they set it up again when they next sign in. You cannot reset your own.</p>`,
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
      { header: 'Who', cell: (r) => r.actor },
      { header: 'What', cell: (r) => describeAudit(r) },
    ],
    m.history,
    'No staff action has touched this account yet.',
  );
  const summary =
    problem &&
    renderErrorSummary({
      id: 'member-errors',
      errors: [{ message: problem.message, fieldId: 'suspend-reason' }],
    });
  return html`<p><a href="/api/staff/members">Back to members</a></p><h1>${m.name}</h1>${summary}${dl}${
    actions.length > 0 &&
    html`<section aria-labelledby="actions-title"><h2 id="actions-title">Actions</h2>${actions}</section>`
  }<section aria-labelledby="history-title"><h2 id="history-title">History</h2>${history}</section>`;
}
