import type { SqliteDatabase, SqliteStatement } from '../../../../db/open';
import type { EntrySpec } from '../../ledger/entry';
import { PeriodClosedError, postEntry, type PostedEntry, type PostingContext } from '../../ledger/post';
import { reverseEntry } from '../../ledger/reverse';
import type { MallOrder, MallSyncedResource } from '../contract/types';
import { desiredEntries, entryMatchKey, managedEntryTypes, type DesiredContext } from './desired';
import { loadDocumentBody, loadRefundsOfOrder } from './store';

/** A posted, not yet reversed entry of a document, in the shape entryMatchKey compares. */
export interface ActiveEntry {
  id: number;
  entryNo: string;
  entryType: string;
  occurredAt: string;
  postings: { accountCode: string; partyId: string | null; debitFen: number; creditFen: number }[];
  pointsMovements: { memberId: string; changePoints: number; movementKind: string }[];
}

interface Statements {
  activePostings: SqliteStatement;
  activePoints: SqliteStatement;
  paidOut: SqliteStatement;
}

const cache = new WeakMap<SqliteDatabase, Statements>();

function statements(sqlite: SqliteDatabase): Statements {
  let prepared = cache.get(sqlite);
  if (!prepared) {
    const active = `e.source_resource = ? AND e.source_id = ? AND e.entry_type != 'reversal'
      AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id)`;
    prepared = {
      activePostings: sqlite.prepare(
        `SELECT e.id, e.entry_no, e.entry_type, e.occurred_at, p.account_code, p.party_id, p.debit_fen, p.credit_fen
         FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id WHERE ${active} ORDER BY e.id, p.line_no`,
      ),
      activePoints: sqlite.prepare(
        `SELECT e.id, m.member_id, m.change_points, m.movement_kind FROM journal_entries e JOIN points_ledger m ON m.entry_id = e.id
         WHERE ${active} ORDER BY m.id`,
      ),
      paidOut: sqlite.prepare(
        `SELECT 1 FROM journal_entries e WHERE ${active.replace("e.entry_type != 'reversal'", "e.entry_type = 'commission_payout'")} LIMIT 1`,
      ),
    };
    cache.set(sqlite, prepared);
  }
  return prepared;
}

/** The document's entries that still count: not reversals, not reversed. */
export function activeEntriesForSource(sqlite: SqliteDatabase, resource: string, id: string): ActiveEntry[] {
  const prepared = statements(sqlite);
  const rows = prepared.activePostings.all(resource, id) as {
    id: number;
    entry_no: string;
    entry_type: string;
    occurred_at: string;
    account_code: string | null;
    party_id: string | null;
    debit_fen: number | null;
    credit_fen: number | null;
  }[];
  if (rows.length === 0) return [];
  const byId = new Map<number, ActiveEntry>();
  for (const row of rows) {
    let entry = byId.get(row.id);
    if (!entry) {
      entry = { id: row.id, entryNo: row.entry_no, entryType: row.entry_type, occurredAt: row.occurred_at, postings: [], pointsMovements: [] };
      byId.set(row.id, entry);
    }
    if (row.account_code !== null) {
      entry.postings.push({ accountCode: row.account_code, partyId: row.party_id, debitFen: row.debit_fen ?? 0, creditFen: row.credit_fen ?? 0 });
    }
  }
  for (const row of prepared.activePoints.all(resource, id) as { id: number; member_id: string; change_points: number; movement_kind: string }[]) {
    byId.get(row.id)?.pointsMovements.push({ memberId: row.member_id, changePoints: row.change_points, movementKind: row.movement_kind });
  }
  return [...byId.values()];
}

/** Related documents come from the workspace's own copy of the mall. */
export function workspaceDesiredContext(sqlite: SqliteDatabase, booksStart: string): DesiredContext {
  return {
    booksStart,
    orderById: (orderId) => loadDocumentBody<MallOrder>(sqlite, 'orders', orderId),
    refundsOfOrder: (orderId) => loadRefundsOfOrder(sqlite, orderId),
    commissionPaidOut: (commissionId) => Boolean(statements(sqlite).paidOut.get('commissions', commissionId)),
  };
}

export interface EntryDifference {
  toReverse: ActiveEntry[];
  toPost: EntrySpec[];
}

/** Compares as multisets by entryMatchKey; only the sync's own entry types are candidates for reversal. */
export function entryDifference(resource: MallSyncedResource, desired: EntrySpec[], active: ActiveEntry[]): EntryDifference {
  const managed = new Set<string>(managedEntryTypes[resource]);
  const unmatched = new Map<string, ActiveEntry[]>();
  for (const entry of active) {
    if (!managed.has(entry.entryType)) continue;
    const key = entryMatchKey(entry);
    const list = unmatched.get(key) ?? [];
    list.push(entry);
    unmatched.set(key, list);
  }
  const toPost: EntrySpec[] = [];
  for (const spec of desired) {
    const list = unmatched.get(entryMatchKey(spec));
    if (list && list.length > 0) list.shift();
    else toPost.push(spec);
  }
  return { toReverse: [...unmatched.values()].flat(), toPost };
}

/**
 * Posts an entry; when its month is closed, posts the same entry into the open month of `now`
 * with a memo naming the closed month (the closed month's figures stay as they were closed).
 */
export function postIntoOpenMonth(context: PostingContext, spec: EntrySpec): PostedEntry {
  try {
    return postEntry(context, spec);
  } catch (error) {
    if (!(error instanceof PeriodClosedError)) throw error;
    const memo = `${spec.memo ? `${spec.memo}; ` : ''}correction for closed month ${error.month} (business time ${spec.occurredAt})`;
    return postEntry(context, { ...spec, occurredAt: context.now().toISOString(), memo });
  }
}

function reverseIntoOpenMonth(context: PostingContext, entry: ActiveEntry, occurredAt: string, why: string): PostedEntry {
  const memo = `reverses ${entry.entryNo}: ${why}`;
  try {
    return reverseEntry(context, entry.id, { occurredAt, memo });
  } catch (error) {
    if (!(error instanceof PeriodClosedError)) throw error;
    return reverseEntry(context, entry.id, { occurredAt: context.now().toISOString(), memo: `${memo}; correction for closed month ${error.month}` });
  }
}

/**
 * Brings the books in line with one document: reverses what its state no longer implies and
 * posts what is missing. Returns the number of entries written (reversals included).
 * Runs inside the caller's transaction.
 */
export function reconcileDocument(
  context: PostingContext,
  resource: MallSyncedResource,
  record: { id: string; version: number; updated_at: string },
  desiredContext: DesiredContext,
  options: { knownNew?: boolean } = {},
): number {
  if (resource === 'withdrawals' && !options.knownNew && decidedInLedgerdesk(context.sqlite, record.id)) return 0;
  const desired = desiredEntries(resource, record, desiredContext);
  // A document seen for the first time has no entries yet: skip the lookup on the hot path.
  const active = options.knownNew ? [] : activeEntriesForSource(context.sqlite, resource, record.id);
  if (desired.length === 0 && active.length === 0) return 0;
  const { toReverse, toPost } = entryDifference(resource, desired, active);
  let written = 0;
  for (const entry of toReverse) {
    // The change happened when the mall changed the record, never before the entry it corrects.
    const changedAt = new Date(Math.max(new Date(record.updated_at).getTime(), new Date(entry.occurredAt).getTime())).toISOString();
    reverseIntoOpenMonth(context, entry, changedAt, `${resource} ${record.id} version ${record.version} no longer implies it`);
    written += 1;
  }
  for (const spec of toPost) {
    postIntoOpenMonth(context, spec);
    written += 1;
  }
  return written;
}

/**
 * A withdrawal reviewed in Ledgerdesk is booked by the review and payout workflow, which decides
 * before the mall hears of it: the sync neither posts nor reverses its entries (the mall's copy
 * may still say `submitted` until the write-back lands).
 */
export function decidedInLedgerdesk(sqlite: SqliteDatabase, withdrawalId: string): boolean {
  return sqlite.prepare(`SELECT 1 FROM withdrawal_reviews WHERE withdrawal_id = ?`).get(withdrawalId) !== undefined;
}
