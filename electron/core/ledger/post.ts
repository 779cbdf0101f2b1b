import type { SqliteDatabase, SqliteStatement } from '../../../db/open';
import { shanghaiMonth, toStoredInstant } from '../calendar/shanghai';
import { allAccounts } from './accounts';
import { assertEntryBalanced, LedgerInvariantError, type EntrySpec } from './entry';
import { canonicalEntryContent, chainHash, GENESIS_HASH, type EntryHashContent } from './hash-chain';

export interface PostingContext {
  sqlite: SqliteDatabase;
  userName: string;
  now: () => Date;
  /**
   * When set, the period totals of the entries posted are summed here and written by its flush()
   * (one row per period, account and type instead of one per entry); the caller flushes inside
   * the same transaction, before anything reads the totals.
   */
  periodTotals?: PeriodTotalsBuffer;
}

/** Period totals summed in memory for a batch of entries (a sync run posts ~10,000 at once). */
export class PeriodTotalsBuffer {
  private readonly sums = new Map<string, { period: string; accountCode: string; entryType: string; debitFen: number; creditFen: number; count: number }>();

  add(period: string, accountCode: string, entryType: string, debitFen: number, creditFen: number, count: number): void {
    const key = `${period}|${accountCode}|${entryType}`;
    const sums = this.sums.get(key);
    if (sums === undefined) {
      this.sums.set(key, { period, accountCode, entryType, debitFen, creditFen, count });
      return;
    }
    sums.debitFen += debitFen;
    sums.creditFen += creditFen;
    sums.count += count;
  }

  /** Writes the sums and starts empty again. */
  flush(sqlite: SqliteDatabase): void {
    const statements = statementsFor(sqlite);
    for (const sums of this.sums.values()) statements.addPeriodTotals.run(sums.period, sums.accountCode, sums.entryType, sums.debitFen, sums.creditFen, sums.count);
    this.sums.clear();
  }
}

export interface PostedEntry {
  id: number;
  entryNo: string;
  hash: string;
}

/** Raised when an entry would land in a closed month; callers post into the open month instead. */
export class PeriodClosedError extends Error {
  readonly code = 'period_closed';
  constructor(readonly month: string) {
    super(`the month ${month} is closed: nothing can be posted into it`);
    this.name = 'PeriodClosedError';
  }
}

/** LD202610-000123: the period of the business time and a per-period sequence. */
export function formatEntryNo(period: string, sequence: number): string {
  return `LD${period.replace('-', '')}-${String(sequence).padStart(6, '0')}`;
}

interface Statements {
  lastNoInPeriod: SqliteStatement;
  lastEntry: SqliteStatement;
  periodStatus: SqliteStatement;
  insertEntry: SqliteStatement;
  insertPosting: SqliteStatement;
  insertPoints: SqliteStatement;
  entryTypeOf: SqliteStatement;
  addPeriodTotals: SqliteStatement;
}

const statementCache = new WeakMap<SqliteDatabase, Statements>();

/**
 * The last sequence number used per period, valid while the newest entry is the one we wrote
 * last (any other writer changes the newest id, and the cache is then re-read from the table).
 */
interface SequenceCache {
  lastEntryId: number;
  sequenceByPeriod: Map<string, number>;
}
const sequenceCache = new WeakMap<SqliteDatabase, SequenceCache>();

const knownAccountCodes = new Set<string>(allAccounts.map((account) => account.code));

function statementsFor(sqlite: SqliteDatabase): Statements {
  let statements = statementCache.get(sqlite);
  if (!statements) {
    statements = {
      lastNoInPeriod: sqlite.prepare(
        `SELECT entry_no FROM journal_entries WHERE entry_no >= ? AND entry_no < ? ORDER BY entry_no DESC LIMIT 1`,
      ),
      lastEntry: sqlite.prepare(`SELECT id, hash FROM journal_entries ORDER BY id DESC LIMIT 1`),
      periodStatus: sqlite.prepare(`SELECT status FROM periods WHERE month = ?`),
      // Positional parameters: binding by name costs a lookup per parameter on every entry.
      insertEntry: sqlite.prepare(
        `INSERT INTO journal_entries (entry_no, entry_type, occurred_at, period, posted_at, source_resource, source_id,
           source_no, source_version, reverses_entry_id, memo, created_by, previous_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertPosting: sqlite.prepare(
        `INSERT INTO postings (entry_id, line_no, account_code, party_id, debit_fen, credit_fen) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      insertPoints: sqlite.prepare(
        `INSERT INTO points_ledger (entry_id, member_id, change_points, movement_kind) VALUES (?, ?, ?, ?)`,
      ),
      entryTypeOf: sqlite.prepare(`SELECT entry_type FROM journal_entries WHERE id = ?`),
      addPeriodTotals: sqlite.prepare(
        `INSERT INTO ledger_period_totals (period, account_code, entry_type, debit_fen, credit_fen, posting_count) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (period, account_code, entry_type) DO UPDATE SET debit_fen = debit_fen + excluded.debit_fen,
           credit_fen = credit_fen + excluded.credit_fen, posting_count = posting_count + excluded.posting_count`,
      ),
    };
    statementCache.set(sqlite, statements);
  }
  return statements;
}

/**
 * Writes one balanced entry with its postings, number and hash-chain link. Runs inside the
 * caller's transaction when there is one (better-sqlite3 nests transactions as savepoints).
 */
export function postEntry(context: PostingContext, spec: EntrySpec): PostedEntry {
  assertEntryBalanced(spec);
  const statements = statementsFor(context.sqlite);
  const period = shanghaiMonth(spec.occurredAt);
  const status = statements.periodStatus.get(period) as { status: string } | undefined;
  if (status?.status === 'closed') throw new PeriodClosedError(period);
  for (const posting of spec.postings) {
    if (!knownAccountCodes.has(posting.accountCode)) throw new LedgerInvariantError(`unknown account ${posting.accountCode}`);
  }
  const write = (): PostedEntry => {
    const previous = statements.lastEntry.get() as { id: number; hash: string } | undefined;
    const previousHash = previous?.hash ?? GENESIS_HASH;
    const sequence = nextSequence(context.sqlite, statements, period, previous?.id ?? 0);
    const postings = spec.postings.map((posting, index) => ({
      lineNo: index + 1,
      accountCode: posting.accountCode,
      partyId: posting.partyId,
      debitFen: posting.debitFen,
      creditFen: posting.creditFen,
    }));
    const pointsMovements = spec.pointsMovements ?? [];
    const content: EntryHashContent = {
      entryNo: formatEntryNo(period, sequence),
      entryType: spec.entryType,
      // Stored as UTC ISO so string order is time order whatever offset the source used.
      occurredAt: toStoredInstant(spec.occurredAt),
      period,
      postedAt: context.now().toISOString(),
      sourceResource: spec.source.resource,
      sourceId: spec.source.id,
      sourceNo: spec.source.no,
      sourceVersion: spec.source.version ?? null,
      reversesEntryId: spec.reversesEntryId ?? null,
      memo: spec.memo ?? null,
      createdBy: context.userName,
      postings,
      pointsMovements,
    };
    const hash = chainHash(previousHash, canonicalEntryContent(content));
    const inserted = statements.insertEntry.run(
      content.entryNo,
      content.entryType,
      content.occurredAt,
      content.period,
      content.postedAt,
      content.sourceResource,
      content.sourceId,
      content.sourceNo,
      content.sourceVersion,
      content.reversesEntryId,
      content.memo,
      content.createdBy,
      previousHash,
      hash,
    );
    const entryId = Number(inserted.lastInsertRowid);
    for (const posting of postings) {
      statements.insertPosting.run(entryId, posting.lineNo, posting.accountCode, posting.partyId, posting.debitFen, posting.creditFen);
    }
    for (const movement of pointsMovements) {
      statements.insertPoints.run(entryId, movement.memberId, movement.changePoints, movement.movementKind);
    }
    addToPeriodTotals(statements, context.periodTotals, period, spec, postings);
    sequenceCache.set(context.sqlite, { lastEntryId: entryId, sequenceByPeriod: cachedSequences(context.sqlite, previous?.id ?? 0).set(period, sequence) });
    return { id: entryId, entryNo: content.entryNo, hash };
  };
  // Inside the caller's transaction no savepoint is needed: everything that can refuse the entry
  // is checked before the first insert, and the caller's transaction makes the batch atomic.
  if (context.sqlite.inTransaction) return write();
  return context.sqlite.transaction(write).immediate();
}

/**
 * The month totals the reports read (ledger_period_totals, migration 0008): debits, credits and
 * posting count per (period, account, entry type); a reversal counts as the type of the entry it
 * reverses. Written here with the postings, one row per account of the entry (0014 dropped the
 * trigger that did it per posting); `verify` recomputes them from the postings.
 */
function addToPeriodTotals(
  statements: Statements,
  buffer: PeriodTotalsBuffer | undefined,
  period: string,
  spec: EntrySpec,
  postings: readonly { accountCode: string; debitFen: number; creditFen: number }[],
): void {
  const reversed = spec.reversesEntryId == null ? undefined : (statements.entryTypeOf.get(spec.reversesEntryId) as { entry_type: string } | undefined);
  const entryType = reversed?.entry_type ?? spec.entryType;
  const byAccount = new Map<string, { debitFen: number; creditFen: number; count: number }>();
  for (const posting of postings) {
    const sums = byAccount.get(posting.accountCode) ?? { debitFen: 0, creditFen: 0, count: 0 };
    sums.debitFen += posting.debitFen;
    sums.creditFen += posting.creditFen;
    sums.count += 1;
    byAccount.set(posting.accountCode, sums);
  }
  for (const [accountCode, sums] of byAccount) {
    if (buffer !== undefined) buffer.add(period, accountCode, entryType, sums.debitFen, sums.creditFen, sums.count);
    else statements.addPeriodTotals.run(period, accountCode, entryType, sums.debitFen, sums.creditFen, sums.count);
  }
}

function cachedSequences(sqlite: SqliteDatabase, newestEntryId: number): Map<string, number> {
  const cache = sequenceCache.get(sqlite);
  return cache && cache.lastEntryId === newestEntryId ? cache.sequenceByPeriod : new Map();
}

function nextSequence(sqlite: SqliteDatabase, statements: Statements, period: string, newestEntryId: number): number {
  let last = cachedSequences(sqlite, newestEntryId).get(period);
  if (last === undefined) {
    const prefix = formatEntryNo(period, 0).slice(0, -6);
    const row = statements.lastNoInPeriod.get(prefix, `${prefix}999999~`) as { entry_no: string } | undefined;
    last = row ? Number(row.entry_no.slice(-6)) : 0;
  }
  if (last + 1 > 999_999) throw new LedgerInvariantError(`entry numbers for ${period} are exhausted`);
  return last + 1;
}
