import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

/**
 * Every record pulled from the mall, at the last version that passed the contract checks.
 * `(resource, id)` is the mall's identity; `version` makes a re-delivered record a no-op.
 */
export const mallDocuments = sqliteTable(
  'mall_documents',
  {
    resource: text('resource').notNull(),
    id: text('id').notNull(),
    version: integer('version').notNull(),
    updatedAt: text('updated_at').notNull(),
    /** order_no, refund_no, topup_no, withdrawal_no... (null for members and points). */
    documentNo: text('document_no'),
    /** The member or distributor the record belongs to (the party of its postings). */
    partyId: text('party_id'),
    /** The order a refund, commission or points movement belongs to. */
    orderId: text('order_id'),
    /** Orders: the Asia/Shanghai date of paid_at (GMV cross-check); null when never paid. */
    businessDate: text('business_date'),
    bodyJson: text('body_json').notNull(),
    syncedAt: text('synced_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.resource, table.id] }),
    // Partial: most documents have no order link, number or paid date, and every query names one.
    index('mall_documents_order').on(table.orderId, table.resource).where(sql`${table.orderId} IS NOT NULL`),
    index('mall_documents_no').on(table.documentNo).where(sql`${table.documentNo} IS NOT NULL`),
    index('mall_documents_business_date').on(table.resource, table.businessDate).where(sql`${table.businessDate} IS NOT NULL`),
  ],
);

/** Where each resource's incremental pull stands: resume point after a crash, start of the next sync. */
export const mallCheckpoints = sqliteTable('mall_checkpoints', {
  resource: text('resource').primaryKey(),
  /** The updated_since of the current (or next) pass, inclusive; null = from the beginning. */
  updatedSince: text('updated_since'),
  /** The cursor of the next page of the current pass; null = the pass is complete. */
  cursor: text('cursor'),
  /** The latest updated_at seen in the current pass: the next pass's updated_since. */
  highWater: text('high_water'),
  updatedAt: text('updated_at').notNull(),
});

/** Records that broke the contract (schema or amount identities): shown to users, never booked. */
export const mallRejectedRecords = sqliteTable(
  'mall_rejected_records',
  {
    rowId: integer('row_id').primaryKey({ autoIncrement: true }),
    resource: text('resource').notNull(),
    recordId: text('record_id').notNull(),
    version: integer('version'),
    reason: text('reason').notNull(),
    bodyJson: text('body_json').notNull(),
    seenAt: text('seen_at').notNull(),
  },
  (table) => [uniqueIndex('mall_rejected_records_identity').on(table.resource, table.recordId, table.version)],
);

/** The mall's own daily totals, for the GMV cross-check; amounts in fen. */
export const mallDailySummaries = sqliteTable('mall_daily_summaries', {
  date: text('date').primaryKey(),
  gmvFen: integer('gmv_fen').notNull(),
  orderCount: integer('order_count').notNull(),
  paidAmountFen: integer('paid_amount_fen').notNull(),
  refundAmountFen: integer('refund_amount_fen').notNull(),
  refundCount: integer('refund_count').notNull(),
  topupAmountFen: integer('topup_amount_fen').notNull(),
  fetchedAt: text('fetched_at').notNull(),
});

/** Write-backs to the mall (review decisions, payout results, settlements), sent until they land. */
export const mallOutbox = sqliteTable(
  'mall_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['withdrawal_decision', 'withdrawal_payout_result', 'commission_settlement'] }).notNull(),
    path: text('path').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    bodyJson: text('body_json').notNull(),
    state: text('state', { enum: ['pending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    responseStatus: integer('response_status'),
    responseJson: text('response_json'),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    finishedAt: text('finished_at'),
  },
  (table) => [
    uniqueIndex('mall_outbox_idempotency_key').on(table.idempotencyKey),
    index('mall_outbox_due').on(table.state, table.nextAttemptAt),
  ],
);
