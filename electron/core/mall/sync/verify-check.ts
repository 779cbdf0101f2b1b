import type { SqliteDatabase } from '../../../../db/open';
import type { VerifyCheck } from '../../workspace/verify';
import type { MallRefund, MallSyncedResource } from '../contract/types';
import { activeEntriesForSource, decidedInLedgerdesk, entryDifference, workspaceDesiredContext } from './reconcile';
import { desiredEntries } from './desired';

const batchSize = 2000;

/**
 * verify: each synced document's entries are complete for its state. The document's desired
 * entries are recomputed from the stored copy and compared with the entries still in force;
 * a refund whose order never arrived is reported too.
 */
export function mallDocumentsCompleteCheck(sqlite: SqliteDatabase): VerifyCheck[] {
  const name = 'mall_documents_complete';
  const hasTable = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mall_documents'`).get();
  if (!hasTable) return [];
  const booksStartRow = sqlite.prepare(`SELECT value FROM workspace_meta WHERE key = 'books_start'`).get() as { value: string } | undefined;
  if (!booksStartRow) return [{ name, ok: false, detail: 'the workspace has no books start' }];
  const context = workspaceDesiredContext(sqlite, booksStartRow.value);
  const page = sqlite.prepare(
    `SELECT resource, id, document_no, body_json FROM mall_documents WHERE resource != 'members' AND (resource > ? OR (resource = ? AND id > ?))
     ORDER BY resource, id LIMIT ?`,
  );
  let checked = 0;
  const problems: string[] = [];
  let problemCount = 0;
  let after = { resource: '', id: '' };
  for (;;) {
    const rows = page.all(after.resource, after.resource, after.id, batchSize) as { resource: MallSyncedResource; id: string; document_no: string | null; body_json: string }[];
    if (rows.length === 0) break;
    for (const row of rows) {
      checked += 1;
      const record = JSON.parse(row.body_json) as { id: string };
      const label = `${row.resource} ${row.document_no ?? row.id}`;
      if (row.resource === 'refunds' && context.orderById((record as unknown as MallRefund).order_id) === null) {
        problemCount += 1;
        if (problems.length < 5) problems.push(`${label}: its order ${(record as unknown as MallRefund).order_no} was never synced`);
        continue;
      }
      // Withdrawals reviewed in Ledgerdesk are booked by the review workflow, not from the mall's copy.
      if (row.resource === 'withdrawals' && decidedInLedgerdesk(sqlite, row.id)) continue;
      const difference = entryDifference(row.resource, desiredEntries(row.resource, record, context), activeEntriesForSource(sqlite, row.resource, row.id));
      if (difference.toPost.length > 0 || difference.toReverse.length > 0) {
        problemCount += 1;
        if (problems.length < 5) {
          const missing = difference.toPost.map((spec) => spec.entryType);
          const extra = difference.toReverse.map((entry) => entry.entryNo);
          problems.push(`${label}:${missing.length ? ` missing ${missing.join(', ')}` : ''}${extra.length ? ` no longer implied ${extra.join(', ')}` : ''}`);
        }
      }
    }
    const last = rows[rows.length - 1];
    after = { resource: last.resource, id: last.id };
  }
  if (problemCount > 0) return [{ name, ok: false, detail: `${problemCount} of ${checked} synced documents are not fully booked: ${problems.join('; ')}` }];
  return [{ name, ok: true, detail: `${checked} synced documents, each booked completely for its state` }];
}
