import { afterEach, describe, expect, it } from 'vitest';
import { createTempWorkspace, type TempWorkspace } from '../../../test/support/temp-workspace';
import { allAccounts } from '../ledger/accounts';
import { trialBalance } from '../ledger/queries';
import { PeriodTotalsBuffer, postEntry } from '../ledger/post';
import { reverseEntry } from '../ledger/reverse';
import { fen } from '../money';
import { LedgerdeskError } from '../errors';
import { movementsByPeriod, type AccountMovement } from './movements';
import { monthlyOverview } from './overview';
import { periodTotals, periodTotalsCheck } from './totals';
import { overviewToJson } from './overview-json';
import { monthPeriod } from './period';
import { expectedOctober, insertMallSummariesForOctober, insertReconciliationResults, postReportTestLedger, REPORT_TEST_MONTH } from './test-ledger';

let temp: TempWorkspace | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function workspaceWithLedger(): TempWorkspace {
  temp = createTempWorkspace();
  postReportTestLedger(temp.workspace.postingContext('admin'));
  return temp;
}

describe('monthlyOverview on a hand-computed ledger', () => {
  it('gives the hand-computed figures', () => {
    const { workspace } = workspaceWithLedger();
    const overview = monthlyOverview(workspace, REPORT_TEST_MONTH);
    const { booksGmvByDay, booksGmvFen, mallGmvFen, refundRowCount, payoutRowCount, ...figures } = expectedOctober;
    void mallGmvFen;
    void refundRowCount;
    void payoutRowCount;
    expect(overview).toMatchObject(figures);
    expect(overview.gmv.booksGmvFen).toBe(booksGmvFen);
    const nonZeroDays = Object.fromEntries(overview.gmv.days.filter((day) => day.booksGmvFen !== 0).map((day) => [day.date, day.booksGmvFen]));
    expect(nonZeroDays).toEqual(booksGmvByDay);
    // No summaries fetched: the mall's GMV is unknown, not zero.
    expect(overview.gmv.mallGmvFen).toBeNull();
    expect(overview.gmv.matches).toBe(false);
    expect(overview.discrepancies).toEqual({ available: false, note: 'reconciliation not run' });
  });

  it('ties to the trial balance: the month movement of every account equals the figures', () => {
    const { workspace } = workspaceWithLedger();
    const overview = monthlyOverview(workspace, REPORT_TEST_MONTH);
    const period = monthPeriod(REPORT_TEST_MONTH);
    const before = new Map(trialBalance(workspace.sqlite, period.from).lines.map((line) => [line.accountCode, line]));
    const after = new Map(trialBalance(workspace.sqlite, period.to).lines.map((line) => [line.accountCode, line]));
    const movementOf = (code: string) => ({
      debit: after.get(code)!.debitFen - before.get(code)!.debitFen,
      credit: after.get(code)!.creditFen - before.get(code)!.creditFen,
    });
    for (const line of overview.accountMovements) {
      const movement = movementOf(line.accountCode);
      expect({ code: line.accountCode, debit: line.debitFen, credit: line.creditFen }).toEqual({ code: line.accountCode, ...movement });
    }
    const netCredit = (code: string) => movementOf(code).credit - movementOf(code).debit;
    const netDebit = (code: string) => -netCredit(code);
    expect(overview.revenueFen).toBe(netCredit('6001'));
    expect(overview.returnsFen).toBe(netDebit('6002'));
    expect(overview.otherIncomeFen).toBe(netCredit('6051'));
    expect(overview.costOfGoodsFen).toBe(netDebit('6401'));
    expect(overview.channelFeesFen).toBe(netDebit('6601'));
    expect(overview.commissionExpenseFen).toBe(netDebit('6602'));
    expect(overview.pointsCostFen).toBe(netDebit('6603'));
    expect(overview.storedValueBonusFen).toBe(netDebit('6604'));
    const profitFromTrialBalance = allAccounts.reduce((sum, account) => {
      if (account.kind === 'income') return sum + netCredit(account.code);
      if (account.kind === 'expense' || account.kind === 'contra_income') return sum - netDebit(account.code);
      return sum;
    }, 0);
    expect(overview.netProfitFen).toBe(profitFromTrialBalance);
    // Stored value closes where the trial balance says 2202 stands at the month end.
    expect(overview.storedValue.closingFen).toBe(after.get('2202')!.balanceFen);
    expect(overview.storedValue.openingFen).toBe(before.get('2202')!.balanceFen);
  });

  it('puts a refund paid at 00:10 on 1 November (31 October in UTC) into November', () => {
    const { workspace } = workspaceWithLedger();
    const november = monthlyOverview(workspace, '2026-11');
    expect(november.refundsPaidFen).toBe(1000);
    expect(november.revenueFen).toBe(0);
    expect(november.storedValue.openingFen).toBe(expectedOctober.storedValue.closingFen);
    expect(november.netProfitSeries.map((point) => point.netProfitFen)).toEqual([0, 0, 2980, 9950, -403, 0]);
  });

  it('cross-checks GMV per day against the mall summaries and names the day that differs', () => {
    const { workspace } = workspaceWithLedger();
    insertMallSummariesForOctober(workspace.sqlite, '2026-11-01T00:00:00.000Z');
    const gmv = monthlyOverview(workspace, REPORT_TEST_MONTH).gmv;
    expect(gmv.mallGmvFen).toBe(expectedOctober.mallGmvFen);
    expect(gmv.differenceFen).toBe(-100);
    expect(gmv.daysWithSummary).toBe(31);
    expect(gmv.days.filter((day) => day.differenceFen !== 0)).toEqual([{ date: '2026-10-07', booksGmvFen: 7000, mallGmvFen: 7100, differenceFen: -100 }]);
    expect(gmv.matches).toBe(false);
  });

  it('reports an empty month as zeros, and a malformed month as invalid input', () => {
    temp = createTempWorkspace();
    const overview = monthlyOverview(temp.workspace, '2026-10');
    expect(overview.netProfitFen).toBe(0);
    expect(overview.gmv.booksGmvFen).toBe(0);
    expect(overview.netProfitSeries).toHaveLength(6);
    for (const bad of ['2026-13', '2026-1', '202610', '']) {
      expect(() => monthlyOverview(temp!.workspace, bad)).toThrow(LedgerdeskError);
    }
  });

  it('shapes JSON amounts as decimal strings', () => {
    const { workspace } = workspaceWithLedger();
    insertMallSummariesForOctober(workspace.sqlite, '2026-11-01T00:00:00.000Z');
    const json = overviewToJson(monthlyOverview(workspace, REPORT_TEST_MONTH));
    expect(json).toMatchObject({
      month: '2026-10',
      revenue: '130.00',
      returns: '10.00',
      refunds: '70.00',
      channel_fees: '0.73',
      commission_payouts: '29.90',
      points_cost: '5.00',
      net_profit: '-4.03',
      gmv: '211.00',
      books_gmv: '210.00',
      gmv_difference: '-1.00',
    });
  });
});

describe('discrepancy summary', () => {
  it('reads the reconciliation results once reconciliation has run', () => {
    const { workspace } = workspaceWithLedger();
    insertReconciliationResults(workspace.sqlite, [
      { category: 'amount_mismatch', status: 'open', orderNo: 'SO1', differenceFen: -300, channelAmountFen: 9700, businessDate: '2026-10-03' },
      { category: 'missing_in_mall', status: 'open', orderNo: 'SO2', differenceFen: 500, channelAmountFen: 500, businessDate: '2026-10-04' },
      { category: 'amount_mismatch', status: 'resolved', orderNo: 'SO3', differenceFen: 200, channelAmountFen: 1200, businessDate: '2026-10-05' },
      { category: null, status: 'matched', orderNo: 'SO5', differenceFen: 0, channelAmountFen: 88600, businessDate: '2026-10-06' },
      { category: 'amount_mismatch', status: 'open', orderNo: 'SO4', differenceFen: 900, channelAmountFen: 900, businessDate: '2026-11-01' },
    ]);
    const summary = monthlyOverview(workspace, REPORT_TEST_MONTH).discrepancies;
    expect(summary).toEqual({
      available: true,
      openCount: 2,
      resolvedCount: 1,
      openDifferenceFen: 800,
      // 800 open / 100,000 of channel payments.
      discrepancyRate: '0.008',
      // In the fixed order of the category vocabulary.
      byCategory: [
        { category: 'missing_in_mall', openCount: 1 },
        { category: 'amount_mismatch', openCount: 1 },
      ],
    });
  });
});

describe('ledger_period_totals', () => {
  it('equal the postings aggregated directly, reversals counted as the type they reverse', () => {
    const { workspace } = workspaceWithLedger();
    const sortKey = (movement: AccountMovement) => `${movement.period}|${movement.accountCode}|${movement.entryType}`;
    const fromTotals = periodTotals(workspace.sqlite, '2026-01', '2026-12').sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const fromPostings = movementsByPeriod(workspace.sqlite, '2026-01', '2026-12').sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(fromTotals).toEqual(fromPostings);
    expect(fromTotals.some((movement) => movement.entryType === 'reversal')).toBe(false);
    expect(periodTotalsCheck(workspace.sqlite)).toEqual([expect.objectContaining({ name: 'report_totals', ok: true })]);
  });

  it('postEntry keeps them: an account twice in one entry counts two postings; a reversal adds to the reversed entry\'s type', () => {
    temp = createTempWorkspace();
    const context = temp.workspace.postingContext('admin');
    const source = { resource: 'orders', id: 'o-twice', no: 'SO-TWICE', version: 1 };
    const posted = postEntry(context, {
      entryType: 'order_payment',
      occurredAt: '2026-10-05T10:00:00+08:00',
      source,
      postings: [
        { accountCode: '1121', partyId: null, debitFen: fen(700), creditFen: fen(0) },
        { accountCode: '2202', partyId: 'm1', debitFen: fen(200), creditFen: fen(0) },
        { accountCode: '2202', partyId: 'm2', debitFen: fen(100), creditFen: fen(0) },
        { accountCode: '2201', partyId: 'm1', debitFen: fen(0), creditFen: fen(1000) },
      ],
    });
    reverseEntry(context, posted.id, { occurredAt: '2026-11-02T10:00:00+08:00', memo: 'wrong order' });
    const totals = temp.workspace.sqlite
      .prepare(`SELECT period, account_code AS account, entry_type AS type, debit_fen AS debit, credit_fen AS credit, posting_count AS n FROM ledger_period_totals WHERE account_code = '2202' ORDER BY period`)
      .all();
    expect(totals).toEqual([
      { period: '2026-10', account: '2202', type: 'order_payment', debit: 300, credit: 0, n: 2 },
      { period: '2026-11', account: '2202', type: 'order_payment', debit: 0, credit: 300, n: 2 },
    ]);
    expect(periodTotalsCheck(temp.workspace.sqlite)[0].ok).toBe(true);
  });

  it('summed in a buffer for a batch of entries and flushed once: the same totals as one write per entry', () => {
    const { workspace: direct } = workspaceWithLedger();
    const expected = direct.sqlite.prepare(`SELECT * FROM ledger_period_totals ORDER BY period, account_code, entry_type`).all();
    const directTemp = temp;
    temp = createTempWorkspace();
    try {
      const buffer = new PeriodTotalsBuffer();
      const sqlite = temp.workspace.sqlite;
      sqlite.transaction(() => {
        postReportTestLedger({ ...temp!.workspace.postingContext('admin'), periodTotals: buffer });
        // Nothing is written before the flush, then everything at once.
        expect(sqlite.prepare(`SELECT count(*) AS n FROM ledger_period_totals`).get()).toEqual({ n: 0 });
        buffer.flush(sqlite);
      })();
      expect(sqlite.prepare(`SELECT * FROM ledger_period_totals ORDER BY period, account_code, entry_type`).all()).toEqual(expected);
      expect(periodTotalsCheck(sqlite)[0].ok).toBe(true);
      // A second flush of the emptied buffer adds nothing.
      buffer.flush(sqlite);
      expect(sqlite.prepare(`SELECT * FROM ledger_period_totals ORDER BY period, account_code, entry_type`).all()).toEqual(expected);
    } finally {
      directTemp?.cleanup();
    }
  });

  it('a tampered total is caught by the verify check', () => {
    const { workspace } = workspaceWithLedger();
    workspace.sqlite.prepare(`UPDATE ledger_period_totals SET credit_fen = credit_fen + 1 WHERE period = '2026-10' AND account_code = '6001'`).run();
    expect(periodTotalsCheck(workspace.sqlite)).toEqual([
      { name: 'report_totals', ok: false, detail: expect.stringContaining('2026-10 account 6001') },
    ]);
    workspace.sqlite.prepare(`DELETE FROM ledger_period_totals WHERE period = '2026-08'`).run();
    expect(periodTotalsCheck(workspace.sqlite)[0].ok).toBe(false);
  });
});
