import type { SqliteDatabase } from '../../../db/open';
import { nextMonth, addDays } from '../calendar/shanghai';
import { gmvCrossCheck, type GmvDay } from '../mall/sync/gmv';
import { fen, type Fen } from '../money';

export type { GmvDay } from '../mall/sync/gmv';

/**
 * The month's GMV cross-check, from the same function the month-end close uses
 * (mall/sync gmvCrossCheck: books GMV per paid date from the ledger vs the mall's daily
 * summaries), so the report and the close gate never disagree. Totals are added here.
 */
export interface GmvCrossCheck {
  days: GmvDay[];
  booksGmvFen: Fen;
  /** Sum of the mall's figures; null when no day of the month has a summary. */
  mallGmvFen: Fen | null;
  /** books - mall over the days that have a summary; null when none has. */
  differenceFen: Fen | null;
  daysWithSummary: number;
  daysWithDifference: number;
  /** Every day has a summary and none differs: the close condition of DESIGN.md section 6. */
  matches: boolean;
}

export function gmvCrossCheckForMonth(sqlite: SqliteDatabase, month: string): GmvCrossCheck {
  const check = gmvCrossCheck(sqlite, `${month}-01`, addDays(`${nextMonth(month)}-01`, -1));
  let booksTotal = 0;
  let mallTotal = 0;
  let differenceTotal = 0;
  let daysWithSummary = 0;
  let daysWithDifference = 0;
  for (const day of check.days) {
    booksTotal += day.booksGmvFen;
    if (day.mallGmvFen === null) continue;
    daysWithSummary += 1;
    mallTotal += day.mallGmvFen;
    differenceTotal += day.differenceFen ?? 0;
    if (day.differenceFen !== 0) daysWithDifference += 1;
  }
  return {
    days: check.days,
    booksGmvFen: fen(booksTotal),
    mallGmvFen: daysWithSummary === 0 ? null : fen(mallTotal),
    differenceFen: daysWithSummary === 0 ? null : fen(differenceTotal),
    daysWithSummary,
    daysWithDifference,
    matches: check.ok,
  };
}
