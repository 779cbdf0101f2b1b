import { requirePermission } from '../../core/auth';
import { LedgerdeskError } from '../../core/errors';
import { resolutions, resolveDiscrepancies, type Resolution } from '../../core/reconcile';
import { stringOption, type CommandDefinition } from '../command';

export const discrepancyResolveCommand: CommandDefinition = {
  words: ['discrepancy', 'resolve'],
  usage: 'discrepancy resolve ID... --resolution mall_corrected|channel_corrected|write_off|timing --note T',
  summary: 'resolve one or more discrepancies (all or none); write_off posts an adjustment entry',
  options: { resolution: { type: 'string' }, note: { type: 'string' } },
  async run(context, args) {
    const ids = args.positionals.flatMap((text) => text.split(',')).filter((text) => text !== '');
    if (ids.length === 0) throw new LedgerdeskError('usage', 'discrepancy resolve needs at least one discrepancy id');
    for (const id of ids) if (!/^[1-9]\d*$/.test(id)) throw new LedgerdeskError('usage', `"${id}" is not a discrepancy id`);
    const resolution = stringOption(args, 'resolution');
    if (!resolution || !(resolutions as readonly string[]).includes(resolution)) {
      throw new LedgerdeskError('usage', `--resolution must be one of ${resolutions.join(', ')}`);
    }
    const note = stringOption(args, 'note');
    if (!note || !note.trim()) throw new LedgerdeskError('usage', '--note is required');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'discrepancy.review');
      const resolved = resolveDiscrepancies(workspace, actor, ids.map(Number), { resolution: resolution as Resolution, note });
      for (const item of resolved) context.say(`resolved ${item.id}: ${item.resolution}${item.adjustmentEntryNo ? ` (adjustment ${item.adjustmentEntryNo})` : ''}`);
      return { resolved: resolved.map((item) => ({ id: item.id, resolution: item.resolution, adjustment_entry_no: item.adjustmentEntryNo })), resolved_by: actor.userName };
    } finally {
      workspace.close();
    }
  },
};
