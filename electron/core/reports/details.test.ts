import { afterEach, describe, expect, it } from 'vitest';
import { refreshMallProjection } from '../reconcile/projection';
import { createTempWorkspace, type TempWorkspace } from '../../../test/support/temp-workspace';
import { memberStatement, trialBalance } from '../ledger/queries';
import { balanceChangeCount, balanceChanges, payoutDetailCount, payoutDetails, refundDetailCount, refundDetails, transactionDetailCount, transactionDetails } from './details';
import { discrepancyRows } from './discrepancies';
import { dateRangePeriod, monthPeriod } from './period';
import { expectedOctober, insertChannelRefundRow, insertReconciliationResults, postReportTestLedger, REPORT_TEST_MONTH } from './test-ledger';

let temp: TempWorkspace | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function workspaceWithLedger() {
  temp = createTempWorkspace();
  postReportTestLedger(temp.workspace.postingContext('admin'));
  return temp.workspace;
}

const october = monthPeriod(REPORT_TEST_MONTH);

describe('transaction details', () => {
  it('lists every posting of the period with its source; totals equal the trial balance movement', () => {
    const workspace = workspaceWithLedger();
    const rows = [...transactionDetails(workspace.sqlite, october)];
    const before = trialBalance(workspace.sqlite, october.from);
    const after = trialBalance(workspace.sqlite, october.to);
    const debitTotal = rows.reduce((sum, row) => sum + row.debitFen, 0);
    const creditTotal = rows.reduce((sum, row) => sum + row.creditFen, 0);
    expect(debitTotal).toBe(after.debitTotalFen - before.debitTotalFen);
    expect(creditTotal).toBe(debitTotal);
    expect(rows).toHaveLength(transactionDetailCount(workspace.sqlite, october));
    const reversal = rows.find((row) => row.entryType === 'reversal');
    expect(reversal).toMatchObject({ sourceResource: 'orders', sourceNo: 'SO202610200001', reversesEntryNo: expect.stringMatching(/^LD202610-/) });
    const topup = rows.find((row) => row.entryType === 'topup');
    expect(topup).toMatchObject({ sourceNo: 'TU202610010001', accountNameZh: '微信支付待清算', occurredAt: '2026-09-30T21:00:00.000Z' });
    // Sorted by business time.
    const times = rows.map((row) => row.occurredAt);
    expect([...times].sort()).toEqual(times);
  });

  it('is lazy: the query runs when iterated, not when the report is created', () => {
    temp = createTempWorkspace();
    const iterable = transactionDetails(temp.workspace.sqlite, october);
    postReportTestLedger(temp.workspace.postingContext('admin'));
    expect([...iterable].length).toBe(transactionDetailCount(temp.workspace.sqlite, october));
    expect(transactionDetailCount(temp.workspace.sqlite, october)).toBeGreaterThan(0);
    expect([...transactionDetails(temp.workspace.sqlite, dateRangePeriod('2027-01-01', '2027-01-31'))]).toEqual([]);
  });
});

describe('streaming a detail report', () => {
  it('reads with a small page cache and gives the workspace its own cache back, also when the reader stops early', () => {
    const workspace = workspaceWithLedger();
    const cacheSize = () => workspace.sqlite.pragma('cache_size', { simple: true });
    const workspaceCacheSize = cacheSize();
    expect(workspaceCacheSize).toBe(-262144);
    const cacheSizesSeen: unknown[] = [];
    const rows = transactionDetails(workspace.sqlite, october);
    for (const _row of rows) break; // stop after the first row: the generator's finally must still run
    cacheSizesSeen.push(cacheSize());
    expect([...rows].length).toBe(transactionDetailCount(workspace.sqlite, october));
    cacheSizesSeen.push(cacheSize());
    expect(cacheSizesSeen).toEqual([workspaceCacheSize, workspaceCacheSize]);
  });
});

describe('refund details', () => {
  it('shows each refund entry with its order, channel, split and clearing state', () => {
    const workspace = workspaceWithLedger();
    workspace.sqlite
      .prepare(`INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at) VALUES (?, ?, 1, ?, ?, ?, ?, NULL, ?, ?)`)
      .run('refunds', 'r2', '2026-10-09T01:00:00Z', 'RF202610080001', 'm2', 'o2', JSON.stringify({ order_no: 'SO202610070001', channel: 'alipay', channel_amount: '50.00', status: 'succeeded', requested_at: '2026-10-08T09:00:00+08:00', succeeded_at: '2026-10-09T09:00:00+08:00' }), '2026-10-09T02:00:00Z');
    refreshMallProjection(workspace.sqlite);
    const rows = [...refundDetails(workspace.sqlite, october)];
    expect(rows).toHaveLength(expectedOctober.refundRowCount);
    expect(rows).toHaveLength(refundDetailCount(workspace.sqlite, october));
    expect(rows[0]).toMatchObject({ entryType: 'refund_approved', refundNo: 'RF202610080001', orderNo: 'SO202610070001', amountFen: 7000, clearingState: 'pending' });
    expect(rows[1]).toMatchObject({
      entryType: 'refund_succeeded',
      channel: 'alipay',
      amountFen: 7000,
      channelAmountFen: 5000,
      balanceAmountFen: 2000,
      storedValueAmountFen: 0,
      channelRecordedFen: null,
      clearingState: 'awaiting_channel',
      clearingStateZh: '待渠道确认',
    });
    // Without a synced document the order is unknown; the approval of a completed order's refund.
    expect(rows[2]).toMatchObject({ entryType: 'refund_approved', refundNo: 'RF202610310001', orderNo: null, amountFen: 1000 });

    insertChannelRefundRow(workspace.sqlite, 'RF202610080001', 5000, 'alipay');
    expect([...refundDetails(workspace.sqlite, october)][1]).toMatchObject({ channelRecordedFen: 5000, clearingState: 'cleared', clearingStateZh: '已清算' });
  });

  it('flags a channel refund row with a different amount, and a refund that needs no channel', () => {
    const workspace = workspaceWithLedger();
    insertChannelRefundRow(workspace.sqlite, 'RF202610310001', 900, 'wechat');
    const november = [...refundDetails(workspace.sqlite, monthPeriod('2026-11'))];
    expect(november).toHaveLength(1);
    expect(november[0]).toMatchObject({ channel: 'wechat', channelAmountFen: 1000, channelRecordedFen: 900, clearingState: 'amount_mismatch' });
  });
});

describe('balance-change ledger', () => {
  it('agrees with memberStatement for every member and sub-ledger, opening row first', () => {
    const workspace = workspaceWithLedger();
    for (const subLedger of ['stored_value', 'balance', 'points'] as const) {
      const rows = [...balanceChanges(workspace.sqlite, subLedger, october)];
      expect(rows).toHaveLength(balanceChangeCount(workspace.sqlite, subLedger, october));
      const members = [...new Set(rows.map((row) => row.memberId))];
      expect(members.length).toBeGreaterThan(0);
      for (const memberId of members) {
        const statement = memberStatement(workspace.sqlite, memberId, subLedger, october.from, october.to);
        const memberRows = rows.filter((row) => row.memberId === memberId);
        expect(memberRows[0]).toMatchObject({ entryType: 'opening', change: null, balanceAfter: statement.opening });
        expect(memberRows.slice(1).map((row) => [row.entryNo, row.change, row.balanceAfter])).toEqual(
          statement.lines.map((line) => [line.entryNo, line.change, line.runningBalance]),
        );
      }
    }
    const points = [...balanceChanges(workspace.sqlite, 'points', october)];
    expect(points.map((row) => [row.entryType, row.change, row.balanceAfter])).toEqual([
      ['opening', null, 0],
      ['opening_balance', 1000, 1000],
      ['points_deduction', -500, 500],
      ['points_movement', 100, 600],
    ]);
  });

  it('carries the opening balance into the next period', () => {
    const workspace = workspaceWithLedger();
    const november = [...balanceChanges(workspace.sqlite, 'stored_value', monthPeriod('2026-11'))];
    // No stored-value movement in November: nobody is listed.
    expect(november).toEqual([]);
    const balanceNovember = [...balanceChanges(workspace.sqlite, 'balance', dateRangePeriod('2026-10-16', '2026-11-30'))];
    expect(balanceNovember).toEqual([]);
    const fromMid = [...balanceChanges(workspace.sqlite, 'balance', dateRangePeriod('2026-10-09', '2026-10-31'))];
    expect(fromMid.map((row) => [row.entryType, row.change, row.balanceAfter])).toEqual([
      ['opening', null, 18000],
      ['refund_succeeded', 2000, 20000],
      ['withdrawal_approved', -10000, 10000],
    ]);
  });
});

describe('payout details', () => {
  it('lists settlements, withdrawals and their payments with gross, fee and net', () => {
    const workspace = workspaceWithLedger();
    const rows = [...payoutDetails(workspace.sqlite, october)];
    expect(rows).toHaveLength(expectedOctober.payoutRowCount);
    expect(rows).toHaveLength(payoutDetailCount(workspace.sqlite, october));
    expect(rows.map((row) => [row.entryType, row.partyId, row.amountFen, row.feeFen, row.netFen, row.paidFromAccount])).toEqual([
      ['commission_payout', 'd1', 990, 0, 990, null],
      ['payout_paid', 'd1', 990, 0, 990, '1121'],
      ['withdrawal_approved', 'm2', 10000, 60, 9940, null],
      ['withdrawal_paid', 'm2', 9940, 0, 9940, '1002'],
      ['withdrawal_approved', 'd1', 2000, 0, 2000, null],
    ]);
  });
});

describe('discrepancy list', () => {
  it('is null until reconciliation has run, then lists open and resolved discrepancies of the period', () => {
    const workspace = workspaceWithLedger();
    expect(discrepancyRows(workspace.sqlite, '2026-10-01', '2026-11-01')).toBeNull();
    insertReconciliationResults(workspace.sqlite, [
      { category: 'amount_mismatch', status: 'open', orderNo: 'SO1', differenceFen: -300, channelAmountFen: 9700, businessDate: '2026-10-03' },
      { category: null, status: 'matched', orderNo: 'SO5', differenceFen: 0, channelAmountFen: 100, businessDate: '2026-10-06' },
      { category: 'amount_mismatch', status: 'open', orderNo: 'SO4', differenceFen: 900, channelAmountFen: 900, businessDate: '2026-11-01' },
    ]);
    const rows = [...discrepancyRows(workspace.sqlite, '2026-10-01', '2026-11-01')!];
    expect(rows).toEqual([
      expect.objectContaining({ category: 'amount_mismatch', status: 'open', orderNo: 'SO1', mallAmountFen: 10000, channelAmountFen: 9700, differenceFen: -300, businessDate: '2026-10-03' }),
    ]);
  });
});
