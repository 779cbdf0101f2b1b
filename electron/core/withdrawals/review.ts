/**
 * The two-tier withdrawal review. The acting user's role decides the tier: operations reviews
 * first, finance second, and never the same person for both (segregation of duties). At or above
 * the threshold the finance reviewer must confirm the payee's verified real name and is shown the
 * member's commission and withdrawal history. Tier 2's approval posts withdrawal_approved
 * (Dr 2203/2204, Cr 2206 net, Cr 6051 fee) and creates the payout; a rejection returns the money
 * (reverses an approval entry if one was posted). Every decision is audited and written back to
 * the mall through the outbox.
 *
 * Rule shared with the sync: for a withdrawal with a withdrawal_reviews row, Ledgerdesk's review
 * decides and posts; the sync posts nothing for it (see isReviewedInLedgerdesk). Whoever posts
 * withdrawal_approved / withdrawal_paid first, the other finds the live entry on the same source
 * (resource 'withdrawals', id = the withdrawal id) and posts nothing.
 */
import type { SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { roleMay } from '../auth/roles';
import { requirePermission, type Actor } from '../auth/users';
import { LedgerdeskError } from '../errors';
import type { SourceDocument } from '../ledger/entry';
import { postEntry } from '../ledger/post';
import { entriesForSource } from '../ledger/read';
import { reverseEntry } from '../ledger/reverse';
import { withdrawalApprovedEntry } from '../ledger/rules/withdrawals';
import { formatFenAsYuan } from '../money';
import { enqueueMallWrite } from '../payouts/mall-writeback';
import { insertPayout, withdrawalOutBillNo, withdrawalSettlementNo } from '../payouts/payout-store';
import type { Workspace } from '../workspace/workspace';
import { findWithdrawal, identityThresholdFen, memberHistory, type MemberHistory, type WithdrawalItem, type WithdrawalStatus } from './withdrawals';

export interface ReviewInput {
  withdrawalNo: string;
  decision: 'approve' | 'reject';
  /** The finance reviewer confirms the payee's verified real name (required at or above the threshold). */
  confirmIdentity?: boolean;
  note?: string | null;
}

export interface ReviewResult {
  withdrawalNo: string;
  status: WithdrawalStatus;
  tier: 1 | 2;
  /** The payout created by a tier-2 approval. */
  outBillNo: string | null;
  approvalEntryId: number | null;
  /** Shown to the finance reviewer of a withdrawal at or above the threshold. */
  history: MemberHistory | null;
}

/** True when Ledgerdesk reviews this withdrawal: the sync must leave its approval and payment entries to us. */
export function isReviewedInLedgerdesk(sqlite: SqliteDatabase, withdrawalId: string): boolean {
  return sqlite.prepare(`SELECT 1 FROM withdrawal_reviews WHERE withdrawal_id = ?`).get(withdrawalId) !== undefined;
}

function tierOf(actor: Actor): 1 | 2 {
  if (roleMay(actor.role, 'withdrawal.review.operations')) return 1;
  if (roleMay(actor.role, 'withdrawal.review.finance')) return 2;
  // Throws 'forbidden' with the standard message.
  requirePermission(actor, 'withdrawal.review.operations');
  throw new LedgerdeskError('forbidden', `${actor.userName} may not review withdrawals`);
}

function sourceOf(item: WithdrawalItem): SourceDocument {
  return { resource: 'withdrawals', id: item.withdrawalId, no: item.withdrawalNo };
}

function liveApprovalEntryId(sqlite: SqliteDatabase, item: WithdrawalItem): number | null {
  const live = entriesForSource(sqlite, 'withdrawals', item.withdrawalId).find((entry) => entry.entryType === 'withdrawal_approved' && entry.reversedByEntryNo === null);
  return live?.id ?? null;
}

interface ReviewRow {
  status: WithdrawalStatus;
  tier1_by: string | null;
}

export function reviewWithdrawal(workspace: Workspace, actor: Actor, input: ReviewInput): ReviewResult {
  const tier = tierOf(actor);
  const sqlite = workspace.sqlite;
  const note = input.note?.trim() || null;
  if (input.decision !== 'approve' && input.decision !== 'reject') throw new LedgerdeskError('invalid_input', 'the decision is approve or reject');
  if (input.decision === 'reject' && !note) throw new LedgerdeskError('invalid_input', 'a rejection needs a reason (--note)');

  return sqlite.transaction((): ReviewResult => {
    const item = findWithdrawal(sqlite, input.withdrawalNo);
    if (!item) throw new LedgerdeskError('not_found', `no withdrawal ${input.withdrawalNo} has been synced from the mall`);
    const review = sqlite.prepare(`SELECT status, tier1_by FROM withdrawal_reviews WHERE withdrawal_id = ?`).get(item.withdrawalId) as ReviewRow | undefined;
    const now = workspace.clock.now();
    const at = now.toISOString();
    if (item.mallStatus !== 'submitted' && !review) {
      throw new LedgerdeskError('conflict', `withdrawal ${item.withdrawalNo} is ${item.mallStatus} in the mall; only submitted withdrawals are reviewed`);
    }

    if (tier === 1) {
      if (review) throw new LedgerdeskError('conflict', `withdrawal ${item.withdrawalNo} already passed tier 1 (now ${review.status})`);
      sqlite
        .prepare(
          `INSERT INTO withdrawal_reviews (withdrawal_id, withdrawal_no, member_id, amount_fen, status, tier1_by, tier1_at, tier1_note, rejected_by, reject_reason, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          item.withdrawalId,
          item.withdrawalNo,
          item.memberId,
          item.amountFen,
          input.decision === 'approve' ? 'tier1_approved' : 'rejected',
          actor.userName,
          at,
          note,
          input.decision === 'reject' ? actor.userName : null,
          input.decision === 'reject' ? note : null,
          at,
        );
      if (input.decision === 'reject') finishRejection(workspace, actor, item, [actor.userName], note!);
      audit(sqlite, actor, item, `withdrawal.review.tier1.${input.decision}`, { note }, now);
      return { withdrawalNo: item.withdrawalNo, status: input.decision === 'approve' ? 'tier1_approved' : 'rejected', tier, outBillNo: null, approvalEntryId: null, history: null };
    }

    if (!review) throw new LedgerdeskError('conflict', `withdrawal ${item.withdrawalNo} needs the operations review (tier 1) first`);
    if (review.status !== 'tier1_approved') throw new LedgerdeskError('conflict', `withdrawal ${item.withdrawalNo} is already ${review.status}`);
    if (review.tier1_by === actor.userName) {
      throw new LedgerdeskError('segregation_of_duties', `${actor.userName} approved tier 1 of ${item.withdrawalNo}; tier 2 needs another person`);
    }
    if (item.mallStatus !== 'submitted') throw new LedgerdeskError('conflict', `withdrawal ${item.withdrawalNo} is ${item.mallStatus} in the mall now`);
    const reviewers = [review.tier1_by ?? '', actor.userName];

    if (input.decision === 'reject') {
      sqlite
        .prepare(`UPDATE withdrawal_reviews SET status = 'rejected', tier2_by = ?, tier2_at = ?, tier2_note = ?, rejected_by = ?, reject_reason = ?, updated_at = ? WHERE withdrawal_id = ?`)
        .run(actor.userName, at, note, actor.userName, note, at, item.withdrawalId);
      finishRejection(workspace, actor, item, reviewers, note!);
      audit(sqlite, actor, item, 'withdrawal.review.tier2.reject', { note }, now);
      return { withdrawalNo: item.withdrawalNo, status: 'rejected', tier, outBillNo: null, approvalEntryId: null, history: null };
    }

    const threshold = identityThresholdFen(sqlite);
    const large = item.amountFen >= threshold;
    const history = large ? memberHistory(sqlite, item.memberId) : null;
    if (large) {
      if (!item.realName) {
        throw new LedgerdeskError('conflict', `withdrawal ${item.withdrawalNo} (${formatFenAsYuan(item.amountFen)}) has no verified real name to confirm`, { history });
      }
      if (!input.confirmIdentity) {
        throw new LedgerdeskError(
          'invalid_input',
          `withdrawal ${item.withdrawalNo} is ${formatFenAsYuan(item.amountFen)}, at or above ${formatFenAsYuan(threshold)}: confirm the payee's verified real name (${item.realName}) with --confirm-identity after reviewing the member's history`,
          { real_name: item.realName, history },
        );
      }
    }
    const approvalEntryId =
      liveApprovalEntryId(sqlite, item) ??
      postEntry(workspace.postingContext(actor.userName), {
        ...withdrawalApprovedEntry({
          source: sourceOf(item),
          memberId: item.memberId,
          approvedAt: at,
          from: item.source,
          amountFen: item.amountFen,
          feeFen: item.feeFen,
          netFen: item.netFen,
        }),
        memo: `approved by ${reviewers.join(', ')}`,
      }).id;
    const outBillNo = withdrawalOutBillNo(item.withdrawalNo);
    insertPayout(
      sqlite,
      {
        outBillNo,
        kind: 'withdrawal',
        settlementNo: withdrawalSettlementNo(item.withdrawalNo),
        partyId: item.memberId,
        withdrawalId: item.withdrawalId,
        amountFen: item.netFen,
        commissionCount: 0,
        method: item.method,
        payeeOpenid: item.payeeOpenid,
        payeeRealName: item.realName,
        remark: `提现 ${item.withdrawalNo}`.slice(0, 32),
        payoutEntryId: approvalEntryId,
      },
      actor.userName,
      now,
    );
    sqlite
      .prepare(
        `UPDATE withdrawal_reviews SET status = 'approved', tier2_by = ?, tier2_at = ?, tier2_note = ?, identity_confirmed = ?, approval_entry_id = ?, updated_at = ? WHERE withdrawal_id = ?`,
      )
      .run(actor.userName, at, note, large ? 1 : 0, approvalEntryId, at, item.withdrawalId);
    enqueueMallWrite(
      sqlite,
      {
        kind: 'withdrawal_decision',
        targetId: item.withdrawalId,
        idempotencyKey: `withdrawal-decision-${item.withdrawalId}`,
        body: { decision: 'approve', reviewed_by: reviewers, note, decided_at: at },
      },
      actor.userName,
      now,
    );
    audit(
      sqlite,
      actor,
      item,
      'withdrawal.review.tier2.approve',
      {
        note,
        identityConfirmed: large,
        realName: large ? item.realName : null,
        historyShown: history ? { commissions: history.commissionCount, withdrawals: history.withdrawals.length } : null,
        approvalEntryId,
        outBillNo,
      },
      now,
    );
    return { withdrawalNo: item.withdrawalNo, status: 'approved', tier, outBillNo, approvalEntryId, history };
  })();
}

/** A rejection returns the money: any live approval entry is reversed; the mall hears the decision. */
function finishRejection(workspace: Workspace, actor: Actor, item: WithdrawalItem, reviewers: string[], reason: string): void {
  const sqlite = workspace.sqlite;
  const now = workspace.clock.now();
  const approval = liveApprovalEntryId(sqlite, item);
  if (approval !== null) reverseEntry(workspace.postingContext(actor.userName), approval, { memo: `withdrawal ${item.withdrawalNo} rejected: ${reason}` });
  enqueueMallWrite(
    sqlite,
    {
      kind: 'withdrawal_decision',
      targetId: item.withdrawalId,
      idempotencyKey: `withdrawal-decision-${item.withdrawalId}`,
      body: { decision: 'reject', reviewed_by: reviewers, note: reason, decided_at: now.toISOString() },
    },
    actor.userName,
    now,
  );
}

function audit(sqlite: SqliteDatabase, actor: Actor, item: WithdrawalItem, action: string, detail: Record<string, unknown>, now: Date): void {
  appendAudit(
    sqlite,
    {
      userName: actor.userName,
      action,
      objectType: 'withdrawal',
      objectId: item.withdrawalNo,
      detail: { ...detail, member: item.memberId, amount: formatFenAsYuan(item.amountFen), role: actor.role },
    },
    now,
  );
}
