import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The keys reconciliation matches on, projected from mall_documents (orders, top-ups, refunds)
 * so a run joins narrow indexed rows instead of parsing a million JSON bodies. Refreshed at the
 * start of each run for the documents whose version changed.
 */
export const reconcileMallItems = sqliteTable(
  'reconcile_mall_items',
  {
    resource: text('resource').notNull(),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    /** 'payment' (orders, top-ups) or 'refund'. */
    kind: text('kind').notNull(),
    /** wechat / alipay / none. */
    channel: text('channel').notNull(),
    /** order_no / topup_no / refund_no: the merchant number sent to the channel. */
    documentNo: text('document_no').notNull(),
    /** Refunds: the original order's number and id. */
    orderNo: text('order_no'),
    orderId: text('order_id'),
    channelTradeNo: text('channel_trade_no'),
    channelRefundNo: text('channel_refund_no'),
    /** Through the channel: paid_amount / amount / channel_amount, in fen. */
    amountFen: integer('amount_fen').notNull(),
    status: text('status').notNull(),
    /** 1 when the mall says the money moved (paid_at set / refund succeeded). */
    settled: integer('settled').notNull(),
    /** paid_at, succeeded_at (or requested_at while a refund is not through). */
    eventAt: text('event_at'),
    /** Asia/Shanghai date of eventAt. */
    businessDate: text('business_date'),
  },
  (table) => [
    primaryKey({ columns: [table.resource, table.id] }),
    // Covers the run's probe by merchant number (kind, channel and settled tested in the index, the row read once after).
    index('reconcile_mall_items_no').on(table.documentNo, table.kind, table.channel, table.settled),
    // Partial: many items carry no channel trade or refund number (a payment has no refund number, an
    // order paid from stored value no trade number); every lookup names one.
    index('reconcile_mall_items_trade_no').on(table.channelTradeNo).where(sql`${table.channelTradeNo} IS NOT NULL`),
    index('reconcile_mall_items_refund_no').on(table.channelRefundNo).where(sql`${table.channelRefundNo} IS NOT NULL`),
  ],
);

/** One reconciliation run: who, when, which dates were summarised, and the figures. */
export const reconciliationRuns = sqliteTable('reconciliation_runs', {
  id: integer('id').primaryKey(),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at').notNull(),
  runBy: text('run_by').notNull(),
  dateFrom: text('date_from'),
  dateTo: text('date_to'),
  summaryJson: text('summary_json').notNull(),
});

/**
 * Every mall document and every channel row in exactly one state. `itemKey` is the stable
 * identity across runs (P|channel|order no, R|channel|refund no, D|row id for extra rows), and
 * `fingerprint` the data the state was decided on: a run rewrites a row only when it changed,
 * so a resolved discrepancy stays resolved until its underlying data changes.
 */
export const reconciliationResults = sqliteTable(
  'reconciliation_results',
  {
    id: integer('id').primaryKey(),
    itemKey: text('item_key').notNull(),
    /** payment / refund. */
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    /** matched / pending / open / resolved. */
    status: text('status').notNull(),
    /** One of the nine discrepancy categories; null when matched or pending. */
    category: text('category'),
    mallResource: text('mall_resource'),
    mallId: text('mall_id'),
    orderNo: text('order_no'),
    refundNo: text('refund_no'),
    channelTradeNo: text('channel_trade_no'),
    channelTransactionId: integer('channel_transaction_id'),
    /** Payment or refunded amounts, positive; difference = channel - mall (the fees' difference for fee_mismatch). */
    mallAmountFen: integer('mall_amount_fen'),
    channelAmountFen: integer('channel_amount_fen'),
    differenceFen: integer('difference_fen').notNull(),
    /** Fee at the configured rate and the bill's fee, for pairs with a channel row. */
    expectedFeeFen: integer('expected_fee_fen'),
    channelFeeFen: integer('channel_fee_fen'),
    businessDate: text('business_date').notNull(),
    fingerprint: text('fingerprint').notNull(),
    firstRunId: integer('first_run_id').notNull(),
    changedRunId: integer('changed_run_id').notNull(),
    assignedTo: text('assigned_to'),
    resolution: text('resolution'),
    resolutionNote: text('resolution_note'),
    resolvedBy: text('resolved_by'),
    resolvedAt: text('resolved_at'),
    adjustmentEntryNo: text('adjustment_entry_no'),
  },
  (table) => [
    uniqueIndex('reconciliation_results_item_key').on(table.itemKey),
    // Covers the period figures (one pass, no table lookups) and the grid's date order with a channel filter.
    index('reconciliation_results_date_channel').on(
      table.businessDate, table.channel, table.status, table.category, table.kind, table.differenceFen, table.channelAmountFen,
    ),
    index('reconciliation_results_status_date').on(table.status, table.businessDate),
    index('reconciliation_results_category_date').on(table.category, table.businessDate).where(sql`category IS NOT NULL`),
    index('reconciliation_results_order_no').on(table.orderNo),
  ],
);

/** Review comments on a discrepancy (also in the audit log). */
export const discrepancyComments = sqliteTable(
  'discrepancy_comments',
  {
    id: integer('id').primaryKey(),
    /** No foreign key: a result whose item vanished is deleted; its comments stay for the record. */
    resultId: integer('result_id').notNull(),
    at: text('at').notNull(),
    userName: text('user_name').notNull(),
    text: text('text').notNull(),
  },
  (table) => [index('discrepancy_comments_result').on(table.resultId)],
);
