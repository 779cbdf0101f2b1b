import { LedgerdeskError } from '../../core/errors';
import { isPayoutRoute, PAYOUT_ROUTES, readDistributorPayoutRoutes, setDistributorPayoutRoute } from '../../core/commissions';
import { stringOption, type CommandDefinition } from '../command';

/** `payout route [DISTRIBUTOR --route R|default]`: a distributor's own payout route, or the list of them. */
export const payoutRouteCommand: CommandDefinition = {
  words: ['payout', 'route'],
  usage: `payout route [DISTRIBUTOR --route ${PAYOUT_ROUTES.join('|')}|default]`,
  summary: "pay one distributor always by this route, whatever the run's (default: back to the run's); without arguments, list",
  options: { route: { type: 'string' } },
  async run(context, args) {
    const [distributorId, ...extra] = args.positionals;
    const route = stringOption(args, 'route');
    if (extra.length > 0) throw new LedgerdeskError('usage', 'payout route takes one distributor id');
    if ((distributorId === undefined) !== (route === undefined)) throw new LedgerdeskError('usage', 'payout route needs both a distributor id and --route (or neither, to list)');
    if (route !== undefined && route !== 'default' && !isPayoutRoute(route)) throw new LedgerdeskError('usage', `--route is one of ${PAYOUT_ROUTES.join(', ')} or default`);
    const workspace = await context.openWorkspace({ readonly: distributorId === undefined });
    try {
      const actor = await context.actor(workspace);
      if (distributorId !== undefined && route !== undefined) {
        setDistributorPayoutRoute(workspace, actor, distributorId, route === 'default' ? null : (route as Parameters<typeof setDistributorPayoutRoute>[3]));
      }
      const items = [...readDistributorPayoutRoutes(workspace.sqlite)].map(([id, one]) => ({ distributor_id: id, route: one }));
      for (const item of items) context.say(`${item.distributor_id.padEnd(20)} ${item.route}`);
      if (items.length === 0) context.say('Every distributor is paid by the route of each settlement run.');
      return { items };
    } finally {
      workspace.close();
    }
  },
};
