/** The console's overview (/staff/): what needs attention, then where everything is. */
import { html, type SafeHtml } from '../../html/safe-html.ts';
import { formatTime } from './parts.ts';

/** What the overview reports. */
export interface OverviewData {
  /** Registrations waiting for a decision, and how many of them fully match the roll. */
  waiting: number;
  matched: number;
  /** Confirmed members whose number left the roll, not yet kept or suspended. */
  lapsedUndecided: number;
  /** The latest roll import, if any. */
  lastImport: { actor: string; at: number; rowCount: number } | null;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function renderAttention(data: OverviewData): SafeHtml {
  const waiting =
    data.waiting === 0
      ? html`<li>No registration is waiting for review.</li>`
      : html`<li><a href="/api/staff/review">${plural(data.waiting, 'registration is', 'registrations are')} waiting for review</a>${data.matched > 0 && html` (${data.matched} fully ${data.matched === 1 ? 'matches' : 'match'} the roll)`}.</li>`;
  const lapsed =
    data.lapsedUndecided === 0
      ? html`<li>No member who left the roll is waiting for a decision.</li>`
      : html`<li><a href="/api/staff/roll#lapsed-title">${plural(data.lapsedUndecided, 'member has', 'members have')} left the roll</a> and ${data.lapsedUndecided === 1 ? 'needs' : 'need'} a decision: keep or suspend.</li>`;
  const roll = data.lastImport
    ? html`<li>The roll was last imported ${formatTime(data.lastImport.at)} by ${data.lastImport.actor} (${plural(data.lastImport.rowCount, 'row', 'rows')}). <a href="/api/staff/roll">Import a newer roll</a></li>`
    : html`<li>No roll has been imported yet: <a href="/api/staff/roll">import the federation's roll</a> so registrations can be checked against it.</li>`;
  return html`<section aria-labelledby="attention-title"><h2 id="attention-title">Needs attention</h2><ul class="staff-attention">${waiting}${lapsed}${roll}</ul></section>`;
}

/** The overview's main block. */
export function renderOverviewPage(data: OverviewData): SafeHtml {
  return html`<h1>Staff console</h1><p class="lede">Confirm registrations, keep the federation's roll up to date and look after member accounts.</p>${renderAttention(data)}<section aria-labelledby="sections-title"><h2 id="sections-title">Sections</h2><ul class="staff-overview"><li><a href="/api/staff/review">Review queue</a>: registrations waiting for a decision, with what the roll says about each.</li><li><a href="/api/staff/roll">Roll</a>: import the federation's roll file, see what it changes before applying it, and decide on members who left it.</li><li><a href="/api/staff/members">Members</a>: find an account, see its history, sign it out, suspend, reinstate or erase it, and download the members file.</li><li><a href="/api/staff/audit">Audit log</a>: every staff action and roll import.</li><li><a href="/api/staff/team">Staff</a>: who can use this console, and invitations.</li></ul></section><p>Staff sessions end after 30 minutes without activity and after 12 hours in all.</p>`;
}
