import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeWorkbook, type ColumnSpec, type ExportRow } from '../../../electron/core/exports/excel';
import { openWorkspace, verifyWorkspace, type Workspace } from '../../../electron/core/workspace';
import { artifactPath } from '../artifacts';
import { BENCH_PASSPHRASE } from '../data/ledger';
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
    const { value: report, seconds } = await timed(() => verifyWorkspace(workspace.sqlite));
    const failed = report.checks.filter((check) => !check.ok);
    // A failing check is a finding about the data, not a crash of the benchmark: shown, not hidden.
    const note = failed.length ? `verify reported: ${failed.map((check) => `${check.name} (${check.detail})`).join('; ')}` : undefined;
    return { seconds, rowCount: postingCount, note };
  } finally {
    workspace.close();
  }
}

const detailColumns: readonly ColumnSpec[] = [
  { header: '凭证号', key: 'entryNo', kind: 'text', widthChars: 18 },
  { header: '业务时间', key: 'occurredAt', kind: 'datetime' },
  { header: '类型', key: 'entryType', kind: 'text' },
  { header: '科目', key: 'accountCode', kind: 'text', widthChars: 8 },
  { header: '往来单位', key: 'partyId', kind: 'text' },
  { header: '借方', key: 'debitFen', kind: 'money' },
  { header: '贷方', key: 'creditFen', kind: 'money' },
  { header: '单据号', key: 'sourceNo', kind: 'text', widthChars: 24 },
];

/**
 * The posting-level transaction detail, streamed from the workspace into the streaming Excel
 * writer: the shape of the month-end detail export (one row per posting).
 */
async function measureExcelExport(context: OperationContext): Promise<TimedRun> {
  const workspace = freshLedgerWorkspace(context);
  const outputPath = join(context.workDir, 'detail.xlsx');
  try {
    const rowCountWanted = context.scale.excelRowCount;
    if (postingCountOf(workspace) < rowCountWanted) throw new Error(`the ledger workspace holds fewer than ${rowCountWanted} postings`);
    const statement = workspace.sqlite.prepare(
      `SELECT e.entry_no AS entryNo, e.occurred_at AS occurredAt, e.entry_type AS entryType, p.account_code AS accountCode,
              p.party_id AS partyId, p.debit_fen AS debitFen, p.credit_fen AS creditFen, e.source_no AS sourceNo
       FROM postings p JOIN journal_entries e ON e.id = p.entry_id ORDER BY p.id LIMIT ?`,
    );
    const { value: written, seconds } = await timed(() =>
      writeWorkbook(outputPath, [{ name: '交易明细', columns: detailColumns, rows: statement.iterate(rowCountWanted) as Iterable<ExportRow> }], {
        createdAt: new Date('2026-11-05T02:00:00.000Z'),
      }),
    );
    const rowCount = written.sheets[0].rowCount;
    if (rowCount !== rowCountWanted) throw new Error(`wrote ${rowCount} rows, wanted ${rowCountWanted}`);
    return { seconds, rowCount, note: `xlsx ${(statSync(outputPath).size / 1e6).toFixed(1)} MB, posting rows read from the workspace while writing` };
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
