import { requirePermission } from '../../core/auth';
import { formatFenAsYuan } from '../../core/money';
import { listWithdrawals } from '../../core/withdrawals';
import { stringOption, type CommandDefinition } from '../command';

export const withdrawalsCommand: CommandDefinition = {
  words: ['withdrawals'],
  usage: 'withdrawals [--status submitted|tier1_approved|approved|rejected|paid|failed|cancelled]',
  summary: 'withdrawals synced from the mall with their review state',
  options: { status: { type: 'string' } },
  async run(context, args) {
    const workspace = await context.openWorkspace({ readonly: true });
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'ledger.read');
      const items = listWithdrawals(workspace.sqlite, { status: stringOption(args, 'status') }).map((item) => ({
        withdrawal_no: item.withdrawalNo,
        member_id: item.memberId,
        amount: formatFenAsYuan(item.amountFen),
        fee: formatFenAsYuan(item.feeFen),
        net_amount: formatFenAsYuan(item.netFen),
        source: item.source,
        method: item.method,
        status: item.status,
        mall_status: item.mallStatus,
        tier1_by: item.tier1By,
        tier2_by: item.tier2By,
        reject_reason: item.rejectReason,
      }));
      for (const item of items) context.say(`${item.withdrawal_no.padEnd(20)} ${item.member_id.padEnd(12)} ${item.amount.padStart(12)}  ${item.status.padEnd(15)} ${item.tier1_by ?? '-'} / ${item.tier2_by ?? '-'}`);
      if (items.length === 0) context.say('No withdrawals.');
      return { items };
    } finally {
      workspace.close();
    }
  },
};
