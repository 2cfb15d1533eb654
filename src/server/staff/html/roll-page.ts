/** The roll page: last imports, the upload form, a preview to apply, and lapsed members. */
import type { LapsedEntry as LapsedMember } from '../../membership/lapse.ts';
import type { PendingImport, PreviewSample } from '../roll-import.ts';
import { escapeHtml, formatTime, hidden, renderTable, type Column } from './parts.ts';

/** A roll import as listed. */
export interface ImportRow {
  actor: string;
  at: number;
  row_count: number;
  serving_count: number;
  retired_count: number;
}

/** What the roll page shows. */
export interface RollPageData {
  imports: ImportRow[];
  /** True when the staff member typed their password within the last 10 minutes. */
  reauthFresh: boolean;
  pending: PendingImport | null;
  errors: string[];
  lapsed: LapsedMember[];
}

/** Errors listed on the page; the rest are counted. */
const MAX_ERRORS_SHOWN = 200;

export function renderReauthForm(next: string, intro: string): string {
  return (
    `<form method="post" action="/api/staff/reauth" class="staff-reauth">${hidden('next', next)}` +
    `<p>${escapeHtml(intro)}</p>` +
    `<div class="field"><label class="field__label" for="reauth-password">Your password</label>` +
    `<input class="field__input" id="reauth-password" name="password" type="password" autocomplete="current-password" required></div>` +
    `<button type="submit" class="button">Confirm password</button></form>`
  );
}

function renderErrors(errors: string[]): string {
  if (errors.length === 0) return '';
  const shown = errors
    .slice(0, MAX_ERRORS_SHOWN)
    .map((e) => `<li>${escapeHtml(e)}</li>`)
    .join('');
  const more =
    errors.length > MAX_ERRORS_SHOWN
      ? `<p>…and ${errors.length - MAX_ERRORS_SHOWN} more problems.</p>`
      : '';
  return (
    `<div class="error-summary" role="alert" aria-labelledby="roll-errors-title" tabindex="-1" id="roll-errors">` +
    `<h2 class="error-summary__title" id="roll-errors-title">The file was not imported: nothing has changed</h2>` +
    `<p>Fix ${errors.length === 1 ? 'this line' : `these ${errors.length} problems`} and upload the file again.</p>` +
    `<ul class="error-summary__list">${shown}</ul>${more}</div>`
  );
}

function sampleList(
  title: string,
  samples: PreviewSample[],
  total: number,
  describe: (s: PreviewSample) => string,
): string {
  if (total === 0) return '';
  const items = samples.map((s) => `<li>${describe(s)}</li>`).join('');
  const more = total > samples.length ? `<p>…and ${total - samples.length} more.</p>` : '';
  return `<h3>${escapeHtml(title)}</h3><ul>${items}</ul>${more}`;
}

const ends = (s: PreviewSample) => (s.endsIn ? `number ending ${escapeHtml(s.endsIn)}, ` : '');

function renderPreview(p: PendingImport, reauthFresh: boolean): string {
  const v = p.preview;
  if (p.appliedAt !== null) return '';
  const counts: [string, number][] = [
    ['Rows in the file', v.rows],
    ['Serving', v.serving],
    ['Retired', v.retired],
    ['Added to the roll', v.added],
    ['Removed from the roll', v.removed],
    ['Status changed', v.changedStatus],
    ['Unchanged', v.unchanged],
    ['Confirmed members leaving the roll', v.lapsing],
  ];
  const table = renderTable(
    'preview-counts',
    `What applying ${v.fileName} would change`,
    [
      { header: 'Change', rowHeader: true, cell: (r: [string, number]) => escapeHtml(r[0]) },
      { header: 'Rows', cell: (r: [string, number]) => String(r[1]) },
    ],
    counts,
    '',
  );
  const samples =
    sampleList(
      'Examples of added rows',
      v.samples.added,
      v.added,
      (s) => `${ends(s)}${escapeHtml(s.surname)} (${s.status})`,
    ) +
    sampleList(
      'Examples of status changes',
      v.samples.changedStatus,
      v.changedStatus,
      (s) => `${ends(s)}${escapeHtml(s.surname)}: ${s.previousStatus} → ${s.status}`,
    ) +
    sampleList(
      'Examples of removed rows',
      v.samples.removed,
      v.removed,
      (s) =>
        `${escapeHtml(s.surname)} (${s.status})${s.member ? `, held by ${escapeHtml(s.member)}` : ''}`,
    ) +
    sampleList(
      'Confirmed members who would leave the roll',
      v.samples.lapsing,
      v.lapsing,
      (s) => `${escapeHtml(s.member ?? '')}`,
    );
  const apply = reauthFresh
    ? `<form method="post" action="/api/staff/roll/apply">${hidden('id', p.id)}${hidden('sha256', p.fileSha256)}` +
      `<button type="submit" class="button">Apply this roll</button></form>`
    : renderReauthForm(
        `/api/staff/roll?preview=${p.id}`,
        'Confirm your password to apply this roll: imports need it within the last 10 minutes.',
      );
  return (
    `<section aria-labelledby="preview-title" class="staff-preview"><h2 id="preview-title">Preview: nothing has changed yet</h2>` +
    `<p>File SHA-256 <code class="staff-hash">${escapeHtml(p.fileSha256)}</code>, uploaded ${formatTime(p.createdAt)}. ` +
    `Members who leave the roll are listed for you to decide on; none is removed.</p>` +
    table +
    samples +
    apply +
    `</section>`
  );
}

function renderLapsed(lapsed: LapsedMember[]): string {
  const columns: Column<LapsedMember>[] = [
    {
      header: 'Member',
      rowHeader: true,
      cell: (m) =>
        `<a href="/api/staff/members/${encodeURIComponent(m.userId)}">${escapeHtml(m.name)}</a>`,
    },
    { header: 'Username', cell: (m) => escapeHtml(m.username) },
    { header: 'Warrant ends in', cell: (m) => escapeHtml(m.warrantEndsIn ?? '–') },
    { header: 'Left the roll', cell: (m) => formatTime(m.lapsedAt) },
    {
      header: 'Decision',
      cell: (m) =>
        `<form method="post" action="/api/staff/roll/lapsed" class="staff-inline">${hidden('id', m.userId)}${hidden('decision', 'keep')}` +
        `<button type="submit" class="button button--secondary">Keep <span class="visually-hidden">${escapeHtml(m.name)}</span></button></form>` +
        `<form method="post" action="/api/staff/roll/lapsed" class="staff-inline">${hidden('id', m.userId)}${hidden('decision', 'suspend')}` +
        `<button type="submit" class="button button--warning">Suspend <span class="visually-hidden">${escapeHtml(m.name)}</span></button></form>`,
    },
  ];
  return (
    `<section aria-labelledby="lapsed-title"><h2 id="lapsed-title">Members no longer on the roll</h2>` +
    renderTable(
      'lapsed',
      `${lapsed.length} confirmed member${lapsed.length === 1 ? '' : 's'} whose number left the roll, awaiting a decision`,
      columns,
      lapsed,
      'No member is waiting for a decision.',
    ) +
    `</section>`
  );
}

/** The roll page's main block. */
export function renderRollPage(data: RollPageData): string {
  const last = data.imports[0];
  const lastLine = last
    ? `<p>The roll was last imported ${formatTime(last.at)} by ${escapeHtml(last.actor)}: ${last.row_count} rows (${last.serving_count} serving, ${last.retired_count} retired).</p>`
    : '<p>No roll has been imported yet.</p>';
  const history = renderTable(
    'imports',
    'Recent imports, newest first',
    [
      { header: 'When', rowHeader: true, cell: (r: ImportRow) => formatTime(r.at) },
      { header: 'By', cell: (r: ImportRow) => escapeHtml(r.actor) },
      { header: 'Rows', cell: (r: ImportRow) => String(r.row_count) },
      { header: 'Serving', cell: (r: ImportRow) => String(r.serving_count) },
      { header: 'Retired', cell: (r: ImportRow) => String(r.retired_count) },
    ],
    data.imports,
    'No imports yet.',
  );
  const upload = data.reauthFresh
    ? `<form method="post" action="/api/staff/roll" enctype="multipart/form-data" class="staff-upload">` +
      `<div class="field"><label class="field__label" for="roll-file">Roll file (CSV)</label>` +
      `<p class="field__hint" id="roll-file-hint">A header row naming warrant_number, surname and status (serving or retired); other columns are ignored. Up to 20 MiB. You see what would change before anything is applied.</p>` +
      `<input class="field__input" id="roll-file" name="roll" type="file" accept=".csv,text/csv" aria-describedby="roll-file-hint" required></div>` +
      `<button type="submit" class="button">Upload and preview</button></form>`
    : renderReauthForm(
        '/api/staff/roll',
        'Confirm your password to upload a roll: imports need it within the last 10 minutes.',
      );
  return (
    `<h1>Roll</h1>` +
    lastLine +
    renderErrors(data.errors) +
    (data.pending ? renderPreview(data.pending, data.reauthFresh) : '') +
    `<section aria-labelledby="upload-title"><h2 id="upload-title">Import a new roll</h2>${upload}</section>` +
    renderLapsed(data.lapsed) +
    `<section aria-labelledby="imports-title"><h2 id="imports-title">Import history</h2>${history}</section>`
  );
}
