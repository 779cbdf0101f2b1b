import { requirePermission } from '../../core/auth';
import { closeMonth } from '../../core/close';
import { LedgerdeskError } from '../../core/errors';
import { formatFenAsYuan } from '../../core/money';
import type { CommandDefinition } from '../command';

export const closeCommand: CommandDefinition = {
  words: ['close'],
  usage: 'close YYYY-MM',
  summary: 'month-end close: reconcile, check the discrepancy rate and the GMV cross-check, lock the month',
  async run(context, args) {
    const month = args.positionals[0];
    if (!month) throw new LedgerdeskError('usage', 'close needs a month (YYYY-MM)');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'period.close');
      const result = closeMonth(workspace, actor, month);
      context.say(`Closed ${result.month}: discrepancy rate ${result.discrepancyRate} (threshold ${result.threshold}), GMV difference ${formatFenAsYuan(result.gmvDifferenceFen)}`);
      return {
        month: result.month,
        closed: result.closed,
        discrepancy_rate: result.discrepancyRate,
        threshold: result.threshold,
        gmv_difference: formatFenAsYuan(result.gmvDifferenceFen),
        open_discrepancies: result.openDiscrepancies,
        closed_by: actor.userName,
      };
    } finally {
      workspace.close();
    }
  },
};
