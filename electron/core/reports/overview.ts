import type { SqliteDatabase } from '../../../db/open';
import { allAccounts, chartOfAccounts as accounts } from '../ledger/accounts';
import { fen, type Fen } from '../money';
import { discrepancySummary, type DiscrepancySummary } from './discrepancies';
import { gmvCrossCheckForMonth, type GmvCrossCheck } from './gmv';
import { netCreditFen, netDebitFen, type AccountMovement } from './movements';
import { monthPeriod, monthsEndingWith } from './period';
import { nextMonth } from '../calendar/shanghai';
import { netCreditBeforeMonth, periodTotals } from './totals';

/**
 * The monthly overview, read from the ledger only (plus the mall's daily summaries for the GMV
 * cross-check and the reconciliation's table for discrepancies). A month is the entries whose
 * period (the Asia/Shanghai month of their business time) is that month.
 *
 * Definitions (all amounts integer fen):
 * - revenue: 6001 credits - debits.               - returns: 6002 debits - credits.
 * - refundsPaid: 2205 debits - credits in refund_succeeded entries (money handed back, any tender).
 * - channelFees: 6601 net debit.                   - pointsCost: 6603 net debit.
 * - commissionExpense: 6602 net debit (accruals less clawbacks): the P&L cost.
 * - commissionPayouts: commission paid out of commission payable (2204 net debit) by settlement
 *   runs (commission_payout) and by distributors' withdrawals of commission (withdrawal_approved).
 * - storedValueBonus 6604, otherIncome 6051 (withdrawal fees), costOfGoods 6401: net of their side.
 * - netProfit: every income account's net credit - every contra-income and expense account's
 *   net debit, over the whole chart (so a new expense account cannot be forgotten).
 * Reversals count as the type of the entry they reverse.
 */

export interface StoredValueMovement {
  /** 2202 balance at the start of the month (everything the mall owed on stored-value cards). */
  openingFen: Fen;
  /** Paid top-ups (2202 credits in topup entries, bonus excluded). */
  topUpsFen: Fen;
  /** Bonus credited with top-ups (6604 in topup entries). */
  bonusFen: Fen;
  /** Spent on orders (2202 debits in order_payment entries). */
  consumptionFen: Fen;
  /** Returned to cards by refunds (2202 credits in refund_succeeded entries). */
  refundedFen: Fen;
  /** Top-ups refunded (2202 debits in topup_refund entries). */
  topUpRefundsFen: Fen;
  /** Everything else (opening balances, adjustments): closing - opening - the lines above. */
  otherFen: Fen;
  closingFen: Fen;
}

export interface WithdrawalFigures {
  /** Gross amount approved (2203 / 2204 debits in withdrawal_approved entries). */
  approvedFen: Fen;
  /** Fees kept (6051 credits in withdrawal_approved entries). */
  feesFen: Fen;
  /** Paid to members (2206 debits in withdrawal_paid entries). */
  paidFen: Fen;
}

export interface AccountMonthMovement {
  accountCode: string;
  accountName: string;
  accountNameZh: string;
  debitFen: Fen;
  creditFen: Fen;
}

export interface MonthlyOverview {
  month: string;
  from: string;
  to: string;
  revenueFen: Fen;
  returnsFen: Fen;
  refundsPaidFen: Fen;
  channelFeesFen: Fen;
  commissionExpenseFen: Fen;
  commissionPayoutsFen: Fen;
  pointsCostFen: Fen;
  storedValueBonusFen: Fen;
  otherIncomeFen: Fen;
  costOfGoodsFen: Fen;
  incomeFen: Fen;
  contraIncomeFen: Fen;
  expensesFen: Fen;
  netProfitFen: Fen;
  storedValue: StoredValueMovement;
  withdrawals: WithdrawalFigures;
  /** The six months ending with this one, oldest first. */
  netProfitSeries: { month: string; netProfitFen: Fen }[];
  gmv: GmvCrossCheck;
  discrepancies: DiscrepancySummary;
  /** The month's debits and credits per account: what the figures above are read from. */
  accountMovements: AccountMonthMovement[];
}

export interface ReportWorkspace {
  sqlite: SqliteDatabase;
}

const NET_PROFIT_MONTHS = 6;

export function monthlyOverview(workspace: ReportWorkspace, month: string): MonthlyOverview {
  const period = monthPeriod(month);
  const months = monthsEndingWith(month, NET_PROFIT_MONTHS);
  const sqlite = workspace.sqlite;
  // The six months' totals (a few hundred rows, kept by postEntry); the rest is arithmetic on them.
  const allMovements = periodTotals(sqlite, months[0], month);
  const movements = allMovements.filter((movement) => movement.period === month);
  const profit = profitOf(movements);
  const storedValueOpeningFen = fen(netCreditBeforeMonth(sqlite, accounts.memberStoredValue.code, month));
  return {
    month,
    from: period.from,
    to: period.to,
    revenueFen: netCreditFen(movements, { accountCode: accounts.salesRevenue.code }),
    returnsFen: netDebitFen(movements, { accountCode: accounts.salesReturns.code }),
    refundsPaidFen: netDebitFen(movements, { accountCode: accounts.refundsPayable.code, entryTypes: ['refund_succeeded'] }),
    channelFeesFen: netDebitFen(movements, { accountCode: accounts.channelFees.code }),
    commissionExpenseFen: netDebitFen(movements, { accountCode: accounts.commissionExpense.code }),
    commissionPayoutsFen: netDebitFen(movements, {
      accountCode: accounts.commissionPayable.code,
      entryTypes: ['commission_payout', 'withdrawal_approved'],
    }),
    pointsCostFen: netDebitFen(movements, { accountCode: accounts.pointsExpense.code }),
    storedValueBonusFen: netDebitFen(movements, { accountCode: accounts.storedValueBonus.code }),
    otherIncomeFen: netCreditFen(movements, { accountCode: accounts.otherIncome.code }),
    costOfGoodsFen: netDebitFen(movements, { accountCode: accounts.costOfGoodsSold.code }),
    ...profit,
    storedValue: storedValueMovement(movements, storedValueOpeningFen),
    withdrawals: {
      approvedFen: fen(
        netDebitFen(movements, { accountCode: accounts.memberBalance.code, entryTypes: ['withdrawal_approved'] }) +
          netDebitFen(movements, { accountCode: accounts.commissionPayable.code, entryTypes: ['withdrawal_approved'] }),
      ),
      feesFen: netCreditFen(movements, { accountCode: accounts.otherIncome.code, entryTypes: ['withdrawal_approved'] }),
      paidFen: netDebitFen(movements, { accountCode: accounts.payoutsInTransit.code, entryTypes: ['withdrawal_paid'] }),
    },
    netProfitSeries: months.map((seriesMonth) => ({
      month: seriesMonth,
      netProfitFen: profitOf(allMovements.filter((movement) => movement.period === seriesMonth)).netProfitFen,
    })),
    gmv: gmvCrossCheckForMonth(sqlite, month),
    discrepancies: discrepancySummary(sqlite, `${month}-01`, `${nextMonth(month)}-01`),
    accountMovements: accountMonthMovements(movements),
  };
}

function profitOf(movements: readonly AccountMovement[]): Pick<MonthlyOverview, 'incomeFen' | 'contraIncomeFen' | 'expensesFen' | 'netProfitFen'> {
  let income = 0;
  let contraIncome = 0;
  let expenses = 0;
  for (const account of allAccounts) {
    if (account.kind === 'income') income += netCreditFen(movements, { accountCode: account.code });
    else if (account.kind === 'contra_income') contraIncome += netDebitFen(movements, { accountCode: account.code });
    else if (account.kind === 'expense') expenses += netDebitFen(movements, { accountCode: account.code });
  }
  return {
    incomeFen: fen(income),
    contraIncomeFen: fen(contraIncome),
    expensesFen: fen(expenses),
    netProfitFen: fen(income - contraIncome - expenses),
  };
}

function storedValueMovement(movements: readonly AccountMovement[], openingFen: Fen): StoredValueMovement {
  const storedValue = accounts.memberStoredValue.code;
  const creditedByTopups = netCreditFen(movements, { accountCode: storedValue, entryTypes: ['topup'] });
  const bonusFen = netDebitFen(movements, { accountCode: accounts.storedValueBonus.code, entryTypes: ['topup'] });
  const topUpsFen = fen(creditedByTopups - bonusFen);
  const consumptionFen = netDebitFen(movements, { accountCode: storedValue, entryTypes: ['order_payment'] });
  const refundedFen = netCreditFen(movements, { accountCode: storedValue, entryTypes: ['refund_succeeded'] });
  const topUpRefundsFen = netDebitFen(movements, { accountCode: storedValue, entryTypes: ['topup_refund'] });
  const movementFen = netCreditFen(movements, { accountCode: storedValue });
  const closingFen = fen(openingFen + movementFen);
  const namedFen = topUpsFen + bonusFen - consumptionFen + refundedFen - topUpRefundsFen;
  return {
    openingFen,
    topUpsFen,
    bonusFen,
    consumptionFen,
    refundedFen,
    topUpRefundsFen,
    otherFen: fen(movementFen - namedFen),
    closingFen,
  };
}

function accountMonthMovements(movements: readonly AccountMovement[]): AccountMonthMovement[] {
  return allAccounts.map((account) => {
    let debit = 0;
    let credit = 0;
    for (const movement of movements) {
      if (movement.accountCode !== account.code) continue;
      debit += movement.debitFen;
      credit += movement.creditFen;
    }
    return { accountCode: account.code, accountName: account.name, accountNameZh: account.nameZh, debitFen: fen(debit), creditFen: fen(credit) };
  });
}
