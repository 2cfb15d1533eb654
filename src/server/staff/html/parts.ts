/** Small HTML pieces the console pages share: dates, tables, hidden fields. */
import { renderHiddenInput } from '../../html/form-parts.ts';
import { html, type HtmlValue, type SafeHtml } from '../../html/safe-html.ts';

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

/** A time as `<time>`, in UK time, for people. */
export function formatTime(ms: number | null | undefined): SafeHtml {
  if (ms === null || ms === undefined) return html`<span class="staff-muted">never</span>`;
  const date = new Date(ms);
  return html`<time datetime="${date.toISOString()}">${DATE_TIME.format(date)}</time>`;
}

/** A column of a table: its header and how to draw a row's cell (text, or `html` markup). */
export interface Column<T> {
  header: string;
  cell: (row: T) => HtmlValue;
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
  rows: readonly T[],
  empty: string,
): SafeHtml {
  if (rows.length === 0) return html`<p class="staff-empty" id="${id}">${empty}</p>`;
  const head = columns.map((c) => html`<th scope="col">${c.header}</th>`);
  const body = rows.map(
    (row) =>
      html`<tr>${columns.map((c) => (c.rowHeader ? html`<th scope="row">${c.cell(row)}</th>` : html`<td>${c.cell(row)}</td>`))}</tr>`,
  );
  return html`<div class="staff-table" role="region" aria-labelledby="${id}-caption" tabindex="0"><table id="${id}"><caption id="${id}-caption">${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A hidden input. */
export function hidden(name: string, value: string): SafeHtml {
  return renderHiddenInput(name, value);
}

/** A yes/no cell that does not rely on colour alone. */
export function yesNo(value: boolean, yes = 'Yes', no = 'No'): SafeHtml {
  return value
    ? html`<span class="staff-yes">${yes}</span>`
    : html`<span class="staff-no">${no}</span>`;
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
