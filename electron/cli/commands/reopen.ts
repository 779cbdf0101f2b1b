import { requirePermission } from '../../core/auth';
import { reopenMonth } from '../../core/close';
import { LedgerdeskError } from '../../core/errors';
import { stringOption, type CommandDefinition } from '../command';

export const reopenCommand: CommandDefinition = {
  words: ['reopen'],
  usage: 'reopen YYYY-MM --reason T',
  summary: 'reopen a closed month (finance only, with a reason; audited)',
  options: { reason: { type: 'string' } },
  async run(context, args) {
    const month = args.positionals[0];
    if (!month) throw new LedgerdeskError('usage', 'reopen needs a month (YYYY-MM)');
    const reason = stringOption(args, 'reason');
    if (!reason || !reason.trim()) throw new LedgerdeskError('usage', '--reason is required');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'period.reopen');
      const status = reopenMonth(workspace, actor, month, reason);
      context.say(`Reopened ${status.month} (${status.reopenReason})`);
      return { month: status.month, status: status.status, reopened_by: status.reopenedBy, reopened_at: status.reopenedAt, reason: status.reopenReason };
    } finally {
      workspace.close();
    }
  },
};
