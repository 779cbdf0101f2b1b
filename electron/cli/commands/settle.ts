import { requirePermission } from '../../core/auth';
import { isPayoutRoute, PAYOUT_ROUTES, postCommissionClawbacks, runSettlement } from '../../core/commissions';
import { LedgerdeskError } from '../../core/errors';
import { formatFenAsYuan } from '../../core/money';
import { flushPendingMallWrites, listPayouts, submitPayouts } from '../../core/payouts';
import { stringOption, type CommandDefinition } from '../command';
import { payoutChannelsFor, payoutJson, writeBackJson } from './payouts';

export const settleCommand: CommandDefinition = {
  words: ['settle'],
  usage: `settle [--cycle-end YYYY-MM-DD] [--route ${PAYOUT_ROUTES.join('|')}] [--submit]`,
  summary: 'one commission settlement cycle: one payout per distributor, paid by --route (default: the WeChat API configured); --submit sends them',
  options: { 'cycle-end': { type: 'string' }, submit: { type: 'boolean' }, route: { type: 'string' } },
  async run(context, args) {
    const cycleEnd = stringOption(args, 'cycle-end');
    if (cycleEnd !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(cycleEnd)) throw new LedgerdeskError('usage', '--cycle-end takes a date YYYY-MM-DD');
    const route = stringOption(args, 'route');
    if (route !== undefined && !isPayoutRoute(route)) throw new LedgerdeskError('usage', `--route is one of ${PAYOUT_ROUTES.join(', ')}`);
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'settlement.run');
      const clawbacks = postCommissionClawbacks(workspace, actor.userName);
      const result = runSettlement(workspace, actor, { cycleEnd, payoutRoute: route });
      context.say(`Settlement ${result.settlementNo} for ${result.cycle.start}..${result.cycle.end}: ${result.payouts.length} payout(s), ${result.carriedOver.length} carried over, ${result.held.length} held.`);
      let writeBack = null;
      let exportFile: string | null = null;
      if (args.values.submit === true && result.payouts.length > 0) {
        const channels = payoutChannelsFor(workspace, context.env);
        await submitPayouts(workspace, actor.userName, channels, { settlementNo: result.settlementNo });
        writeBack = await flushPendingMallWrites(workspace);
        // Bank / Alipay payouts are in a sheet for the clerk; its results come back by `payouts import-results`.
        if (result.payouts.some((payout) => payout.method !== 'wechat')) exportFile = channels.file.filePathFor(result.settlementNo);
      }
      const payouts = listPayouts(workspace.sqlite, { settlementNo: result.settlementNo }).map(payoutJson);
      if (exportFile) context.say(`Bank / Alipay payouts exported to ${exportFile}`);
      for (const payout of payouts) context.say(`  ${payout.out_bill_no}  ${payout.distributor_id.padEnd(14)} ${payout.amount.padStart(12)} (${payout.commission_count})  ${payout.state}`);
      return {
        settlement_no: result.settlementNo,
        cycle: result.cycle,
        route: route ?? 'wechat',
        export_file: exportFile,
        payouts,
        carried_over: result.carriedOver.map((one) => ({ distributor_id: one.distributorId, amount: formatFenAsYuan(one.amountFen), commission_count: one.commissionCount })),
        held: result.held.map((one) => ({ commission_id: one.commissionId, distributor_id: one.distributorId, reason: one.reason })),
        clawbacks: clawbacks.map((one) => ({ commission_id: one.commissionId, distributor_id: one.distributorId, amount: formatFenAsYuan(one.amountFen), skipped: one.skipped })),
        ...(writeBack ? { write_back: writeBackJson(writeBack) } : {}),
      };
    } finally {
      workspace.close();
    }
  },
};
