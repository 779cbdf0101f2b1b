/**
 * Closes the loop of the file-export channel: the clerk pays the exported sheet by hand (bank,
 * Alipay, merchant portal) and fills in a results sheet (out_bill_no, status, reason); importing it
 * books each outcome exactly as a WeChat poll would (applyPayoutStatuses): success posts the paid
 * entry, failure reverses what moved the money to 2206 and frees the commissions, and the mall
 * write-back is queued in the outbox.
 *
 * Atomic like every import: one bad line (unreadable, unknown out_bill_no, bad status, a payout
 * whose outcome is already booked) and nothing is applied; otherwise every line is applied in one
 * transaction with one audit row.
 */
import { basename } from 'node:path';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth/users';
import type { Workspace } from '../workspace/workspace';
import { readPayoutResultsWorkbook, type PayoutResultLine, type PayoutResultLineError } from './file-export';
import type { PayoutStatus } from './payout-channel';
import { applyPayoutStatuses } from './payout-runner';
import { listPayouts, type PayoutRecord } from './payout-store';

/** The name createFileExportChannel gives itself; submitPayouts stores it in payouts.channel. */
const FILE_EXPORT_CHANNEL_NAME = 'file-export';

export interface AppliedPayoutResult {
  outBillNo: string;
  state: 'success' | 'failed';
}

export interface PayoutResultsImport {
  applied: AppliedPayoutResult[];
  errors: PayoutResultLineError[];
}

/** Every payout handed to the file-export channel, finished or not (a finished one is reported, not unknown). */
function fileExportPayouts(workspace: Workspace): Map<string, PayoutRecord> {
  const payouts = listPayouts(workspace.sqlite).filter((payout) => payout.channel === FILE_EXPORT_CHANNEL_NAME);
  return new Map(payouts.map((payout) => [payout.outBillNo, payout]));
}

function alreadySettledErrors(file: string, results: readonly PayoutResultLine[], payouts: ReadonlyMap<string, PayoutRecord>): PayoutResultLineError[] {
  const errors: PayoutResultLineError[] = [];
  for (const result of results) {
    const payout = payouts.get(result.outBillNo);
    if (payout?.finishedAt) errors.push({ file, line: result.line, reason: `out_bill_no "${result.outBillNo}" already settled (${payout.state} at ${payout.finishedAt})` });
  }
  return errors;
}

function statusOf(file: string, result: PayoutResultLine, observedAt: string): PayoutStatus {
  return {
    outBillNo: result.outBillNo,
    state: result.status,
    // Where the outcome came from: the results file and its line.
    channelRef: `${file}#${result.line}`,
    failureReason: result.status === 'failed' ? result.reason : null,
    updatedAt: observedAt,
  };
}

export async function importPayoutResults(workspace: Workspace, actor: Actor, filePath: string): Promise<PayoutResultsImport> {
  requirePermission(actor, 'settlement.run');
  const file = basename(filePath);
  const read = await readPayoutResultsWorkbook(filePath, { knownOutBillNos: new Set(fileExportPayouts(workspace).keys()) });
  if (!read.ok) return { applied: [], errors: [read.error] };

  const sqlite = workspace.sqlite;
  return sqlite.transaction((): PayoutResultsImport => {
    // Checked again inside the transaction: the workbook was read asynchronously.
    const errors = [...read.errors, ...alreadySettledErrors(file, read.results, fileExportPayouts(workspace))].sort((a, b) => a.line - b.line);
    if (errors.length > 0 || read.results.length === 0) return { applied: [], errors };
    const now = workspace.clock.now();
    applyPayoutStatuses(
      workspace,
      actor.userName,
      read.results.map((result) => statusOf(file, result, now.toISOString())),
    );
    const applied = read.results.map((result) => ({ outBillNo: result.outBillNo, state: result.status }));
    appendAudit(
      sqlite,
      {
        userName: actor.userName,
        action: 'payout.results.import',
        objectType: 'payout_results_file',
        objectId: file,
        detail: {
          lines: applied.length,
          success: applied.filter((result) => result.state === 'success').map((result) => result.outBillNo),
          failed: applied.filter((result) => result.state === 'failed').map((result) => result.outBillNo),
        },
      },
      now,
    );
    return { applied, errors: [] };
  })();
}
