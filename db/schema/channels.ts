import { sql } from 'drizzle-orm';
import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /**
     * The row's own text only when it is not exactly line `lineNumber` of the file's stored lines
     * (an MT940 entry over several lines, a camt.053 <Ntry> element, a CSV record with a quoted
     * line break, a second zip member); null means "read that line from channel_file_blocks".
     */
    rawLine: text('raw_line'),
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
    // Only refund rows carry a merchant refund number: a search by one (x = ?) never needs the NULLs.
    index('channel_transactions_refund_no').on(table.merchantRefundNo).where(sql`${table.merchantRefundNo} IS NOT NULL`),
  ],
);

/**
 * The decoded lines of an imported file (its first text part), stored once: blocks of
 * consecutive lines, deflate-compressed, so any channel row can show its original line.
 */
export const channelFileBlocks = sqliteTable(
  'channel_file_blocks',
  {
    id: integer('id').primaryKey(),
    fileId: integer('file_id')
      .notNull()
      .references(() => importFiles.id),
    /** 1-based line number of the block's first line; the block holds lineCount consecutive lines. */
    firstLineNumber: integer('first_line_number').notNull(),
    lineCount: integer('line_count').notNull(),
    /** Raw deflate of: line count (uint32 LE), each line's length in UTF-16 units (uint32 LE), the lines' UTF-8 text. */
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (table) => [uniqueIndex('channel_file_blocks_file_line').on(table.fileId, table.firstLineNumber)],
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
