import { LedgerdeskError } from '../../core/errors';
import { formatFenAsYuan, type Fen } from '../../core/money';
import { flushPendingMallWrites } from '../../core/payouts';
import { reviewWithdrawal, type MemberHistory } from '../../core/withdrawals';
import { stringOption, type CommandDefinition } from '../command';
import { writeBackJson } from './payouts';

const yuan = (amount: Fen | null) => (amount === null ? null : formatFenAsYuan(amount));

function historyJson(history: MemberHistory) {
  return {
    member_id: history.memberId,
    commission_count: history.commissionCount,
    commission_total: formatFenAsYuan(history.commissionTotalFen),
    commission_paid_count: history.commissionPaidCount,
    commission_flagged_count: history.commissionFlaggedCount,
    commission_cancelled_count: history.commissionCancelledCount,
    commissions: history.commissions.map((row) => ({ commission_id: row.commissionId, order_no: row.orderNo, level: row.level, amount: yuan(row.amountFen), status: row.status, flagged: row.flagged, payout: row.payout })),
    withdrawals: history.withdrawals.map((row) => ({ withdrawal_no: row.withdrawalNo, amount: formatFenAsYuan(row.amountFen), status: row.status, submitted_at: row.submittedAt })),
  };
}

export const withdrawalReviewCommand: CommandDefinition = {
  words: ['withdrawal', 'review'],
  usage: 'withdrawal review NO --decision approve|reject [--confirm-identity] [--note T]',
  summary: "review a withdrawal; the acting user's role decides the tier (operations 1, finance 2)",
  options: { decision: { type: 'string' }, 'confirm-identity': { type: 'boolean' }, note: { type: 'string' } },
  async run(context, args) {
    const withdrawalNo = args.positionals[0];
    const decision = stringOption(args, 'decision');
    if (!withdrawalNo || (decision !== 'approve' && decision !== 'reject')) {
      throw new LedgerdeskError('usage', 'withdrawal review NO --decision approve|reject [--confirm-identity] [--note T]');
    }
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      let result;
      try {
        result = reviewWithdrawal(workspace, actor, { withdrawalNo, decision, confirmIdentity: args.values['confirm-identity'] === true, note: stringOption(args, 'note') ?? null });
      } catch (error) {
        // The refusal of a large withdrawal carries the member's history: show it, in JSON too.
        if (error instanceof LedgerdeskError && (error.details as { history?: MemberHistory } | undefined)?.history) {
          const details = error.details as { history: MemberHistory; real_name?: string };
          const history = historyJson(details.history);
          context.say(`Member ${history.member_id}: ${history.commission_count} commissions (${history.commission_total}), ${history.withdrawals.length} withdrawals.`);
          throw new LedgerdeskError(error.code, error.message, { real_name: details.real_name ?? null, history });
        }
        throw error;
      }
      const writeBack = result.status === 'tier1_approved' ? null : await flushPendingMallWrites(workspace);
      context.say(`${result.withdrawalNo}: ${result.status} (tier ${result.tier})${result.outBillNo ? `, payout ${result.outBillNo}` : ''}.`);
      return {
        withdrawal_no: result.withdrawalNo,
        status: result.status,
        tier: result.tier,
        out_bill_no: result.outBillNo,
        ...(result.history ? { history: historyJson(result.history) } : {}),
        ...(writeBack ? { write_back: writeBackJson(writeBack) } : {}),
      };
    } finally {
      workspace.close();
    }
  },
};
