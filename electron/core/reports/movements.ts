import type { SqliteDatabase } from '../../../db/open';
import { fen, type Fen } from '../money';

/**
 * The month's movement of every account, split by the entry type that caused it: the one
 * aggregate every overview figure is read from. A reversal counts as the type of the entry it
 * reverses (a reversed refund reduces "refunds paid", it is not a separate kind of money).
 */
export interface AccountMovement {
  period: string;
  accountCode: string;
  /** The entry type, or for a reversal the type of the entry it reverses. */
  entryType: string;
  debitFen: Fen;
  creditFen: Fen;
}

interface MovementRow {
  period: string;
  account: string;
  type: string;
  debit: number;
  credit: number;
}

/**
 * Movements per (period, account, entry type) for the months firstMonth..lastMonth inclusive,
 * aggregated from the postings themselves. The reports read the same figures from
 * ledger_period_totals (./totals, constant time); this is the reference they are tested against.
 */
export function movementsByPeriod(sqlite: SqliteDatabase, firstMonth: string, lastMonth: string): AccountMovement[] {
  const direct = sqlite
    .prepare(
      `SELECT e.period AS period, p.account_code AS account, e.entry_type AS type,
              sum(p.debit_fen) AS debit, sum(p.credit_fen) AS credit
       FROM journal_entries e JOIN postings p ON p.entry_id = e.id
       WHERE e.period >= ? AND e.period <= ?
       GROUP BY e.period, p.account_code, e.entry_type`,
    )
    .all(firstMonth, lastMonth) as MovementRow[];
  // Only reversal entries need their original's type: a second, small query.
  const reversals = sqlite
    .prepare(
      `SELECT e.period AS period, p.account_code AS account, original.entry_type AS type,
              sum(p.debit_fen) AS debit, sum(p.credit_fen) AS credit
       FROM journal_entries e
       JOIN journal_entries original ON original.id = e.reverses_entry_id
       JOIN postings p ON p.entry_id = e.id
       WHERE e.period >= ? AND e.period <= ? AND e.entry_type = 'reversal'
       GROUP BY e.period, p.account_code, original.entry_type`,
    )
    .all(firstMonth, lastMonth) as MovementRow[];
  const merged = new Map<string, AccountMovement>();
  for (const row of [...direct.filter((candidate) => candidate.type !== 'reversal'), ...reversals]) {
    const key = `${row.period}\u0000${row.account}\u0000${row.type}`;
    const existing = merged.get(key);
    if (existing) {
      existing.debitFen = fen(existing.debitFen + row.debit);
      existing.creditFen = fen(existing.creditFen + row.credit);
    } else {
      merged.set(key, { period: row.period, accountCode: row.account, entryType: row.type, debitFen: fen(row.debit), creditFen: fen(row.credit) });
    }
  }
  return [...merged.values()];
}

export interface MovementFilter {
  period?: string;
  accountCode: string;
  /** Only these (effective) entry types; all when absent. */
  entryTypes?: readonly string[];
}

/** The selected movements' debits minus credits (a debit-side figure). */
export function netDebitFen(movements: readonly AccountMovement[], filter: MovementFilter): Fen {
  let total = 0;
  for (const movement of movements) {
    if (!matches(movement, filter)) continue;
    total += movement.debitFen - movement.creditFen;
  }
  return fen(total);
}

/** The selected movements' credits minus debits (a credit-side figure). */
export function netCreditFen(movements: readonly AccountMovement[], filter: MovementFilter): Fen {
  // 0 - x, not -x: a zero figure must not become negative zero.
  return fen(0 - netDebitFen(movements, filter));
}

function matches(movement: AccountMovement, filter: MovementFilter): boolean {
  if (filter.period !== undefined && movement.period !== filter.period) return false;
  if (movement.accountCode !== filter.accountCode) return false;
  return filter.entryTypes === undefined || filter.entryTypes.includes(movement.entryType);
}

/** Whether an optional table (written by a capability that may not have run yet) exists. */
export function tableExists(sqlite: SqliteDatabase, name: string): boolean {
  return sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}
