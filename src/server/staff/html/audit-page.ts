/** The audit log page: filters as a GET form, entries in a table, newest first. */
import type { AuditRecord } from '../../audit.ts';
import type { AuditFilter, AuditPage } from '../audit-view.ts';
import { escapeHtml, formatTime, query, renderTable, type Column } from './parts.ts';

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
}): string {
  const f = data.filter;
  const actionOptions = ['', ...data.actions]
    .map(
      (a) =>
        `<option value="${escapeHtml(a)}"${a === f.action ? ' selected' : ''}>${a === '' ? 'Any action' : escapeHtml(a)}</option>`,
    )
    .join('');
  const form =
    `<form method="get" action="/api/staff/audit" class="staff-search">` +
    `<div class="field"><label class="field__label" for="audit-actor">Who (username)</label><input class="field__input" id="audit-actor" name="actor" type="text" value="${escapeHtml(f.actor)}" spellcheck="false" autocapitalize="none"></div>` +
    `<div class="field"><label class="field__label" for="audit-action">What</label><select class="field__input" id="audit-action" name="action">${actionOptions}</select></div>` +
    `<div class="field"><label class="field__label" for="audit-from">From</label><input class="field__input" id="audit-from" name="from" type="date" value="${escapeHtml(f.from)}"></div>` +
    `<div class="field"><label class="field__label" for="audit-to">To</label><input class="field__input" id="audit-to" name="to" type="date" value="${escapeHtml(f.to)}"></div>` +
    `<button type="submit" class="button">Filter</button></form>`;
  const columns: Column<AuditRecord>[] = [
    { header: 'When', rowHeader: true, cell: (e) => formatTime(e.at) },
    { header: 'Who', cell: (e) => escapeHtml(e.actor) },
    { header: 'What', cell: (e) => escapeHtml(describeAudit(e)) },
    {
      header: 'Account',
      cell: (e) =>
        e.target && !e.action.startsWith('roll.')
          ? `<a href="/api/staff/members/${encodeURIComponent(e.target)}">Open</a>`
          : '–',
    },
  ];
  const params = { actor: f.actor, action: f.action, from: f.from, to: f.to };
  const pager =
    data.page.page > 1 || data.page.hasNext
      ? `<nav class="staff-pager" aria-label="Audit pages"><ul>` +
        (data.page.page > 1
          ? `<li><a href="/api/staff/audit${query({ ...params, page: data.page.page - 1 })}">Newer entries</a></li>`
          : '') +
        (data.page.hasNext
          ? `<li><a href="/api/staff/audit${query({ ...params, page: data.page.page + 1 })}">Older entries</a></li>`
          : '') +
        `</ul></nav>`
      : '';
  return (
    `<h1>Audit log</h1><p class="lede">Every staff action and roll import: who, what and when. No passwords or warrant numbers are recorded.</p>` +
    form +
    renderTable(
      'audit',
      `Audit entries, newest first (page ${data.page.page})`,
      columns,
      data.page.entries,
      'No entries match these filters.',
    ) +
    pager
  );
}
