import { createUser, requirePermission, roles, type Role } from '../../core/auth';
import { LedgerdeskError } from '../../core/errors';
import { stringOption, type CommandDefinition } from '../command';

export const userAddCommand: CommandDefinition = {
  words: ['user', 'add'],
  usage: 'user add NAME --role ROLE --password-env VAR',
  summary: 'add a user (admin only)',
  options: { role: { type: 'string' }, 'password-env': { type: 'string' } },
  async run(context, args) {
    const name = args.positionals[0];
    const role = stringOption(args, 'role');
    const passwordVariable = stringOption(args, 'password-env');
    if (!name || !role || !passwordVariable) throw new LedgerdeskError('usage', 'user add NAME --role ROLE --password-env VAR');
    if (!roles.includes(role as Role)) throw new LedgerdeskError('usage', `role must be one of ${roles.join(', ')}`);
    const password = context.env[passwordVariable];
    if (!password) throw new LedgerdeskError('usage', `environment variable ${passwordVariable} holds no password`);
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'users.manage');
      const user = createUser(workspace.sqlite, { name, role: role as Role, password }, actor.userName, context.clock.now());
      context.say(`Added ${user.userName} (${user.role}).`);
      return { user: user.userName, role: user.role };
    } finally {
      workspace.close();
    }
  },
};
