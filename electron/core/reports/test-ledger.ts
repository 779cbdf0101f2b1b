import type { SqliteDatabase } from '../../../db/open';
import { refreshMallProjection } from '../reconcile/projection';
import { postEntry, type PostingContext } from '../ledger/post';
import { reverseEntry } from '../ledger/reverse';
import {
  channelFeeEntry,
  channelSettlementEntry,
  commissionAccrualEntry,
  commissionClawbackEntry,
  commissionPayoutEntry,
  openingBalanceEntry,
  orderCompletionEntry,
  orderPaymentEntry,
  payoutPaidEntry,
  pointsDeductionEntry,
  pointsQuantityEntry,
  refundApprovedEntry,
  refundSucceededEntry,
  topupEntry,
  withdrawalApprovedEntry,
} from '../ledger/rules';
import type { EntrySpec } from '../ledger/entry';
import { fen } from '../money';

/**
 * A small ledger posted through the real posting rules, with its month-end figures worked out
 * by hand (in the comments and in `expectedOctober`). Used by the report, export and CLI tests.
 * Times are chosen on the edges: a top-up at 05:00 on 1 October Shanghai time is still
 * 30 September in UTC; an order paid at 00:30 on 7 October is 6 October in UTC; a refund paid
 * at 00:10 on 1 November belongs to November although it is 31 October in UTC.
 */
export const REPORT_TEST_MONTH = '2026-10';

export const expectedOctober = {
  revenueFen: 13_000, // O1 10,000 + O3 3,000
  returnsFen: 1_000, // O3 returned after completion
  refundsPaidFen: 7_000, // O2 (O3's refund is paid in November)
  channelFeesFen: 73, // 48 + 30 - 5 returned
  commissionExpenseFen: 890, // 990 accrued - 100 clawed back
  commissionPayoutsFen: 2_990, // settlement 990 + commission withdrawal 2,000
  pointsCostFen: 500,
  storedValueBonusFen: 5_000,
  otherIncomeFen: 60,
  costOfGoodsFen: 6_000,
  incomeFen: 13_060,
  contraIncomeFen: 1_000,
  expensesFen: 12_463, // 6,000 + 73 + 890 + 500 + 5,000
  netProfitFen: -403,
  storedValue: { openingFen: 0, topUpsFen: 50_000, bonusFen: 5_000, consumptionFen: 1_500, refundedFen: 0, topUpRefundsFen: 0, otherFen: 5_000, closingFen: 58_500 },
  withdrawals: { approvedFen: 12_000, feesFen: 60, paidFen: 9_940 },
  netProfitSeries: [
    { month: '2026-05', netProfitFen: 0 },
    { month: '2026-06', netProfitFen: 0 },
    { month: '2026-07', netProfitFen: 0 },
    { month: '2026-08', netProfitFen: 2_980 },
    { month: '2026-09', netProfitFen: 9_950 },
    { month: '2026-10', netProfitFen: -403 },
  ],
  /** Books GMV per Shanghai day (O4 paid 1,200, corrected to 1,000 by a reversal the next day). */
  booksGmvByDay: { '2026-10-05': 10_000, '2026-10-07': 7_000, '2026-10-20': 1_000, '2026-10-31': 3_000 } as Record<string, number>,
  booksGmvFen: 21_000,
  /** The mall's summary says 7,100 on 7 October: one day differs by -100. */
  mallGmvFen: 21_100,
  refundRowCount: 3,
  payoutRowCount: 5,
} as const;

const at = (local: string) => `${local}+08:00`;

function post(context: PostingContext, spec: EntrySpec | null): number {
  if (!spec) throw new Error('fixture entry unexpectedly empty');
  return postEntry(context, spec).id;
}

/** The synced order documents the GMV cross-check joins on (paid date = business_date). */
function insertOrderDocuments(sqlite: SqliteDatabase): void {
  const insert = sqlite.prepare(
    `INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at)
     VALUES ('orders', ?, 1, '2026-11-01T00:00:00Z', ?, ?, NULL, ?, ?, '2026-11-01T00:00:00Z')`,
  );
  // [id, order no, member, paid date, pay channel, paid through the channel]
  const orders: [string, string, string, string, string, string][] = [
    ['o-aug', 'SO202608010001', 'm9', '2026-08-03', 'wechat', '30.00'],
    ['o-sep', 'SO202609200001', 'm9', '2026-09-20', 'wechat', '100.00'],
    ['o1', 'SO202610050001', 'm1', '2026-10-05', 'wechat', '80.00'],
    ['o2', 'SO202610070001', 'm2', '2026-10-07', 'alipay', '50.00'],
    ['o3', 'SO202610310001', 'm1', '2026-10-31', 'wechat', '30.00'],
    ['o4', 'SO202610200001', 'm2', '2026-10-20', 'wechat', '10.00'],
  ];
  for (const [id, orderNo, memberId, paidDate, payChannel, paidAmount] of orders) {
    const body = { id, order_no: orderNo, member_id: memberId, status: 'completed', pay_channel: payChannel, paid_amount: paidAmount, paid_at: `${paidDate}T10:00:00+08:00`, channel_trade_no: null };
    insert.run(id, orderNo, memberId, paidDate, JSON.stringify(body));
  }
  // The sync writes the reconciliation keys with each document; a fixture writing bare rows refreshes them.
  refreshMallProjection(sqlite);
}

export function postReportTestLedger(context: PostingContext): void {
  insertOrderDocuments(context.sqlite);
  const order = (id: string, no: string) => ({ resource: 'orders', id, no, version: 1 });
  const refund = (id: string, no: string) => ({ resource: 'refunds', id, no, version: 1 });

  // August: an order paid and completed (3,000) and a fee (20): net profit 2,980.
  const o8 = order('o-aug', 'SO202608010001');
  post(context, orderPaymentEntry({ source: o8, memberId: 'm9', paidAt: at('2026-08-03T10:00:00'), payChannel: 'wechat', channelPaidFen: fen(3000), storedValueFen: fen(0), balanceFen: fen(0) }));
  post(context, orderCompletionEntry({ source: o8, memberId: 'm9', completedAt: at('2026-08-10T10:00:00'), revenueFen: fen(3000), costOfGoodsFen: null }));
  post(context, channelFeeEntry({ source: { resource: 'import_files', id: 'f-aug', no: 'aug.csv' }, channel: 'wechat', occurredAt: at('2026-08-03T12:00:00'), feeFen: fen(20) }));
  // September: 10,000 revenue, 50 fee: 9,950.
  const o9 = order('o-sep', 'SO202609200001');
  post(context, orderPaymentEntry({ source: o9, memberId: 'm9', paidAt: at('2026-09-20T10:00:00'), payChannel: 'wechat', channelPaidFen: fen(10000), storedValueFen: fen(0), balanceFen: fen(0) }));
  post(context, orderCompletionEntry({ source: o9, memberId: 'm9', completedAt: at('2026-09-25T10:00:00'), revenueFen: fen(10000), costOfGoodsFen: null }));
  post(context, channelFeeEntry({ source: { resource: 'import_files', id: 'f-sep', no: 'sep.csv' }, channel: 'wechat', occurredAt: at('2026-09-20T12:00:00'), feeFen: fen(50) }));

  // October. Opening balances at the books start: m1 stored value 5,000 (+1,000 points), m2 balance 20,000, d1 commission 10,000.
  post(context, openingBalanceEntry(at('2026-10-01T00:00:00'), [
    { memberId: 'm1', storedValueFen: fen(5000), balanceFen: fen(0), commissionFen: fen(0), points: 1000 },
    { memberId: 'm2', storedValueFen: fen(0), balanceFen: fen(20000), commissionFen: fen(0), points: 0 },
    { memberId: 'd1', storedValueFen: fen(0), balanceFen: fen(0), commissionFen: fen(10000), points: 0 },
  ]));
  // Top-up 50,000 + bonus 5,000 at 05:00 Shanghai (still 30 September in UTC).
  post(context, topupEntry({ source: { resource: 'topups', id: 't1', no: 'TU202610010001' }, memberId: 'm1', paidAt: at('2026-10-01T05:00:00'), channel: 'wechat', amountFen: fen(50000), bonusFen: fen(5000) }));
  // O1: WeChat 8,000 + stored value 1,500 + points 500 (GMV 10,000 on the 5th); completed with cost 6,000.
  const o1 = order('o1', 'SO202610050001');
  post(context, orderPaymentEntry({ source: o1, memberId: 'm1', paidAt: at('2026-10-05T10:00:00'), payChannel: 'wechat', channelPaidFen: fen(8000), storedValueFen: fen(1500), balanceFen: fen(0) }));
  post(context, pointsDeductionEntry({ source: o1, memberId: 'm1', paidAt: at('2026-10-05T10:00:00'), pointsDeductionFen: fen(500), pointsUsed: 500 }));
  post(context, orderCompletionEntry({ source: o1, memberId: 'm1', completedAt: at('2026-10-10T10:00:00'), revenueFen: fen(10000), costOfGoodsFen: fen(6000) }));
  post(context, pointsQuantityEntry({ source: o1, occurredAt: at('2026-10-10T10:00:00'), movement: { memberId: 'm1', changePoints: 100, movementKind: 'earn' } }));
  // O2: Alipay 5,000 + balance 2,000 at 00:30 on the 7th (UTC: the 6th); fully refunded before completion.
  const o2 = order('o2', 'SO202610070001');
  post(context, orderPaymentEntry({ source: o2, memberId: 'm2', paidAt: at('2026-10-07T00:30:00'), payChannel: 'alipay', channelPaidFen: fen(5000), storedValueFen: fen(0), balanceFen: fen(2000) }));
  const r2 = refund('r2', 'RF202610080001');
  post(context, refundApprovedEntry({ source: r2, memberId: 'm2', approvedAt: at('2026-10-08T09:00:00'), amountFen: fen(7000), orderCompleted: false }));
  post(context, refundSucceededEntry({ source: r2, memberId: 'm2', succeededAt: at('2026-10-09T09:00:00'), channel: 'alipay', channelFen: fen(5000), storedValueFen: fen(0), balanceFen: fen(2000) }));
  // O3: WeChat 3,000 late on the 31st, completed, 1,000 returned: approved in October, paid at 00:10 on 1 November.
  const o3 = order('o3', 'SO202610310001');
  post(context, orderPaymentEntry({ source: o3, memberId: 'm1', paidAt: at('2026-10-31T23:30:00'), payChannel: 'wechat', channelPaidFen: fen(3000), storedValueFen: fen(0), balanceFen: fen(0) }));
  post(context, orderCompletionEntry({ source: o3, memberId: 'm1', completedAt: at('2026-10-31T23:50:00'), revenueFen: fen(3000), costOfGoodsFen: null }));
  const r3 = refund('r3', 'RF202610310001');
  post(context, refundApprovedEntry({ source: r3, memberId: 'm1', approvedAt: at('2026-10-31T23:55:00'), amountFen: fen(1000), orderCompleted: true }));
  post(context, refundSucceededEntry({ source: r3, memberId: 'm1', succeededAt: at('2026-11-01T00:10:00'), channel: 'wechat', channelFen: fen(1000), storedValueFen: fen(0), balanceFen: fen(0) }));
  // O4: paid 1,200 on the 20th, then a new version says 1,000: reversal (posted the 21st) + new entry.
  const o4 = order('o4', 'SO202610200001');
  const o4First = post(context, orderPaymentEntry({ source: o4, memberId: 'm2', paidAt: at('2026-10-20T10:00:00'), payChannel: 'wechat', channelPaidFen: fen(1200), storedValueFen: fen(0), balanceFen: fen(0) }));
  reverseEntry(context, o4First, { occurredAt: at('2026-10-21T09:00:00'), memo: 'order o4 version 2' });
  post(context, orderPaymentEntry({ source: { ...o4, version: 2 }, memberId: 'm2', paidAt: at('2026-10-20T10:00:00'), payChannel: 'wechat', channelPaidFen: fen(1000), storedValueFen: fen(0), balanceFen: fen(0) }));
  // Channel fees: WeChat 48, Alipay 30, WeChat 5 returned.
  const bill = (id: string) => ({ resource: 'import_files', id, no: `${id}.csv` });
  post(context, channelFeeEntry({ source: bill('fee-1'), channel: 'wechat', occurredAt: at('2026-10-06T12:00:00'), feeFen: fen(48) }));
  post(context, channelFeeEntry({ source: bill('fee-2'), channel: 'alipay', occurredAt: at('2026-10-07T12:00:00'), feeFen: fen(30) }));
  post(context, channelFeeEntry({ source: bill('fee-3'), channel: 'wechat', occurredAt: at('2026-10-09T12:00:00'), feeFen: fen(-5) }));
  // Commissions: 990 accrued, settled and paid; 100 clawed back.
  const c1 = { resource: 'commissions', id: 'c1', no: 'SO202610050001/L1/1' };
  post(context, commissionAccrualEntry({ source: c1, distributorId: 'd1', settleableAt: at('2026-10-12T09:00:00'), amountFen: fen(990) }));
  const settlement = { resource: 'payouts', id: 'p1', no: 'PO202610130001' };
  post(context, commissionPayoutEntry({ source: settlement, distributorId: 'd1', settledAt: at('2026-10-13T09:00:00'), amountFen: fen(990) }));
  post(context, payoutPaidEntry({ source: settlement, partyId: 'd1', paidAt: at('2026-10-14T09:00:00'), method: 'wechat', netFen: fen(990), entryType: 'payout_paid' }));
  post(context, commissionClawbackEntry({ source: { resource: 'commissions', id: 'c2', no: 'SO202609200001/L1/1' }, distributorId: 'd1', cancelledAt: at('2026-10-20T09:00:00'), amountFen: fen(100) }));
  // Withdrawals: m2 10,000 from balance (fee 60) approved and paid by bank; d1 2,000 from commission approved.
  const w1 = { resource: 'withdrawals', id: 'w1', no: 'WD202610150001' };
  post(context, withdrawalApprovedEntry({ source: w1, memberId: 'm2', approvedAt: at('2026-10-15T09:00:00'), from: 'balance', amountFen: fen(10000), feeFen: fen(60), netFen: fen(9940) }));
  post(context, payoutPaidEntry({ source: w1, partyId: 'm2', paidAt: at('2026-10-16T09:00:00'), method: 'bank', netFen: fen(9940), entryType: 'withdrawal_paid' }));
  post(context, withdrawalApprovedEntry({ source: { resource: 'withdrawals', id: 'w2', no: 'WD202610170001' }, memberId: 'd1', approvedAt: at('2026-10-17T09:00:00'), from: 'commission', amountFen: fen(2000), feeFen: fen(0), netFen: fen(2000) }));
  // WeChat settles 30,000 to the bank: no profit effect.
  post(context, channelSettlementEntry({ source: bill('settle-1'), channel: 'wechat', occurredAt: at('2026-10-25T09:00:00'), amountFen: fen(30000) }));
}

/** The mall's daily summaries for October: equal to the books except 7 October (+100). */
export function insertMallSummariesForOctober(sqlite: SqliteDatabase, fetchedAt: string): void {
  const insert = sqlite.prepare(
    `INSERT INTO mall_daily_summaries (date, gmv_fen, order_count, paid_amount_fen, refund_amount_fen, refund_count, topup_amount_fen, fetched_at)
     VALUES (?, ?, 0, 0, 0, 0, 0, ?)`,
  );
  for (let day = 1; day <= 31; day += 1) {
    const date = `2026-10-${String(day).padStart(2, '0')}`;
    const books = expectedOctober.booksGmvByDay[date] ?? 0;
    insert.run(date, date === '2026-10-07' ? books + 100 : books, fetchedAt);
  }
}

/** A refund row from WeChat's bill for O3's refund, as the importer stores it (amount negative). */
export function insertChannelRefundRow(sqlite: SqliteDatabase, refundNo: string, amountFen: number, channel: 'wechat' | 'alipay'): void {
  const file = sqlite
    .prepare(
      `INSERT INTO import_files (file_name, content_sha256, kind, channel, encoding, row_count, inserted_count, overlapping_count, totals_checked, imported_at, imported_by)
       VALUES (?, ?, 'wechat_trade_refund', ?, 'utf-8', 1, 1, 0, 1, '2026-11-02T00:00:00.000Z', 'admin')`,
    )
    .run(`refunds-${refundNo}.csv`, `sha-${refundNo}`, channel);
  sqlite
    .prepare(
      `INSERT INTO channel_transactions (file_id, line_number, raw_line, natural_key, channel, kind, merchant_order_no, merchant_refund_no,
         channel_trade_no, channel_refund_no, amount_fen, order_amount_fen, fee_fen, currency, occurred_at, business_date, status)
       VALUES (?, 2, 'raw', ?, ?, 'refund', NULL, ?, 'T1', 'R1', ?, NULL, 0, 'CNY', '2026-10-09T09:00:00+08:00', '2026-10-09', 'REFUND')`,
    )
    .run(file.lastInsertRowid, `${channel}:refund:${refundNo}`, channel, refundNo, -amountFen);
}

/** Results as reconciliation writes them (reconcile/run.ts): one run, then one row per item. */
export function insertReconciliationResults(
  sqlite: SqliteDatabase,
  results: { category: string | null; status: string; orderNo: string; differenceFen: number; channelAmountFen: number; businessDate: string }[],
): void {
  const run = sqlite
    .prepare(`INSERT INTO reconciliation_runs (started_at, finished_at, run_by, date_from, date_to, summary_json) VALUES ('2026-11-02T00:00:00Z', '2026-11-02T00:00:01Z', 'admin', NULL, NULL, '{}')`)
    .run();
  const insert = sqlite.prepare(
    `INSERT INTO reconciliation_results (item_key, kind, channel, status, category, order_no, mall_amount_fen, channel_amount_fen, difference_fen,
       business_date, fingerprint, first_run_id, changed_run_id)
     VALUES (?, 'payment', 'wechat', ?, ?, ?, ?, ?, ?, ?, 'f', ?, ?)`,
  );
  for (const result of results) {
    insert.run(`P|wechat|${result.orderNo}`, result.status, result.category, result.orderNo, result.channelAmountFen - result.differenceFen,
      result.channelAmountFen, result.differenceFen, result.businessDate, run.lastInsertRowid, run.lastInsertRowid);
  }
}
