/**
 * A commission the mall cancels after we paid it out leaves a receivable from the distributor:
 * commission_clawback (Dr 1221 per distributor, Cr 6602), linked to the commission, visible until
 * recovered. Only paid payouts claw back; a payout still in flight waits for its outcome (if it
 * fails, the commission is simply released and never paid).
 *
 * The sync books the same clawback when it sees the cancellation (it treats a commission with a
 * live commission_payout entry on its source as paid out); this pass covers cancellations stored
 * before the payout's outcome was known. Both post on the commission's source with the same
 * postings and each skips when the other's clawback is already live, so it is booked once.
 */
import type { SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { postEntry } from '../ledger/post';
import { commissionClawbackEntry } from '../ledger/rules/commissions';
import { fen, formatFenAsYuan, type Fen } from '../money';
import type { Workspace } from '../workspace/workspace';
import { commissionSourceNoOf } from './settle';

export interface ClawbackResult {
  commissionId: string;
  distributorId: string;
  amountFen: Fen;
  outBillNo: string;
  entryId: number | null;
  /** Why nothing was posted (e.g. the accrual was reversed by someone else). */
  skipped: string | null;
}

/** True when the commission is part of a payout that was not returned: the sync leaves its cancellation to us. */
export function isCommissionInPayout(sqlite: SqliteDatabase, commissionId: string): boolean {
  return sqlite.prepare(`SELECT 1 FROM payout_commissions WHERE commission_id = ? AND released_at IS NULL`).get(commissionId) !== undefined;
}

export function postCommissionClawbacks(workspace: Workspace, userName: string): ClawbackResult[] {
  const sqlite = workspace.sqlite;
  const rows = sqlite
    .prepare(
      `SELECT pc.id AS linkId, pc.commission_id AS commissionId, pc.amount_fen AS amountFen, p.party_id AS distributorId, p.out_bill_no AS outBillNo,
         d.updated_at AS cancelledAt, d.body_json AS bodyJson,
         (SELECT count(*) FROM journal_entries c WHERE c.source_resource = 'commissions' AND c.source_id = pc.commission_id
           AND c.entry_type = 'commission_clawback' AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = c.id)) AS liveClawbacks,
         (SELECT count(*) FROM journal_entries e JOIN journal_entries r ON r.reverses_entry_id = e.id
           WHERE e.source_resource = 'commissions' AND e.source_id = pc.commission_id AND e.entry_type = 'commission_accrual') AS reversedAccruals
       FROM payout_commissions pc
       JOIN payouts p ON p.id = pc.payout_id
       JOIN mall_documents d ON d.resource = 'commissions' AND d.id = pc.commission_id
       WHERE pc.released_at IS NULL AND pc.clawback_entry_id IS NULL AND p.state = 'success'
         AND json_extract(d.body_json, '$.status') = 'cancelled'
       ORDER BY pc.id`,
    )
    .all() as { linkId: number; commissionId: string; amountFen: number; distributorId: string; outBillNo: string; cancelledAt: string; bodyJson: string; liveClawbacks: number; reversedAccruals: number }[];
  if (rows.length === 0) return [];
  const now = workspace.clock.now();
  const context = workspace.postingContext(userName);
  const markClawback = sqlite.prepare(`UPDATE payout_commissions SET clawback_entry_id = ? WHERE id = ?`);
  return sqlite.transaction(() =>
    rows.map((row): ClawbackResult => {
      const base = { commissionId: row.commissionId, distributorId: row.distributorId, amountFen: fen(row.amountFen), outBillNo: row.outBillNo };
      if (row.liveClawbacks > 0) {
        const existing = sqlite
          .prepare(`SELECT id FROM journal_entries WHERE source_resource = 'commissions' AND source_id = ? AND entry_type = 'commission_clawback' ORDER BY id DESC LIMIT 1`)
          .get(row.commissionId) as { id: number };
        markClawback.run(existing.id, row.linkId);
        return { ...base, entryId: existing.id, skipped: 'already booked by the sync' };
      }
      if (row.reversedAccruals > 0) {
        // The expense already went back through a reversal: a clawback on top would take it back twice.
        return { ...base, entryId: null, skipped: 'the accrual was reversed after payout; review the distributor balance in 2204' };
      }
      const spec = commissionClawbackEntry({
        source: { resource: 'commissions', id: row.commissionId, no: commissionSourceNoOf(JSON.parse(row.bodyJson) as Record<string, unknown>) },
        distributorId: row.distributorId,
        cancelledAt: now.toISOString(),
        amountFen: fen(row.amountFen),
      });
      const entry = spec ? postEntry(context, { ...spec, memo: `cancelled after payout ${row.outBillNo} (mall ${row.cancelledAt})` }) : null;
      markClawback.run(entry?.id ?? 0, row.linkId);
      appendAudit(
        sqlite,
        { userName, action: 'commission.clawback', objectType: 'commission', objectId: row.commissionId, detail: { distributor: row.distributorId, amount: formatFenAsYuan(fen(row.amountFen)), payout: row.outBillNo, entryId: entry?.id ?? null } },
        now,
      );
      return { ...base, entryId: entry?.id ?? null, skipped: null };
    }),
  )();
}
