import type { SqliteDatabase } from '../../../db/open';
import { chartOfAccounts } from '../ledger/accounts';
import { fen, type Fen } from '../money';
import { tableExists } from './movements';
import { datesOfMonth } from './period';

/**
 * GMV cross-check. The mall defines a day's GMV as the sum over orders paid that day of
 * goods + shipping - coupon; by the mall's order identity that equals paid + stored value +
 * balance + points deduction, i.e. exactly what the books credit to customer advances (2201)
 * in the order's payment and points-deduction entries. A reversal of such an entry (a new
 * version of the order) counts on the day of the payment it corrects, wherever it was posted.
 */
export interface GmvDay {
  date: string;
  booksGmvFen: Fen;
  /** The mall's daily summary; null when it has not been fetched for that day. */
  mallGmvFen: Fen | null;
  /** books - mall; null when the mall's figure is missing. */
  differenceFen: Fen | null;
}

export interface GmvCrossCheck {
  days: GmvDay[];
  booksGmvFen: Fen;
  /** Sum of the mall's figures; null when no day of the month has a summary. */
  mallGmvFen: Fen | null;
  differenceFen: Fen | null;
  daysWithSummary: number;
  daysWithDifference: number;
  /** Every day has a summary and none differs: the close condition of DESIGN.md section 6. */
  matches: boolean;
}

const GMV_ENTRY_TYPES = `('order_payment', 'points_deduction')`;
const MALL_DAILY_SUMMARIES = 'mall_daily_summaries';

export function booksGmvByDay(sqlite: SqliteDatabase, month: string): Map<string, Fen> {
  const advances = chartOfAccounts.customerAdvances.code;
  const direct = sqlite
    .prepare(
      `SELECT date(e.occurred_at, '+8 hours') AS day, sum(p.credit_fen - p.debit_fen) AS amount
       FROM journal_entries e JOIN postings p ON p.entry_id = e.id
       WHERE e.period = ? AND e.entry_type IN ${GMV_ENTRY_TYPES} AND p.account_code = ?
       GROUP BY day`,
    )
    .all(month, advances) as { day: string; amount: number }[];
  const corrections = sqlite
    .prepare(
      `SELECT date(original.occurred_at, '+8 hours') AS day, sum(p.credit_fen - p.debit_fen) AS amount
       FROM journal_entries original
       JOIN journal_entries e ON e.reverses_entry_id = original.id
       JOIN postings p ON p.entry_id = e.id
       WHERE original.period = ? AND original.entry_type IN ${GMV_ENTRY_TYPES} AND p.account_code = ?
       GROUP BY day`,
    )
    .all(month, advances) as { day: string; amount: number }[];
  const byDay = new Map<string, Fen>();
  for (const row of [...direct, ...corrections]) {
    // period = month guarantees it; a day outside would be a broken period column.
    if (!row.day.startsWith(month)) throw new Error(`GMV day ${row.day} outside ${month}`);
    byDay.set(row.day, fen((byDay.get(row.day) ?? 0) + row.amount));
  }
  return byDay;
}

export function mallGmvByDay(sqlite: SqliteDatabase, month: string): Map<string, Fen> {
  if (!tableExists(sqlite, MALL_DAILY_SUMMARIES)) return new Map();
  const rows = sqlite
    .prepare(`SELECT date, gmv_fen AS gmv FROM ${MALL_DAILY_SUMMARIES} WHERE date >= ? AND date < ?`)
    .all(`${month}-01`, `${month}-32`) as { date: string; gmv: number }[];
  return new Map(rows.map((row) => [row.date, fen(row.gmv)]));
}

export function gmvCrossCheckForMonth(sqlite: SqliteDatabase, month: string): GmvCrossCheck {
  const books = booksGmvByDay(sqlite, month);
  const mall = mallGmvByDay(sqlite, month);
  let booksTotal = 0;
  let mallTotal = 0;
  let daysWithSummary = 0;
  let daysWithDifference = 0;
  const days = datesOfMonth(month).map((date): GmvDay => {
    const booksGmvFen = books.get(date) ?? fen(0);
    const mallGmvFen = mall.get(date) ?? null;
    booksTotal += booksGmvFen;
    let differenceFen: Fen | null = null;
    if (mallGmvFen !== null) {
      daysWithSummary += 1;
      mallTotal += mallGmvFen;
      differenceFen = fen(booksGmvFen - mallGmvFen);
      if (differenceFen !== 0) daysWithDifference += 1;
    }
    return { date, booksGmvFen, mallGmvFen, differenceFen };
  });
  const mallGmvFen = daysWithSummary === 0 ? null : fen(mallTotal);
  return {
    days,
    booksGmvFen: fen(booksTotal),
    mallGmvFen,
    differenceFen: mallGmvFen === null ? null : fen(booksTotal - mallGmvFen),
    daysWithSummary,
    daysWithDifference,
    matches: daysWithSummary === days.length && daysWithDifference === 0,
  };
}
