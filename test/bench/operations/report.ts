import { monthlyOverview } from '../../../electron/core/reports';
import { REPORT_MONTH } from '../data/ledger';
import type { Scale } from '../scales';
import { freshLedgerWorkspace } from './ledger-reads';
import { countLabel, timed, type BenchOperation, type OperationContext, type TimedRun } from './types';

/** The monthly overview of the last of the six months (it also reads all six for the profit chart). */
async function measureMonthlyReport(context: OperationContext): Promise<TimedRun> {
  const workspace = freshLedgerWorkspace(context);
  try {
    const postingCount = (workspace.sqlite.prepare(`SELECT count(*) AS n FROM postings`).get() as { n: number }).n;
    const { value: overview, seconds, cpuSeconds } = await timed(() => monthlyOverview(workspace, REPORT_MONTH));
    if (overview.month !== REPORT_MONTH) throw new Error(`the overview is for ${overview.month}`);
    return { seconds, cpuSeconds, rowCount: postingCount, note: `overview of ${REPORT_MONTH} (six months of postings in the workspace)` };
  } finally {
    workspace.close();
  }
}

export const monthlyReportOperation: BenchOperation = {
  name: 'monthly report',
  size: (scale: Scale) => countLabel(scale.postingCount, 'postings'),
  target: { secondsMax: 2, ratioToFloorMax: null, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: ['ledger-workspace'],
  measure: measureMonthlyReport,
};
