import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeWorkbook, type ColumnSpec, type ExportRow } from '../../../electron/core/exports/excel';
import { openWorkspace, verifyWorkspace, type Workspace } from '../../../electron/core/workspace';
import { artifactPath } from '../artifacts';
import { BENCH_PASSPHRASE, LEDGER_MONTHS, REPORT_MONTH } from '../data/ledger';
import { dateRangePeriod, transactionDetailCount, transactionDetails } from '../../../electron/core/reports';
import type { Scale } from '../scales';
import { countLabel, timed, type BenchOperation, type OperationContext, type TimedRun } from './types';

/** A fresh copy of the prepared ledger workspace for this child alone (copying is setup). */
export function freshLedgerWorkspace(context: OperationContext): Workspace {
  const path = join(context.workDir, 'books.ldw');
  copyFileSync(artifactPath(context.dataDir, 'ledger-workspace'), path);
  return openWorkspace({ path, passphrase: BENCH_PASSPHRASE });
}

function postingCountOf(workspace: Workspace): number {
  return (workspace.sqlite.prepare(`SELECT count(*) AS n FROM postings`).get() as { n: number }).n;
}

async function measureVerify(context: OperationContext): Promise<TimedRun> {
  const workspace = freshLedgerWorkspace(context);
  try {
    const postingCount = postingCountOf(workspace);
    const { value: report, seconds, cpuSeconds } = await timed(() => verifyWorkspace(workspace.sqlite));
    const failed = report.checks.filter((check) => !check.ok);
    // A failing check is a finding about the data, not a crash of the benchmark: shown, not hidden.
    const note = failed.length ? `verify reported: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}` : undefined;
    return { seconds, cpuSeconds, rowCount: postingCount, note };
  } finally {
    workspace.close();
  }
}

const detailColumns: readonly ColumnSpec[] = [
  { header: '凭证号', key: 'entryNo', kind: 'text', widthChars: 18 },
  { header: '业务时间', key: 'occurredAt', kind: 'datetime' },
  { header: '类型', key: 'entryType', kind: 'text' },
  { header: '单据号', key: 'sourceNo', kind: 'text', widthChars: 24 },
  { header: '行', key: 'lineNo', kind: 'integer', widthChars: 5 },
  { header: '科目', key: 'accountCode', kind: 'text', widthChars: 8 },
  { header: '科目名称', key: 'accountNameZh', kind: 'text' },
  { header: '往来单位', key: 'partyId', kind: 'text' },
  { header: '借方', key: 'debitFen', kind: 'money' },
  { header: '贷方', key: 'creditFen', kind: 'money' },
  { header: '摘要', key: 'memo', kind: 'text' },
];

function* firstRows<T>(rows: Iterable<T>, count: number): Generator<T> {
  if (count <= 0) return;
  let taken = 0;
  for (const row of rows) {
    yield row;
    taken += 1;
    if (taken === count) return; // returning closes the statement's iterator
  }
}

/**
 * The transaction detail report (electron/core/reports transactionDetails: one row per posting,
 * in business-time order) streamed from the workspace into the streaming Excel writer.
 */
async function measureExcelExport(context: OperationContext): Promise<TimedRun> {
  const workspace = freshLedgerWorkspace(context);
  const outputPath = join(context.workDir, 'transactions.xlsx');
  try {
    const rowCountWanted = context.scale.excelRowCount;
    const period = dateRangePeriod(`${LEDGER_MONTHS[0]}-01`, `${REPORT_MONTH}-31`);
    const available = transactionDetailCount(workspace.sqlite, period);
    if (available < rowCountWanted) throw new Error(`the ledger workspace holds ${available} posting rows, fewer than ${rowCountWanted}`);
    const rows = firstRows(transactionDetails(workspace.sqlite, period), rowCountWanted) as Iterable<ExportRow>;
    const { value: written, seconds, cpuSeconds } = await timed(() =>
      writeWorkbook(outputPath, [{ name: '交易明细', columns: detailColumns, rows }], { createdAt: new Date('2026-11-05T02:00:00.000Z') }),
    );
    const rowCount = written.sheets[0].rowCount;
    if (rowCount !== rowCountWanted) throw new Error(`wrote ${rowCount} rows, wanted ${rowCountWanted}`);
    return { seconds, cpuSeconds, rowCount, note: `transaction details read from the workspace while writing; xlsx ${(statSync(outputPath).size / 1e6).toFixed(1)} MB` };
  } finally {
    workspace.close();
  }
}

export const verifyOperation: BenchOperation = {
  name: 'verify',
  size: (scale: Scale) => countLabel(scale.postingCount, 'postings'),
  // DESIGN.md section 12 sets no target for verify: measured only.
  target: { secondsMax: null, ratioToFloorMax: null, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: ['ledger-workspace'],
  measure: measureVerify,
};

export const excelExportOperation: BenchOperation = {
  name: 'Excel export',
  size: (scale: Scale) => countLabel(scale.excelRowCount, 'rows'),
  target: { secondsMax: 30, ratioToFloorMax: null, peakMemoryMbMax: 500 },
  unavailableReason: null,
  requires: ['ledger-workspace'],
  measure: measureExcelExport,
};
