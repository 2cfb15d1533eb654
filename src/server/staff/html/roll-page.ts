/** The roll page: last imports, the upload form, a preview to apply, and lapsed members. */
import type { LapsedEntry as LapsedMember } from '../../membership/lapse.ts';
import type { RollJob } from '../../roll/jobs.ts';
import type { PendingImport, PreviewSample } from '../roll-import.ts';
import { renderErrorSummary, renderField } from '../../html/form-parts.ts';
import { html, type SafeHtml } from '../../html/safe-html.ts';
import type { ReauthState } from '../reauth.ts';
import { formatTime, hidden, renderTable, type Column } from './parts.ts';
import { renderReauthForm } from './reauth-page.ts';
import {
  MAX_ROLL_UPLOAD_BYTES,
  ROLL_TOO_LARGE_MESSAGE,
  ROLL_UPLOAD_LIMIT_TEXT,
} from '../http/upload.ts';

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
  reauth: ReauthState;
  pending: PendingImport | null;
  errors: string[];
  lapsed: LapsedMember[];
  /** Uploads and applies running now, or stopped without finishing within the hour. */
  jobs: RollJob[];
}

/** Seconds between reloads of the page while an import runs. */
export const ROLL_PAGE_REFRESH_SECONDS = 3;

/** Errors listed on the page; the rest are counted. */
const MAX_ERRORS_SHOWN = 200;

const ROLL_FILE_ID = 'roll-file';

function renderErrors(errors: string[], fileFieldShown: boolean): SafeHtml | false {
  if (errors.length === 0) return false;
  const fieldId = fileFieldShown ? ROLL_FILE_ID : undefined;
  return renderErrorSummary({
    id: 'roll-errors',
    title: 'The file was not imported: nothing has changed',
    intro: html`<p>Fix ${errors.length === 1 ? 'this problem' : `these ${errors.length} problems`} and upload the file again.</p>`,
    errors: errors.slice(0, MAX_ERRORS_SHOWN).map((message) => ({ message, fieldId })),
    after:
      errors.length > MAX_ERRORS_SHOWN &&
      html`<p>…and ${errors.length - MAX_ERRORS_SHOWN} more problems.</p>`,
  });
}

function sampleList(
  title: string,
  samples: PreviewSample[],
  total: number,
  describe: (s: PreviewSample) => string,
): SafeHtml | false {
  if (total === 0) return false;
  return html`<h3>${title}</h3><ul>${samples.map((s) => html`<li>${describe(s)}</li>`)}</ul>${total > samples.length && html`<p>…and ${total - samples.length} more.</p>`}`;
}

const ends = (s: PreviewSample) => (s.endsIn ? `number ending ${s.endsIn}, ` : '');

function renderPreview(p: PendingImport, reauth: ReauthState): SafeHtml | false {
  const v = p.preview;
  if (p.appliedAt !== null) return false;
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
      { header: 'Change', rowHeader: true, cell: (r: [string, number]) => r[0] },
      { header: 'Rows', cell: (r: [string, number]) => r[1] },
    ],
    counts,
    '',
  );
  const samples = [
    sampleList(
      'Examples of added rows',
      v.samples.added,
      v.added,
      (s) => `${ends(s)}${s.surname} (${s.status})`,
    ),
    sampleList(
      'Examples of status changes',
      v.samples.changedStatus,
      v.changedStatus,
      (s) => `${ends(s)}${s.surname}: ${s.previousStatus} → ${s.status}`,
    ),
    sampleList(
      'Examples of removed rows',
      v.samples.removed,
      v.removed,
      (s) => `${s.surname} (${s.status})${s.member ? `, held by ${s.member}` : ''}`,
    ),
    sampleList(
      'Confirmed members who would leave the roll',
      v.samples.lapsing,
      v.lapsing,
      (s) => s.member ?? '',
    ),
  ];
  const apply = reauth.fresh
    ? html`<form method="post" action="/api/staff/roll/apply">${hidden('id', p.id)}${hidden('sha256', p.fileSha256)}<button type="submit" class="button">Apply this roll</button></form>`
    : renderReauthForm(
        `/api/staff/roll?preview=${p.id}`,
        'Confirm your password and second factor to apply this roll: imports need them within the last 10 minutes.',
        reauth,
      );
  return html`<section aria-labelledby="preview-title" class="staff-preview"><h2 id="preview-title">Preview: nothing has changed yet</h2><p>File SHA-256 <code class="staff-hash">${p.fileSha256}</code>, uploaded ${formatTime(p.createdAt)}. Members who leave the roll are listed for you to decide on; none is removed.</p>${table}${samples}${apply}</section>`;
}

function renderLapsed(lapsed: LapsedMember[]): SafeHtml {
  const decision = (m: LapsedMember, value: 'keep' | 'suspend', label: string, style: string) =>
    html`<form method="post" action="/api/staff/roll/lapsed" class="staff-inline">${hidden('id', m.userId)}${hidden('decision', value)}<button type="submit" class="button ${style}">${label} <span class="visually-hidden">${m.name}</span></button></form>`;
  const columns: Column<LapsedMember>[] = [
    {
      header: 'Member',
      rowHeader: true,
      cell: (m) => html`<a href="/api/staff/members/${encodeURIComponent(m.userId)}">${m.name}</a>`,
    },
    { header: 'Username', cell: (m) => m.username },
    { header: 'Warrant ends in', cell: (m) => m.warrantEndsIn ?? '–' },
    { header: 'Left the roll', cell: (m) => formatTime(m.lapsedAt) },
    {
      header: 'Decision',
      cell: (m) =>
        html`${decision(m, 'keep', 'Keep', 'button--secondary')}${decision(m, 'suspend', 'Suspend', 'button--warning')}`,
    },
  ];
  return html`<section aria-labelledby="lapsed-title"><h2 id="lapsed-title">Members no longer on the roll</h2>${renderTable(
    'lapsed',
    `${lapsed.length} confirmed member${lapsed.length === 1 ? '' : 's'} whose number left the roll, awaiting a decision`,
    columns,
    lapsed,
    'No member is waiting for a decision.',
  )}</section>`;
}

const count = (n: number) => n.toLocaleString('en-GB');

/** Where a job has got, in words: "reading row 40,000 of about 150,000". */
export function describeJobProgress(job: Pick<RollJob, 'phase' | 'done' | 'total'>): string {
  const of = (verb: string, about = '') =>
    job.total > 0
      ? `${verb} row ${count(Math.min(job.done, job.total))} of ${about}${count(job.total)}`
      : verb;
  switch (job.phase) {
    case 'reading':
      return of('reading', 'about ');
    case 'checking':
      return of('checking');
    case 'comparing':
      return of('comparing with the roll');
    case 'storing':
      return of('storing');
    case 'applying':
      return job.total > 0 ? of('applying') : 'applying';
  }
}

function renderJob(job: RollJob): SafeHtml {
  const what = job.kind === 'upload' ? 'Upload' : 'Import';
  const progress = describeJobProgress(job);
  if (job.state === 'stopped')
    return html`<li>${what} by ${job.actor}, started ${formatTime(job.startedAt)}, stopped without finishing while ${progress}: nothing was changed. Start it again.</li>`;
  return html`<li>${what} by ${job.actor}, started ${formatTime(job.startedAt)}: ${progress.charAt(0).toUpperCase()}${progress.slice(1)}.</li>`;
}

/**
 * Imports running, or stopped (their process died) within the hour. While one
 * runs the page reloads itself every few seconds (a meta refresh: no script,
 * so it works with JavaScript off), and offers a link to do it by hand.
 */
function renderJobs(jobs: RollJob[]): SafeHtml | false {
  const shown = jobs.filter((j) => j.state === 'running' || j.state === 'stopped');
  if (shown.length === 0) return false;
  const running = shown.some((j) => j.state === 'running');
  return html`<section aria-labelledby="jobs-title" class="staff-jobs">${running && html`<meta http-equiv="refresh" content="${String(ROLL_PAGE_REFRESH_SECONDS)}">`}<h2 id="jobs-title">${running ? 'Import in progress' : 'Import stopped'}</h2><ul role="status">${shown.map(renderJob)}</ul>${running && html`<p><a href="/api/staff/roll">Refresh</a> (this page also refreshes every ${ROLL_PAGE_REFRESH_SECONDS} seconds)</p>`}</section>`;
}

/** "The roll was last imported … by …", or that none has been. */
export function renderLastImport(last: ImportRow | undefined): SafeHtml {
  return last
    ? html`<p>The roll was last imported ${formatTime(last.at)} by ${last.actor}: ${last.row_count} rows (${last.serving_count} serving, ${last.retired_count} retired).</p>`
    : html`<p>No roll has been imported yet.</p>`;
}

/** The roll page's main block. */
export function renderRollPage(data: RollPageData): SafeHtml {
  const history = renderTable(
    'imports',
    'Recent imports, newest first',
    [
      { header: 'When', rowHeader: true, cell: (r: ImportRow) => formatTime(r.at) },
      { header: 'By', cell: (r: ImportRow) => r.actor },
      { header: 'Rows', cell: (r: ImportRow) => r.row_count },
      { header: 'Serving', cell: (r: ImportRow) => r.serving_count },
      { header: 'Retired', cell: (r: ImportRow) => r.retired_count },
    ],
    data.imports,
    'No imports yet.',
  );
  // One problem is said beside the field as it is; several are pointed to.
  const fileError =
    data.errors.length === 1
      ? data.errors[0]
      : data.errors.length > 1
        ? 'The file was not imported: fix the problems listed above'
        : undefined;
  const upload = data.reauth.fresh
    ? html`<form method="post" action="/api/staff/roll" enctype="multipart/form-data" class="staff-upload">${renderField(
        {
          id: ROLL_FILE_ID,
          name: 'roll',
          label: 'Roll file (CSV)',
          type: 'file',
          accept: '.csv,text/csv',
          hint: `A header row naming warrant_number, surname and status (serving or retired); other columns are ignored. ${ROLL_UPLOAD_LIMIT_TEXT} You see what would change before anything is applied.`,
          error: fileError,
          required: true,
          maxBytes: MAX_ROLL_UPLOAD_BYTES,
          tooLargeMessage: ROLL_TOO_LARGE_MESSAGE,
        },
      )}<button type="submit" class="button">Upload and preview</button></form>`
    : renderReauthForm(
        '/api/staff/roll',
        'Confirm your password and second factor to upload a roll: imports need them within the last 10 minutes.',
        data.reauth,
      );
  return html`<h1>Roll</h1>${renderLastImport(data.imports[0])}${renderJobs(data.jobs)}${renderErrors(data.errors, data.reauth.fresh)}${data.pending && renderPreview(data.pending, data.reauth)}<section aria-labelledby="upload-title"><h2 id="upload-title">Import a new roll</h2>${upload}</section>${renderLapsed(data.lapsed)}<section aria-labelledby="imports-title"><h2 id="imports-title">Import history</h2>${history}</section>`;
}
