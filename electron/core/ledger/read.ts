import type { SqliteDatabase } from '../../../db/open';
import type { SourceDocument } from './entry';

export interface StoredPosting {
  lineNo: number;
  accountCode: string;
  partyId: string | null;
  debitFen: number;
  creditFen: number;
}

export interface StoredPointsMovement {
  memberId: string;
  changePoints: number;
  movementKind: string;
}

export interface StoredEntry {
  id: number;
  entryNo: string;
  entryType: string;
  occurredAt: string;
  period: string;
  postedAt: string;
  source: SourceDocument;
  reversesEntryId: number | null;
  reversedByEntryNo: string | null;
  memo: string | null;
  createdBy: string;
  previousHash: string;
  hash: string;
  postings: StoredPosting[];
  pointsMovements: StoredPointsMovement[];
}

interface EntryRow {
  id: number;
  entry_no: string;
  entry_type: string;
  occurred_at: string;
  period: string;
  posted_at: string;
  source_resource: string;
  source_id: string;
  source_no: string | null;
  source_version: number | null;
  reverses_entry_id: number | null;
  memo: string | null;
  created_by: string;
  previous_hash: string;
  hash: string;
}

const entryColumns = `id, entry_no, entry_type, occurred_at, period, posted_at, source_resource, source_id, source_no,
  source_version, reverses_entry_id, memo, created_by, previous_hash, hash`;

function hydrate(sqlite: SqliteDatabase, rows: EntryRow[]): StoredEntry[] {
  const postingsOf = sqlite.prepare(
    `SELECT line_no AS lineNo, account_code AS accountCode, party_id AS partyId, debit_fen AS debitFen, credit_fen AS creditFen
     FROM postings WHERE entry_id = ? ORDER BY line_no`,
  );
  const pointsOf = sqlite.prepare(
    `SELECT member_id AS memberId, change_points AS changePoints, movement_kind AS movementKind FROM points_ledger WHERE entry_id = ? ORDER BY id`,
  );
  const reversedBy = sqlite.prepare(`SELECT entry_no FROM journal_entries WHERE reverses_entry_id = ?`);
  return rows.map((row) => ({
    id: row.id,
    entryNo: row.entry_no,
    entryType: row.entry_type,
    occurredAt: row.occurred_at,
    period: row.period,
    postedAt: row.posted_at,
    source: { resource: row.source_resource, id: row.source_id, no: row.source_no, version: row.source_version },
    reversesEntryId: row.reverses_entry_id,
    reversedByEntryNo: (reversedBy.get(row.id) as { entry_no: string } | undefined)?.entry_no ?? null,
    memo: row.memo,
    createdBy: row.created_by,
    previousHash: row.previous_hash,
    hash: row.hash,
    postings: postingsOf.all(row.id) as StoredPosting[],
    pointsMovements: pointsOf.all(row.id) as StoredPointsMovement[],
  }));
}

export function loadEntryById(sqlite: SqliteDatabase, id: number): StoredEntry | null {
  const row = sqlite.prepare(`SELECT ${entryColumns} FROM journal_entries WHERE id = ?`).get(id) as EntryRow | undefined;
  return row ? hydrate(sqlite, [row])[0] : null;
}

export function entriesForSource(sqlite: SqliteDatabase, resource: string, id: string): StoredEntry[] {
  const rows = sqlite
    .prepare(`SELECT ${entryColumns} FROM journal_entries WHERE source_resource = ? AND source_id = ? ORDER BY id`)
    .all(resource, id) as EntryRow[];
  return hydrate(sqlite, rows);
}

/**
 * Trace: an entry number gives that entry and every other entry of its source document; a
 * document number (order_no, refund_no, withdrawal_no, bill line...) or id gives all its entries.
 */
export function traceEntries(sqlite: SqliteDatabase, text: string): StoredEntry[] {
  const needle = text.trim();
  if (!needle) return [];
  const byNumber = sqlite.prepare(`SELECT ${entryColumns} FROM journal_entries WHERE entry_no = ?`).get(needle) as
    | EntryRow
    | undefined;
  const rows = byNumber
    ? (sqlite
        .prepare(`SELECT ${entryColumns} FROM journal_entries WHERE source_resource = ? AND source_id = ? ORDER BY id`)
        .all(byNumber.source_resource, byNumber.source_id) as EntryRow[])
    : (sqlite
        .prepare(`SELECT ${entryColumns} FROM journal_entries WHERE source_no = ? OR source_id = ? ORDER BY id`)
        .all(needle, needle) as EntryRow[]);
  return hydrate(sqlite, rows);
}
