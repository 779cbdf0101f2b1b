import { requirePermission } from '../../core/auth';
import { LedgerdeskError } from '../../core/errors';
import { CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX, readCancelUnconfirmedAfterMinutes, writeCancelUnconfirmedAfterMinutes } from '../../core/payouts';
import { stringOption, type CommandDefinition } from '../command';

/**
 * `payout unconfirmed [--cancel-after-minutes N | --off]`: whether `payouts --poll` cancels WeChat
 * transfers the payee has not confirmed, N minutes after they were sent (before WeChat's 24 h expiry).
 */
export const payoutUnconfirmedCommand: CommandDefinition = {
  words: ['payout', 'unconfirmed'],
  usage: `payout unconfirmed [--cancel-after-minutes 1..${CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX} | --off]`,
  summary: 'cancel WeChat transfers still unconfirmed N minutes after sending (on `payouts --poll`), or leave them to expire (--off)',
  options: { 'cancel-after-minutes': { type: 'string' }, off: { type: 'boolean' } },
  async run(context, args) {
    const text = stringOption(args, 'cancel-after-minutes');
    const off = args.values.off === true;
    if (text !== undefined && off) throw new LedgerdeskError('usage', 'give --cancel-after-minutes or --off, not both');
    if (text !== undefined && !/^\d{1,5}$/.test(text)) throw new LedgerdeskError('usage', '--cancel-after-minutes takes a whole number of minutes');
    const changing = text !== undefined || off;
    const workspace = await context.openWorkspace({ readonly: !changing });
    try {
      const actor = await context.actor(workspace);
      if (!changing) requirePermission(actor, 'ledger.read');
      if (changing) writeCancelUnconfirmedAfterMinutes(workspace, actor, off ? null : Number(text));
      const minutes = readCancelUnconfirmedAfterMinutes(workspace.sqlite);
      context.say(minutes === null ? 'Unconfirmed transfers are left to expire at WeChat after 24 h.' : `Unconfirmed transfers are cancelled ${minutes} minutes after sending (on payouts --poll).`);
      return { cancel_after_minutes: minutes };
    } finally {
      workspace.close();
    }
  },
};
