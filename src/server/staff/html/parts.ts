/** Small HTML pieces the console pages share: dates, tables, hidden fields. */
import { escapeHtml } from '../../http/responses.ts';

export { escapeHtml };

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

/** A time as `<time>`, in UK time, for people. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '<span class="staff-muted">never</span>';
  const date = new Date(ms);
  return `<time datetime="${date.toISOString()}">${escapeHtml(DATE_TIME.format(date))}</time>`;
}

/** A column of a table: its header and how to draw a row's cell. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** The row header (first column naming the row), drawn as `<th scope="row">`. */
  rowHeader?: boolean;
}

/**
 * A table with a caption and `scope` headers, in a scrollable region so it
 * stays usable on a narrow tablet screen; keyboard users can scroll it too.
 */
export function renderTable<T>(
  id: string,
  caption: string,
  columns: Column<T>[],
  rows: T[],
  empty: string,
): string {
  if (rows.length === 0) return `<p class="staff-empty" id="${id}">${escapeHtml(empty)}</p>`;
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c.header)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${columns.map((c) => (c.rowHeader ? `<th scope="row">${c.cell(row)}</th>` : `<td>${c.cell(row)}</td>`)).join('')}</tr>`,
    )
    .join('');
  return (
    `<div class="staff-table" role="region" aria-labelledby="${id}-caption" tabindex="0">` +
    `<table id="${id}"><caption id="${id}-caption">${escapeHtml(caption)}</caption>` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
  );
}

/** A hidden input. */
export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

/** A yes/no cell that does not rely on colour alone. */
export function yesNo(value: boolean, yes = 'Yes', no = 'No'): string {
  return value
    ? `<span class="staff-yes">${escapeHtml(yes)}</span>`
    : `<span class="staff-no">${escapeHtml(no)}</span>`;
}

/** A query string from parts, leaving out empty values. */
export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
