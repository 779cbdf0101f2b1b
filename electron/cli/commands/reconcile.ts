import { requirePermission } from '../../core/auth';
import { formatFenAsYuan } from '../../core/money';
import { runReconciliation } from '../../core/reconcile';
import { stringOption, type CommandDefinition } from '../command';

export const reconcileCommand: CommandDefinition = {
  words: ['reconcile'],
  usage: 'reconcile [--from YYYY-MM-DD --to YYYY-MM-DD]',
  summary: 'match mall payments, top-ups and refunds with the imported channel rows (T+1 daily run)',
  options: { from: { type: 'string' }, to: { type: 'string' } },
  async run(context, args) {
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'reconcile.run');
      const summary = runReconciliation(workspace, actor, { from: stringOption(args, 'from'), to: stringOption(args, 'to') });
      context.say(
        `Reconciled${summary.from || summary.to ? ` ${summary.from ?? '...'} .. ${summary.to ?? '...'}` : ''}: ${summary.matched} matched, ` +
          `${summary.pending} pending (T+1), ${summary.openDiscrepancies} open discrepancies, rate ${summary.discrepancyRate}`,
      );
      for (const [category, count] of Object.entries(summary.byCategory)) if (count > 0) context.say(`  ${category.padEnd(26)} ${count}`);
      return {
        run_id: summary.runId,
        from: summary.from,
        to: summary.to,
        matched: summary.matched,
        pending: summary.pending,
        open_discrepancies: summary.openDiscrepancies,
        resolved_discrepancies: summary.resolvedDiscrepancies,
        by_category: summary.byCategory,
        open_difference: formatFenAsYuan(summary.openDifferenceFen),
        channel_payments: formatFenAsYuan(summary.channelPaymentFen),
        discrepancy_rate: summary.discrepancyRate,
        changed: summary.changes,
      };
    } finally {
      workspace.close();
    }
  },
};
