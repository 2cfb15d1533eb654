/** The staff page: who has access to the console, and the invitation form. */
import { renderErrorSummary, renderField, type SummaryError } from '../../html/form-parts.ts';
import { html, type SafeHtml } from '../../html/safe-html.ts';
import { formatTime, renderTable } from './parts.ts';

type StaffRow = {
  username: string;
  name: string;
  email: string;
  status: string;
  createdAt: number;
};

const FIELDS = [
  { name: 'firstName', label: 'First name', type: 'text' },
  { name: 'surname', label: 'Surname', type: 'text' },
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'username', label: 'Username', type: 'text' },
] as const;

/** The staff page's main block, with the invitation form in `values`/`errors` state. */
export function renderTeamPage(data: {
  staff: StaffRow[];
  values?: Record<string, string>;
  errors?: Record<string, string>;
}): SafeHtml {
  const errors = data.errors ?? {};
  const fieldNames = new Set<string>(FIELDS.map((f) => f.name));
  // Field errors in the form's order, linked to their fields; any other problem unlinked.
  const summaryErrors: SummaryError[] = [
    ...Object.entries(errors)
      .filter(([name]) => !fieldNames.has(name))
      .map(([, message]) => ({ message })),
    ...FIELDS.filter((f) => errors[f.name]).map((f) => ({
      message: errors[f.name],
      fieldId: `invite-${f.name}`,
    })),
  ];
  const fields = FIELDS.map((f) =>
    renderField({
      id: `invite-${f.name}`,
      name: f.name,
      label: f.label,
      type: f.type,
      autocomplete: 'off',
      verbatim: true,
      value: data.values?.[f.name] ?? '',
      error: errors[f.name],
    }),
  );
  const table = renderTable(
    'staff',
    `${data.staff.length} staff account${data.staff.length === 1 ? '' : 's'}`,
    [
      { header: 'Name', rowHeader: true, cell: (s: StaffRow) => s.name },
      { header: 'Username', cell: (s: StaffRow) => s.username },
      { header: 'Email', cell: (s: StaffRow) => s.email },
      { header: 'Status', cell: (s: StaffRow) => s.status },
      { header: 'Since', cell: (s: StaffRow) => formatTime(s.createdAt) },
    ],
    data.staff,
    'No staff accounts.',
  );
  const summary =
    summaryErrors.length > 0 && renderErrorSummary({ id: 'invite-errors', errors: summaryErrors });
  return html`<h1>Staff</h1>${table}<section aria-labelledby="invite-title"><h2 id="invite-title">Invite a colleague</h2><p>They are emailed a link to choose their password. The link works once and lasts 3 days.</p><form method="post" action="/api/staff/team" class="form" novalidate>${summary}${fields}<button type="submit" class="button">Send the invitation</button></form></section>`;
}
