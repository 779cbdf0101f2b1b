import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { listReconciliationResults, runReconciliation } from '../../../electron/core/reconcile';
import { openWorkspace, type Workspace } from '../../../electron/core/workspace';
import { artifactPath } from '../artifacts';
import { BENCH_ADMIN, BENCH_PASSPHRASE } from '../data/ledger';
import type { Scale } from '../scales';
import { countLabel, timed, type BenchOperation, type OperationContext, type TimedRun } from './types';

function freshReconcileWorkspace(context: OperationContext): Workspace {
  const path = join(context.workDir, 'books.ldw');
  copyFileSync(artifactPath(context.dataDir, 'reconcile-workspace'), path);
  return openWorkspace({ path, passphrase: BENCH_PASSPHRASE });
}

function channelRowCountOf(workspace: Workspace): number {
  return (workspace.sqlite.prepare(`SELECT count(*) AS n FROM channel_transactions`).get() as { n: number }).n;
}

async function measureReconcile(context: OperationContext): Promise<TimedRun> {
  const workspace = freshReconcileWorkspace(context);
  try {
    const rowCount = channelRowCountOf(workspace);
    const steps: string[] = [];
    const { value: summary, seconds, cpuSeconds } = await timed(() =>
      runReconciliation(workspace, BENCH_ADMIN, { onStep: (step, milliseconds) => steps.push(`${step} ${(milliseconds / 1000).toFixed(2)} s`) }),
    );
    return {
      seconds,
      cpuSeconds,
      rowCount,
      note: `${summary.matched} matched, ${summary.pending} pending, ${summary.openDiscrepancies} open discrepancies; steps: ${steps.join(', ')}`,
    };
  } finally {
    workspace.close();
  }
}

/** The floor: a bare indexed SQL join of the same keys (merchant order number = mall document number). */
async function measureReconcileFloor(context: OperationContext): Promise<TimedRun> {
  const workspace = freshReconcileWorkspace(context);
  try {
    const rowCount = channelRowCountOf(workspace);
    const statement = workspace.sqlite.prepare(
      `SELECT count(*) AS n, sum(c.amount_fen) AS s FROM channel_transactions c JOIN mall_documents m ON m.document_no = c.merchant_order_no`,
    );
    const { value: joined, seconds, cpuSeconds } = await timed(() => statement.get() as { n: number; s: number });
    return { seconds, cpuSeconds, rowCount, note: `floor = bare join channel_transactions x mall_documents on the order number (${joined.n} pairs, both sides indexed)` };
  } finally {
    workspace.close();
  }
}

/** One grid page from the middle of the results (the deepest a page can be), after a reconciliation run (setup). */
async function measureGridPage(context: OperationContext): Promise<TimedRun> {
  const workspace = freshReconcileWorkspace(context);
  try {
    runReconciliation(workspace, BENCH_ADMIN);
    const pageSize = context.scale.gridPageRowCount;
    const first = listReconciliationResults(workspace.sqlite, { page: 1, pageSize });
    const middlePage = Math.max(1, Math.ceil(first.total / pageSize / 2));
    const { value: page, seconds, cpuSeconds } = await timed(() => listReconciliationResults(workspace.sqlite, { page: middlePage, pageSize }));
    if (page.rows.length !== Math.min(pageSize, first.total)) throw new Error(`page ${middlePage} has ${page.rows.length} rows`);
    const last = await timed(() => listReconciliationResults(workspace.sqlite, { page: Math.ceil(first.total / pageSize), pageSize }));
    return { seconds, cpuSeconds, rowCount: page.rows.length, note: `page ${middlePage} of ${Math.ceil(first.total / pageSize)} over ${first.total} results (last page ${(last.seconds * 1000).toFixed(1)} ms)` };
  } finally {
    workspace.close();
  }
}

export const reconcileOperation: BenchOperation = {
  name: 'reconcile',
  size: (scale: Scale) => `${countLabel(scale.reconcileRowCount, 'mall documents')} x ${countLabel(scale.reconcileRowCount, 'channel rows')}`,
  target: { secondsMax: 5, ratioToFloorMax: 4, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: ['wechat-bill', 'reconcile-workspace'],
  measure: measureReconcile,
  floor: measureReconcileFloor,
};

export const gridPageOperation: BenchOperation = {
  name: 'reconciliation grid page',
  size: (scale: Scale) => `${scale.gridPageRowCount} of ${countLabel(scale.reconcileRowCount, 'results')}`,
  target: { secondsMax: 0.05, ratioToFloorMax: null, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: ['wechat-bill', 'reconcile-workspace'],
  measure: measureGridPage,
};
