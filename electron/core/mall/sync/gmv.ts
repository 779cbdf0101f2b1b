import type { SqliteDatabase } from '../../../../db/open';
import { addDays, isCalendarDate } from '../../calendar/shanghai';
import { LedgerdeskError } from '../../errors';
import { chartOfAccounts } from '../../ledger/accounts';
import { fen, subtractFen, type Fen } from '../../money';

export interface GmvDay {
  date: string;
  /** Order payments + points deductions booked for orders paid that date (= goods + shipping - coupon). */
  booksGmvFen: Fen;
  /** The mall's daily summary gmv; null when no summary was synced for the date. */
  mallGmvFen: Fen | null;
  /** books - mall; null when the mall's figure is missing. */
  differenceFen: Fen | null;
}

export interface GmvCrossCheck {
  from: string;
  to: string;
  days: GmvDay[];
  /** The dates whose difference is not zero, or whose mall figure is missing. */
  differences: GmvDay[];
  /** Sum of |difference| over the dates (missing summaries count as the whole books figure). */
  absoluteDifferenceFen: Fen;
  ok: boolean;
}

/**
 * Per Asia/Shanghai date in [from, to], the books' GMV against the mall's daily-summary GMV.
 * Books GMV is read from the ledger, not from the documents: the net credit to customer
 * advances (2201) of order-payment and points-deduction entries (and their reversals),
 * attributed to the order's paid date. A rejected or unbooked order therefore shows up here.
 */
export function gmvCrossCheck(sqlite: SqliteDatabase, from: string, to: string): GmvCrossCheck {
  if (!isCalendarDate(from) || !isCalendarDate(to)) throw new LedgerdeskError('invalid_input', `GMV cross-check needs YYYY-MM-DD dates, got ${from} .. ${to}`);
  if (to < from) throw new LedgerdeskError('invalid_input', `GMV cross-check: ${from} is after ${to}`);
  const booksRows = sqlite
    .prepare(
      // CROSS JOIN fixes the join order (documents -> their entries -> postings): the planner
      // otherwise scans every 2201 posting per order.
      `SELECT d.business_date AS date, sum(p.credit_fen) - sum(p.debit_fen) AS gmv
       FROM mall_documents d
       CROSS JOIN journal_entries e ON e.source_resource = 'orders' AND e.source_id = d.id
       CROSS JOIN postings p ON p.entry_id = e.id AND +p.account_code = ?
       LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id
       WHERE d.resource = 'orders' AND d.business_date >= ? AND d.business_date <= ?
         AND (e.entry_type IN ('order_payment', 'points_deduction')
              OR (e.entry_type = 'reversal' AND original.entry_type IN ('order_payment', 'points_deduction')))
       GROUP BY d.business_date`,
    )
    .all(chartOfAccounts.customerAdvances.code, from, to) as { date: string; gmv: number }[];
  const books = new Map(booksRows.map((row) => [row.date, fen(row.gmv)]));
  const mallRows = sqlite.prepare(`SELECT date, gmv_fen FROM mall_daily_summaries WHERE date >= ? AND date <= ?`).all(from, to) as { date: string; gmv_fen: number }[];
  const mall = new Map(mallRows.map((row) => [row.date, fen(row.gmv_fen)]));
  const days: GmvDay[] = [];
  let absoluteDifference = 0;
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const booksGmvFen = books.get(date) ?? fen(0);
    const mallGmvFen = mall.get(date) ?? null;
    const differenceFen = mallGmvFen === null ? null : subtractFen(booksGmvFen, mallGmvFen);
    absoluteDifference += Math.abs(differenceFen ?? booksGmvFen);
    days.push({ date, booksGmvFen, mallGmvFen, differenceFen });
  }
  const differences = days.filter((day) => day.differenceFen === null || day.differenceFen !== 0);
  return { from, to, days, differences, absoluteDifferenceFen: fen(absoluteDifference), ok: differences.length === 0 };
}
