import { requirePermission } from '../../core/auth';
import { postCommissionClawbacks } from '../../core/commissions';
import { createConfiguredPayoutChannels, flushPendingMallWrites, listPayouts, pollPayouts, submitPayouts, type MallWriteFlush, type PayoutRecord } from '../../core/payouts';
import { formatFenAsYuan } from '../../core/money';
import type { Workspace } from '../../core/workspace';
import { stringOption, type CommandDefinition } from '../command';

export function payoutJson(payout: PayoutRecord) {
  return {
    out_bill_no: payout.outBillNo,
    kind: payout.kind,
    settlement_no: payout.settlementNo,
    distributor_id: payout.partyId,
    withdrawal_id: payout.withdrawalId,
    amount: formatFenAsYuan(payout.amountFen),
    commission_count: payout.commissionCount,
    method: payout.method,
    channel: payout.channel,
    state: payout.state,
    channel_ref: payout.channelRef,
    failure_reason: payout.failureReason,
    attempts: payout.attemptCount,
  };
}

export function writeBackJson(flush: MallWriteFlush) {
  return { attempted: flush.attempted, sent: flush.sent, failed: flush.failed, deferred: flush.deferred, error: flush.error };
}

/** CLI tuning from the environment (tests point timeouts at a simulator that hangs). */
export function payoutChannelsFor(workspace: Workspace, env: NodeJS.ProcessEnv) {
  const timeoutMs = env.LEDGERDESK_PAYOUT_TIMEOUT_MS ? Number.parseInt(env.LEDGERDESK_PAYOUT_TIMEOUT_MS, 10) : undefined;
  return createConfiguredPayoutChannels(workspace, { timeoutMs: Number.isSafeInteger(timeoutMs) ? timeoutMs : undefined });
}

export const payoutsCommand: CommandDefinition = {
  words: ['payouts'],
  usage: 'payouts [--poll] [--submit] [--settlement S]',
  summary: 'payout states; --poll queries the channel first, --submit sends unsent payouts (approved withdrawals too)',
  options: { poll: { type: 'boolean' }, submit: { type: 'boolean' }, settlement: { type: 'string' } },
  async run(context, args) {
    const settlementNo = stringOption(args, 'settlement');
    const acting = args.values.poll === true || args.values.submit === true;
    const workspace = await context.openWorkspace({ readonly: !acting });
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, acting ? 'settlement.run' : 'ledger.read');
      let writeBack: MallWriteFlush | null = null;
      if (acting) {
        const channels = payoutChannelsFor(workspace, context.env);
        if (args.values.submit === true) await submitPayouts(workspace, actor.userName, channels, settlementNo ? { settlementNo } : {});
        if (args.values.poll === true) await pollPayouts(workspace, actor.userName, channels);
        postCommissionClawbacks(workspace, actor.userName);
        writeBack = await flushPendingMallWrites(workspace);
      }
      const items = listPayouts(workspace.sqlite, settlementNo ? { settlementNo } : {}).map(payoutJson);
      for (const item of items) context.say(`${item.out_bill_no.padEnd(34)} ${item.distributor_id.padEnd(14)} ${item.amount.padStart(12)}  ${item.state}${item.failure_reason ? ` (${item.failure_reason})` : ''}`);
      if (items.length === 0) context.say('No payouts.');
      return writeBack ? { items, write_back: writeBackJson(writeBack) } : { items };
    } finally {
      workspace.close();
    }
  },
};
