/**
 * The PayoutBatchIndex of the legacy batches channel, backed by the workspace table
 * payout_batch_members. `record` commits before the batch is sent (the channel calls it first),
 * so after a crash the next run finds the batch and re-sends exactly it under the same number.
 */
import type { SqliteDatabase } from '../../../db/open';
import { PayoutInvariantError } from './payout-channel';
import type { PayoutBatchIndex } from './wechat/batches-channel';

export function createWorkspaceBatchIndex(sqlite: SqliteDatabase): PayoutBatchIndex {
  const batchOfStatement = sqlite.prepare(`SELECT out_batch_no FROM payout_batch_members WHERE out_bill_no = ?`);
  const membersStatement = sqlite.prepare(`SELECT out_bill_no FROM payout_batch_members WHERE out_batch_no = ? ORDER BY position`);
  const batchesStatement = sqlite.prepare(
    `SELECT out_batch_no FROM payout_batch_members WHERE settlement_no = ? GROUP BY out_batch_no ORDER BY min(rowid)`,
  );
  const insertStatement = sqlite.prepare(
    `INSERT INTO payout_batch_members (out_bill_no, out_batch_no, settlement_no, position) VALUES (?, ?, ?, ?)`,
  );
  return {
    batchOf(outBillNo) {
      return (batchOfStatement.get(outBillNo) as { out_batch_no: string } | undefined)?.out_batch_no;
    },
    membersOf(outBatchNo) {
      const rows = membersStatement.all(outBatchNo) as { out_bill_no: string }[];
      return rows.length === 0 ? undefined : rows.map((row) => row.out_bill_no);
    },
    batchesOfSettlement(settlementId) {
      return (batchesStatement.all(settlementId) as { out_batch_no: string }[]).map((row) => row.out_batch_no);
    },
    record(settlementId, outBatchNo, outBillNos) {
      sqlite.transaction(() => {
        if (membersStatement.get(outBatchNo)) throw new PayoutInvariantError(`batch ${outBatchNo} recorded twice`);
        outBillNos.forEach((outBillNo, position) => {
          const existing = batchOfStatement.get(outBillNo) as { out_batch_no: string } | undefined;
          if (existing) throw new PayoutInvariantError(`payout ${outBillNo} is already in batch ${existing.out_batch_no}`);
          insertStatement.run(outBillNo, outBatchNo, settlementId, position);
        });
      })();
    },
  };
}
