/** The audit log page: filters as a GET form, entries in a table, newest first. */
import type { AuditRecord } from '../../audit.ts';
import { auditFilterErrors, type AuditFilter, type AuditPage } from '../audit-view.ts';
import { renderErrorSummary, renderField } from '../../html/form-parts.ts';
import { html, type SafeHtml } from '../../html/safe-html.ts';
import { formatTime, query, renderTable, type Column } from './parts.ts';

/** A one-line description of an entry's detail, for people. */
export function describeAudit(entry: AuditRecord): string {
  const detail = Object.entries(entry.detail)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return detail ? `${entry.action} (${detail})` : entry.action;
}

/** The audit page's main block. */
export function renderAuditPage(data: {
  filter: AuditFilter;
  actions: string[];
  page: AuditPage;
}): SafeHtml {
  const f = data.filter;
  const errors = auditFilterErrors(f);
  const summary =
    (errors.from || errors.to) &&
    renderErrorSummary({
      id: 'audit-errors',
      title: 'These dates were left out of the filter',
      errors: [
        ...(errors.from ? [{ message: errors.from, fieldId: 'audit-from' }] : []),
        ...(errors.to ? [{ message: errors.to, fieldId: 'audit-to' }] : []),
      ],
    });
  const form = html`<form method="get" action="/api/staff/audit" class="staff-search">${renderField(
    {
      id: 'audit-actor',
      name: 'actor',
      label: 'Who (username)',
      value: f.actor,
      verbatim: true,
    },
  )}${renderField({
    id: 'audit-action',
    name: 'action',
    label: 'What',
    control: 'select',
    value: f.action,
    options: ['', ...data.actions].map((a) => ({ value: a, label: a === '' ? 'Any action' : a })),
  })}${renderField({ id: 'audit-from', name: 'from', label: 'From', type: 'date', value: f.from, error: errors.from })}${renderField(
    { id: 'audit-to', name: 'to', label: 'To', type: 'date', value: f.to, error: errors.to },
  )}<button type="submit" class="button">Filter</button></form>`;
  const columns: Column<AuditRecord>[] = [
    { header: 'When', rowHeader: true, cell: (e) => formatTime(e.at) },
    { header: 'Who', cell: (e) => e.actor },
    { header: 'What', cell: (e) => describeAudit(e) },
    {
      header: 'Account',
      cell: (e) =>
        e.target && !e.action.startsWith('roll.')
          ? html`<a href="/api/staff/members/${encodeURIComponent(e.target)}">Open</a>`
          : '–',
    },
  ];
  const params = { actor: f.actor, action: f.action, from: f.from, to: f.to };
  const pageLink = (page: number, text: string) =>
    html`<li><a href="/api/staff/audit${query({ ...params, page })}">${text}</a></li>`;
  const pager =
    (data.page.page > 1 || data.page.hasNext) &&
    html`<nav class="staff-pager" aria-label="Audit pages"><ul>${data.page.page > 1 && pageLink(data.page.page - 1, 'Newer entries')}${data.page.hasNext && pageLink(data.page.page + 1, 'Older entries')}</ul></nav>`;
  return html`<h1>Audit log</h1><p class="lede">Every staff action and roll import: who, what and when. No passwords or warrant numbers are recorded.</p>${summary}${form}${renderTable(
    'audit',
    `Audit entries, newest first (page ${data.page.page})`,
    columns,
    data.page.entries,
    'No entries match these filters.',
  )}${pager}`;
}
