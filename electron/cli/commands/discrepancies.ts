import { LedgerdeskError } from '../../core/errors';
import { listDiscrepancies } from '../../core/reconcile';
import { stringOption, type CommandDefinition } from '../command';

export const discrepanciesCommand: CommandDefinition = {
  words: ['discrepancies'],
  usage: 'discrepancies [--status open|resolved|all] [--from D --to D]',
  summary: 'list reconciliation discrepancies (amounts in yuan; difference = channel - mall)',
  options: { status: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  async run(context, args) {
    const status = stringOption(args, 'status') ?? 'open';
    if (status !== 'open' && status !== 'resolved' && status !== 'all') throw new LedgerdeskError('usage', `--status must be open, resolved or all, got "${status}"`);
    const workspace = await context.openWorkspace({ readonly: true });
    try {
      const items = listDiscrepancies(workspace.sqlite, { status, from: stringOption(args, 'from'), to: stringOption(args, 'to') });
      if (items.length === 0) context.say(`No ${status === 'all' ? '' : `${status} `}discrepancies.`);
      for (const item of items) {
        context.say(
          `${String(item.id).padStart(6)}  ${item.business_date}  ${item.channel.padEnd(6)}  ${item.category.padEnd(26)} ${(item.refund_no ?? item.order_no ?? '').padEnd(22)} ` +
            `mall ${(item.mall_amount ?? '-').padStart(10)}  channel ${(item.channel_amount ?? '-').padStart(10)}  diff ${item.difference.padStart(10)}  ${item.status}`,
        );
      }
      return { items };
    } finally {
      workspace.close();
    }
  },
};
