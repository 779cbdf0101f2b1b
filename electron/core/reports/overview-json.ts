import { formatFenAsYuan, type Fen } from '../money';
import type { MonthlyOverview } from './overview';

/** JSON amounts are decimal strings ("12.34"); null stays null (a figure that is not known). */
function yuan(amount: Fen): string;
function yuan(amount: Fen | null): string | null;
function yuan(amount: Fen | null): string | null {
  return amount === null ? null : formatFenAsYuan(amount);
}

/**
 * The overview as the CLI / IPC JSON of DESIGN.md section 10: `gmv` is the mall's figure (the
 * daily summaries), `books_gmv` the ledger's; `refunds` is refunds paid.
 */
export function overviewToJson(overview: MonthlyOverview): Record<string, unknown> {
  return {
    month: overview.month,
    revenue: yuan(overview.revenueFen),
    returns: yuan(overview.returnsFen),
    refunds: yuan(overview.refundsPaidFen),
    channel_fees: yuan(overview.channelFeesFen),
    commission_payouts: yuan(overview.commissionPayoutsFen),
    commission_expense: yuan(overview.commissionExpenseFen),
    points_cost: yuan(overview.pointsCostFen),
    stored_value_bonus: yuan(overview.storedValueBonusFen),
    other_income: yuan(overview.otherIncomeFen),
    cost_of_goods: yuan(overview.costOfGoodsFen),
    income: yuan(overview.incomeFen),
    contra_income: yuan(overview.contraIncomeFen),
    expenses: yuan(overview.expensesFen),
    net_profit: yuan(overview.netProfitFen),
    gmv: yuan(overview.gmv.mallGmvFen),
    books_gmv: yuan(overview.gmv.booksGmvFen),
    gmv_difference: yuan(overview.gmv.differenceFen),
    gmv_matches: overview.gmv.matches,
    gmv_days: overview.gmv.days.map((day) => ({
      date: day.date,
      books_gmv: yuan(day.booksGmvFen),
      gmv: yuan(day.mallGmvFen),
      difference: yuan(day.differenceFen),
    })),
    stored_value: {
      opening: yuan(overview.storedValue.openingFen),
      top_ups: yuan(overview.storedValue.topUpsFen),
      bonus: yuan(overview.storedValue.bonusFen),
      consumption: yuan(overview.storedValue.consumptionFen),
      refunded: yuan(overview.storedValue.refundedFen),
      top_up_refunds: yuan(overview.storedValue.topUpRefundsFen),
      other: yuan(overview.storedValue.otherFen),
      closing: yuan(overview.storedValue.closingFen),
    },
    withdrawals: {
      approved: yuan(overview.withdrawals.approvedFen),
      fees: yuan(overview.withdrawals.feesFen),
      paid: yuan(overview.withdrawals.paidFen),
    },
    net_profit_series: overview.netProfitSeries.map((point) => ({ month: point.month, net_profit: yuan(point.netProfitFen) })),
    discrepancies: overview.discrepancies.available
      ? {
          available: true,
          open: overview.discrepancies.openCount,
          resolved: overview.discrepancies.resolvedCount,
          open_difference: yuan(overview.discrepancies.openDifferenceFen),
          discrepancy_rate: overview.discrepancies.discrepancyRate,
          by_category: Object.fromEntries(overview.discrepancies.byCategory.map((entry) => [entry.category, entry.openCount])),
        }
      : { available: false, note: overview.discrepancies.note },
  };
}
