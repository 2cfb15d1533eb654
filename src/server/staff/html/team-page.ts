/** The staff page: who has access to the console, and the invitation form. */
import { escapeHtml, formatTime, renderTable } from './parts.ts';

type StaffRow = {
  username: string;
  name: string;
  email: string;
  status: string;
  createdAt: number;
};

const FIELDS = [
  { name: 'firstName', label: 'First name', type: 'text', autocomplete: 'off' },
  { name: 'surname', label: 'Surname', type: 'text', autocomplete: 'off' },
  { name: 'email', label: 'Email', type: 'email', autocomplete: 'off' },
  { name: 'username', label: 'Username', type: 'text', autocomplete: 'off' },
] as const;

/** The staff page's main block, with the invitation form in `values`/`errors` state. */
export function renderTeamPage(data: {
  staff: StaffRow[];
  values?: Record<string, string>;
  errors?: Record<string, string>;
}): string {
  const errors = data.errors ?? {};
  const summary = Object.keys(errors).length
    ? `<div class="error-summary" role="alert" aria-labelledby="invite-errors-title" tabindex="-1"><h2 class="error-summary__title" id="invite-errors-title">There is a problem</h2><ul class="error-summary__list">` +
      Object.entries(errors)
        .map(([k, v]) => `<li><a href="#invite-${escapeHtml(k)}">${escapeHtml(v)}</a></li>`)
        .join('') +
      `</ul></div>`
    : '';
  const fields = FIELDS.map((f) => {
    const error = errors[f.name];
    const id = `invite-${f.name}`;
    return (
      `<div class="field${error ? ' field--error' : ''}"><label class="field__label" for="${id}">${f.label}</label>` +
      (error
        ? `<p class="field__error" id="${id}-error"><span class="visually-hidden">Error: </span>${escapeHtml(error)}</p>`
        : '') +
      `<input class="field__input" id="${id}" name="${f.name}" type="${f.type}" autocomplete="${f.autocomplete}" spellcheck="false" value="${escapeHtml(data.values?.[f.name] ?? '')}"${error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''}></div>`
    );
  }).join('');
  const table = renderTable(
    'staff',
    `${data.staff.length} staff account${data.staff.length === 1 ? '' : 's'}`,
    [
      { header: 'Name', rowHeader: true, cell: (s: StaffRow) => escapeHtml(s.name) },
      { header: 'Username', cell: (s: StaffRow) => escapeHtml(s.username) },
      { header: 'Email', cell: (s: StaffRow) => escapeHtml(s.email) },
      { header: 'Status', cell: (s: StaffRow) => escapeHtml(s.status) },
      { header: 'Since', cell: (s: StaffRow) => formatTime(s.createdAt) },
    ],
    data.staff,
    'No staff accounts.',
  );
  return (
    `<h1>Staff</h1>${table}` +
    `<section aria-labelledby="invite-title"><h2 id="invite-title">Invite a colleague</h2>` +
    `<p>They are emailed a link to choose their password. The link works once and lasts 3 days.</p>` +
    `<form method="post" action="/api/staff/team" class="form" novalidate>${summary}${fields}` +
    `<button type="submit" class="button">Send the invitation</button></form></section>`
  );
}
