import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Workspace facts: company name, books start, the app that created it. */
export const workspaceMeta = sqliteTable('workspace_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Free-form settings (fee rates, thresholds, connections), JSON values. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  valueJson: text('value_json').notNull(),
  updatedAt: text('updated_at').notNull(),
  updatedBy: text('updated_by'),
});

/** Secrets (mall token, merchant key, seal password) sealed with a key derived from the passphrase. */
export const secrets = sqliteTable('secrets', {
  name: text('name').primaryKey(),
  cipherText: text('cipher_text').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  role: text('role', { enum: ['admin', 'clerk', 'operations', 'finance', 'auditor'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  failedLoginCount: integer('failed_login_count').notNull().default(0),
  lockedUntil: text('locked_until'),
  createdAt: text('created_at').notNull(),
  disabled: integer('disabled').notNull().default(0),
});

export const accounts = sqliteTable('accounts', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  nameZh: text('name_zh').notNull(),
  kind: text('kind', { enum: ['asset', 'liability', 'equity', 'income', 'contra_income', 'expense'] }).notNull(),
});

/**
 * A journal entry. Immutable once written (triggers in a custom migration abort UPDATE and DELETE).
 * `hash` chains every entry to the previous one: sha256(previous hash + canonical content).
 */
export const journalEntries = sqliteTable(
  'journal_entries',
  {
    id: integer('id').primaryKey(),
    entryNo: text('entry_no').notNull(),
    entryType: text('entry_type').notNull(),
    occurredAt: text('occurred_at').notNull(),
    period: text('period').notNull(),
    postedAt: text('posted_at').notNull(),
    sourceResource: text('source_resource').notNull(),
    sourceId: text('source_id').notNull(),
    sourceNo: text('source_no'),
    sourceVersion: integer('source_version'),
    reversesEntryId: integer('reverses_entry_id'),
    memo: text('memo'),
    createdBy: text('created_by').notNull(),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [
    uniqueIndex('journal_entries_entry_no').on(table.entryNo),
    index('journal_entries_source').on(table.sourceResource, table.sourceId),
    index('journal_entries_source_no').on(table.sourceNo),
    index('journal_entries_period').on(table.period),
    index('journal_entries_occurred').on(table.occurredAt),
    // Partial: almost no entry reverses another, and every lookup is `reverses_entry_id = ?`.
    uniqueIndex('journal_entries_reverses').on(table.reversesEntryId).where(sql`${table.reversesEntryId} IS NOT NULL`),
  ],
);

export const postings = sqliteTable(
  'postings',
  {
    id: integer('id').primaryKey(),
    entryId: integer('entry_id')
      .notNull()
      .references(() => journalEntries.id),
    lineNo: integer('line_no').notNull(),
    accountCode: text('account_code')
      .notNull()
      .references(() => accounts.code),
    partyId: text('party_id'),
    debitFen: integer('debit_fen').notNull(),
    creditFen: integer('credit_fen').notNull(),
  },
  (table) => [
    index('postings_entry').on(table.entryId),
    index('postings_account').on(table.accountCode),
    // Partial: about half the postings have no party, and every lookup names one (or says IS NOT NULL).
    index('postings_party_account').on(table.partyId, table.accountCode).where(sql`${table.partyId} IS NOT NULL`),
  ],
);

/** The points quantity ledger per member: points are counted, not valued, here. */
export const pointsMovements = sqliteTable(
  'points_ledger',
  {
    id: integer('id').primaryKey(),
    entryId: integer('entry_id')
      .notNull()
      .references(() => journalEntries.id),
    memberId: text('member_id').notNull(),
    changePoints: integer('change_points').notNull(),
    movementKind: text('movement_kind').notNull(),
  },
  (table) => [index('points_ledger_member').on(table.memberId), index('points_ledger_entry').on(table.entryId)],
);

/** Every mutation, hash-chained like the entries. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: text('at').notNull(),
    userName: text('user_name').notNull(),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    detailJson: text('detail_json').notNull(),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [index('audit_log_object').on(table.objectType, table.objectId), index('audit_log_user').on(table.userName)],
);

/** Month status: a closed month accepts no postings. */
export const periods = sqliteTable('periods', {
  month: text('month').primaryKey(),
  status: text('status', { enum: ['open', 'closed'] }).notNull(),
  closedAt: text('closed_at'),
  closedBy: text('closed_by'),
  reopenedAt: text('reopened_at'),
  reopenedBy: text('reopened_by'),
  reopenReason: text('reopen_reason'),
  figuresJson: text('figures_json'),
});

export const nowSql = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;
