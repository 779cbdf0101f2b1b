import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One commission settlement run: a cycle's settleable, unsettled commissions grouped per distributor. */
export const commissionSettlements = sqliteTable(
  'commission_settlements',
  {
    /** S + cycle end YYYYMMDD + two-digit run sequence: also the WeChat batch number prefix. */
    settlementNo: text('settlement_no').primaryKey(),
    cycleStart: text('cycle_start').notNull(),
    cycleEnd: text('cycle_end').notNull(),
    /** Commissions settleable before this instant (00:00+08:00 after the cycle end) were candidates. */
    cutoffAt: text('cutoff_at').notNull(),
    payoutCount: integer('payout_count').notNull(),
    amountFen: integer('amount_fen').notNull(),
    carriedOverCount: integer('carried_over_count').notNull(),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (table) => [index('commission_settlements_cycle').on(table.cycleEnd)],
);

/**
 * Every payout to a distributor (commission settlement) or member (approved withdrawal).
 * The row exists, committed, in state 'created' before the channel ever sees it; out_bill_no is
 * fixed at creation and reused by every retry, so the channel never pays it twice.
 */
export const payouts = sqliteTable(
  'payouts',
  {
    id: integer('id').primaryKey(),
    outBillNo: text('out_bill_no').notNull(),
    kind: text('kind', { enum: ['commission', 'withdrawal'] }).notNull(),
    /** Settlement number (commissions) or W + withdrawal number (withdrawals); groups batches. */
    settlementNo: text('settlement_no').notNull(),
    /** Distributor (commission) or member (withdrawal): the party of the postings. */
    partyId: text('party_id').notNull(),
    withdrawalId: text('withdrawal_id'),
    amountFen: integer('amount_fen').notNull(),
    commissionCount: integer('commission_count').notNull(),
    /** wechat | alipay | bank: which clearing account the paid entry credits. */
    method: text('method', { enum: ['wechat', 'alipay', 'bank'] }).notNull(),
    payeeOpenid: text('payee_openid'),
    payeeRealName: text('payee_real_name'),
    remark: text('remark').notNull(),
    /** The PayoutChannel name that was (or will be) used; fixed at first submit. */
    channel: text('channel'),
    state: text('state', {
      enum: ['created', 'accepted', 'processing', 'wait_user_confirm', 'transferring', 'success', 'failed', 'cancelled', 'expired'],
    }).notNull(),
    channelRef: text('channel_ref'),
    failureReason: text('failure_reason'),
    /** How many times it was handed to a channel; > 0 with state 'created' means "query before re-sending". */
    attemptCount: integer('attempt_count').notNull().default(0),
    /** commission_payout or withdrawal_approved entry that moved the money to 2206. */
    payoutEntryId: integer('payout_entry_id'),
    /** payout_paid / withdrawal_paid entry, once paid. */
    paidEntryId: integer('paid_entry_id'),
    /** The reversal of payout_entry_id when the payout failed or expired. */
    returnEntryId: integer('return_entry_id'),
    createdAt: text('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    firstSubmittedAt: text('first_submitted_at'),
    updatedAt: text('updated_at').notNull(),
    /** Set when the outcome's ledger consequences (paid or returned) are booked. */
    finishedAt: text('finished_at'),
  },
  (table) => [
    uniqueIndex('payouts_out_bill_no').on(table.outBillNo),
    index('payouts_settlement').on(table.settlementNo),
    index('payouts_party').on(table.partyId),
    index('payouts_open').on(table.finishedAt, table.state),
    uniqueIndex('payouts_withdrawal_open').on(table.withdrawalId).where(sql`withdrawal_id IS NOT NULL AND return_entry_id IS NULL`),
  ],
);

/** Which commissions a payout settles. A commission is in at most one payout that was not returned. */
export const payoutCommissions = sqliteTable(
  'payout_commissions',
  {
    id: integer('id').primaryKey(),
    payoutId: integer('payout_id')
      .notNull()
      .references(() => payouts.id),
    commissionId: text('commission_id').notNull(),
    amountFen: integer('amount_fen').notNull(),
    /** When the payout failed or expired and the commission went back to the next cycle. */
    releasedAt: text('released_at'),
    /** The commission_clawback entry when the commission was cancelled after payout. */
    clawbackEntryId: integer('clawback_entry_id'),
  },
  (table) => [
    index('payout_commissions_payout').on(table.payoutId),
    index('payout_commissions_commission').on(table.commissionId),
    uniqueIndex('payout_commissions_active').on(table.commissionId).where(sql`released_at IS NULL`),
  ],
);

/** The PayoutBatchIndex of the legacy batches API: which batch each payout went into, recorded before sending. */
export const payoutBatchMembers = sqliteTable(
  'payout_batch_members',
  {
    outBillNo: text('out_bill_no').primaryKey(),
    outBatchNo: text('out_batch_no').notNull(),
    settlementNo: text('settlement_no').notNull(),
    position: integer('position').notNull(),
  },
  (table) => [index('payout_batch_members_batch').on(table.outBatchNo, table.position), index('payout_batch_members_settlement').on(table.settlementNo)],
);

/** The two-tier review of a withdrawal synced from the mall. */
export const withdrawalReviews = sqliteTable(
  'withdrawal_reviews',
  {
    withdrawalId: text('withdrawal_id').primaryKey(),
    withdrawalNo: text('withdrawal_no').notNull(),
    memberId: text('member_id').notNull(),
    amountFen: integer('amount_fen').notNull(),
    status: text('status', { enum: ['tier1_approved', 'approved', 'rejected', 'paid', 'failed'] }).notNull(),
    tier1By: text('tier1_by'),
    tier1At: text('tier1_at'),
    tier1Note: text('tier1_note'),
    tier2By: text('tier2_by'),
    tier2At: text('tier2_at'),
    tier2Note: text('tier2_note'),
    identityConfirmed: integer('identity_confirmed', { mode: 'boolean' }).notNull().default(false),
    rejectedBy: text('rejected_by'),
    rejectReason: text('reject_reason'),
    approvalEntryId: integer('approval_entry_id'),
    updatedAt: text('updated_at').notNull(),
  },
  (table) => [uniqueIndex('withdrawal_reviews_no').on(table.withdrawalNo), index('withdrawal_reviews_status').on(table.status)],
);
