import type { SqliteDatabase } from '../../../db/open';
import { addDays } from '../calendar/shanghai';
import { fen, type Fen } from '../money';
import { periodFigures } from '../reconcile/run';
import { tableExists } from './movements';

/**
 * The discrepancy part of the reports reads the reconciliation's results (reconcile/). Until
 * reconciliation has run once, the reports say "reconciliation not run" rather than showing
 * zero discrepancies, which would read as "all clear".
 */
export const RECONCILIATION_NOT_RUN = 'reconciliation not run';

export interface DiscrepancyCategoryCount {
  category: string;
  openCount: number;
}

export type DiscrepancySummary =
  | { available: false; note: typeof RECONCILIATION_NOT_RUN }
  | {
      available: true;
      openCount: number;
      resolvedCount: number;
      /** Sum of |difference| over open discrepancies of the period. */
      openDifferenceFen: Fen;
      /** Open difference / channel payments, as reconciliation states it (e.g. "0.0123%"). */
      discrepancyRate: string;
      byCategory: DiscrepancyCategoryCount[];
    };

export interface DiscrepancyRow {
  id: number;
  category: string;
  status: string;
  channel: string;
  orderNo: string | null;
  refundNo: string | null;
  channelTradeNo: string | null;
  mallAmountFen: Fen | null;
  channelAmountFen: Fen | null;
  /** channel - mall (reconciliation's sign). */
  differenceFen: Fen;
  businessDate: string;
  resolution: string | null;
  resolvedBy: string | null;
}

function reconciliationHasRun(sqlite: SqliteDatabase): boolean {
  if (!tableExists(sqlite, 'reconciliation_runs') || !tableExists(sqlite, 'reconciliation_results')) return false;
  return sqlite.prepare(`SELECT 1 FROM reconciliation_runs LIMIT 1`).get() !== undefined;
}

/** Discrepancies with business dates in [fromDate, toDateExclusive). */
export function discrepancySummary(sqlite: SqliteDatabase, fromDate: string, toDateExclusive: string): DiscrepancySummary {
  if (!reconciliationHasRun(sqlite)) return { available: false, note: RECONCILIATION_NOT_RUN };
  const figures = periodFigures(sqlite, fromDate, addDays(toDateExclusive, -1));
  return {
    available: true,
    openCount: figures.openDiscrepancies,
    resolvedCount: figures.resolvedDiscrepancies,
    openDifferenceFen: figures.openDifferenceFen,
    discrepancyRate: figures.discrepancyRate,
    byCategory: Object.entries(figures.byCategory)
      .filter(([, count]) => count > 0)
      .map(([category, openCount]) => ({ category, openCount })),
  };
}

interface DiscrepancyRaw extends Omit<DiscrepancyRow, 'mallAmountFen' | 'channelAmountFen' | 'differenceFen'> {
  mallAmountFen: number | null;
  channelAmountFen: number | null;
  differenceFen: number;
}

/** Open and resolved discrepancies of a period, streamed; null when reconciliation has not run. */
export function discrepancyRows(sqlite: SqliteDatabase, fromDate: string, toDateExclusive: string): Iterable<DiscrepancyRow> | null {
  if (!reconciliationHasRun(sqlite)) return null;
  const statement = sqlite.prepare(
    `SELECT id, category, status, channel, order_no AS orderNo, refund_no AS refundNo, channel_trade_no AS channelTradeNo,
            mall_amount_fen AS mallAmountFen, channel_amount_fen AS channelAmountFen, difference_fen AS differenceFen,
            business_date AS businessDate, resolution, resolved_by AS resolvedBy
     FROM reconciliation_results
     WHERE category IS NOT NULL AND status IN ('open', 'resolved') AND business_date >= ? AND business_date < ?
     ORDER BY business_date, id`,
  );
  return {
    *[Symbol.iterator]() {
      for (const raw of statement.iterate(fromDate, toDateExclusive) as Iterable<DiscrepancyRaw>) {
        yield {
          ...raw,
          mallAmountFen: raw.mallAmountFen === null ? null : fen(raw.mallAmountFen),
          channelAmountFen: raw.channelAmountFen === null ? null : fen(raw.channelAmountFen),
          differenceFen: fen(raw.differenceFen),
        };
      }
    },
  };
}
