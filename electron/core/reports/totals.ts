import type { SqliteDatabase } from '../../../db/open';
import { fen } from '../money';
import type { VerifyCheck } from '../workspace/verify';
import type { AccountMovement } from './movements';

/**
 * ledger_period_totals (migration 0008) holds debits and credits per (period, account, entry
 * type), added to by postEntry with each entry's postings; a reversal counts as the type it reverses.
 * Reading it is O(accounts x types x months) whatever the ledger's size: the monthly overview
 * over millions of postings reads a few hundred rows. Aggregating the postings directly costs a
 * sort of every posting (SQLite has no hash aggregate): seconds per million.
 */
export const PERIOD_TOTALS_TABLE = 'ledger_period_totals';

interface TotalsRow {
  period: string;
  account: string;
  type: string;
  debit: number;
  credit: number;
}

/** Movements for the months firstMonth..lastMonth inclusive, from the totals table. */
export function periodTotals(sqlite: SqliteDatabase, firstMonth: string, lastMonth: string): AccountMovement[] {
  const rows = sqlite
    .prepare(
      `SELECT period, account_code AS account, entry_type AS type, debit_fen AS debit, credit_fen AS credit
       FROM ${PERIOD_TOTALS_TABLE} WHERE period >= ? AND period <= ?`,
    )
    .all(firstMonth, lastMonth) as TotalsRow[];
  return rows.map((row) => ({ period: row.period, accountCode: row.account, entryType: row.type, debitFen: fen(row.debit), creditFen: fen(row.credit) }));
}

/** One account's credits minus debits over every period before `month` (its opening, credit side). */
export function netCreditBeforeMonth(sqlite: SqliteDatabase, accountCode: string, month: string): number {
  const row = sqlite
    .prepare(`SELECT coalesce(sum(credit_fen - debit_fen), 0) AS net FROM ${PERIOD_TOTALS_TABLE} WHERE account_code = ? AND period < ?`)
    .get(accountCode, month) as { net: number };
  return row.net;
}

/**
 * `verify` check: the totals equal the postings they summarise. A difference means the table
 * was edited or a posting was written past postEntry; the reports would then be wrong.
 */
export function periodTotalsCheck(sqlite: SqliteDatabase): VerifyCheck[] {
  const exists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(PERIOD_TOTALS_TABLE);
  if (!exists) return [];
  const mismatch = sqlite
    .prepare(
      `WITH actual AS (
         SELECT e.period AS period, p.account_code AS account, coalesce(original.entry_type, e.entry_type) AS type,
                sum(p.debit_fen) AS debit, sum(p.credit_fen) AS credit, count(*) AS n
         FROM postings p JOIN journal_entries e ON e.id = p.entry_id
         LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id
         GROUP BY 1, 2, 3)
       SELECT a.period, a.account, a.type FROM actual a
       LEFT JOIN ${PERIOD_TOTALS_TABLE} t ON t.period = a.period AND t.account_code = a.account AND t.entry_type = a.type
       WHERE t.period IS NULL OR t.debit_fen != a.debit OR t.credit_fen != a.credit OR t.posting_count != a.n
       UNION ALL
       SELECT t.period, t.account_code, t.entry_type FROM ${PERIOD_TOTALS_TABLE} t
       LEFT JOIN actual a ON t.period = a.period AND t.account_code = a.account AND t.entry_type = a.type
       WHERE a.period IS NULL
       LIMIT 1`,
    )
    .get() as { period: string; account: string; type: string } | undefined;
  return [
    mismatch
      ? {
          name: 'report_totals',
          ok: false,
          detail: `report totals differ from the postings for ${mismatch.period} account ${mismatch.account} (${mismatch.type})`,
        }
      : { name: 'report_totals', ok: true, detail: 'the month totals the reports read equal the postings' },
  ];
}
