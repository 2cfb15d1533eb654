/** The figures the console's overview shows, read in one go. */
import { listLapsedMembers } from '../membership/lapse.ts';
import { listRollImports } from '../roll/replace.ts';
import type { OverviewData } from './html/overview-page.ts';
import { listReviewQueue } from './queue.ts';

/** Waiting registrations, undecided lapsed members and the latest roll import. */
export async function loadOverview(): Promise<OverviewData> {
  const [queue, lapsed, imports] = await Promise.all([
    listReviewQueue(),
    listLapsedMembers(),
    listRollImports({ limit: 1 }),
  ]);
  const last = imports[0];
  return {
    waiting: queue.total,
    matched: queue.matchedTotal,
    lapsedUndecided: lapsed.length,
    lastImport: last ? { actor: last.actor, at: last.at, rowCount: last.row_count } : null,
  };
}
