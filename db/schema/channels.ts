import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One imported channel or bank file; the content hash makes a second import of it a no-op. */
export const importFiles = sqliteTable(
  'import_files',
  {
    id: integer('id').primaryKey(),
    fileName: text('file_name').notNull(),
    contentSha256: text('content_sha256').notNull(),
    kind: text('kind').notNull(),
    channel: text('channel').notNull(),
    encoding: text('encoding').notNull(),
    rowCount: integer('row_count').notNull(),
    insertedCount: integer('inserted_count').notNull(),
    overlappingCount: integer('overlapping_count').notNull(),
    totalsChecked: integer('totals_checked').notNull(),
    firstBusinessDate: text('first_business_date'),
    lastBusinessDate: text('last_business_date'),
    importedAt: text('imported_at').notNull(),
    importedBy: text('imported_by').notNull(),
  },
  (table) => [uniqueIndex('import_files_content').on(table.contentSha256)],
);

/**
 * Every channel or bank row, normalised. `naturalKey` is unique, so the same channel row found
 * in two overlapping files is stored once; file and line point back to the original text.
 */
export const channelTransactions = sqliteTable(
  'channel_transactions',
  {
    id: integer('id').primaryKey(),
    fileId: integer('file_id')
      .notNull()
      .references(() => importFiles.id),
    lineNumber: integer('line_number').notNull(),
    rawLine: text('raw_line').notNull(),
    naturalKey: text('natural_key').notNull(),
    channel: text('channel').notNull(),
    kind: text('kind').notNull(),
    merchantOrderNo: text('merchant_order_no'),
    merchantRefundNo: text('merchant_refund_no'),
    channelTradeNo: text('channel_trade_no'),
    channelRefundNo: text('channel_refund_no'),
    amountFen: integer('amount_fen').notNull(),
    orderAmountFen: integer('order_amount_fen'),
    feeFen: integer('fee_fen').notNull(),
    currency: text('currency').notNull(),
    occurredAt: text('occurred_at').notNull(),
    businessDate: text('business_date').notNull(),
    status: text('status').notNull(),
    account: text('account'),
    counterparty: text('counterparty'),
    memo: text('memo'),
  },
  (table) => [
    uniqueIndex('channel_transactions_natural_key').on(table.naturalKey),
    index('channel_transactions_order_no').on(table.merchantOrderNo),
    index('channel_transactions_refund_no').on(table.merchantRefundNo),
    index('channel_transactions_trade_no').on(table.channelTradeNo),
    index('channel_transactions_date').on(table.businessDate),
  ],
);

/** Closing balances a file states (fund-flow bill per account type, bank statement closing). */
export const channelBalances = sqliteTable(
  'channel_balances',
  {
    id: integer('id').primaryKey(),
    fileId: integer('file_id')
      .notNull()
      .references(() => importFiles.id),
    channel: text('channel').notNull(),
    account: text('account').notNull(),
    balanceFen: integer('balance_fen').notNull(),
    at: text('at').notNull(),
  },
  (table) => [index('channel_balances_channel_at').on(table.channel, table.at)],
);

/** A user-defined bank CSV/XLSX column mapping, saved per bank account. */
export const bankColumnMappings = sqliteTable('bank_column_mappings', {
  account: text('account').primaryKey(),
  mappingJson: text('mapping_json').notNull(),
  updatedAt: text('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});
