import { listUsers, requirePermission, roleMay } from '../../core/auth';
import type { CommandDefinition } from '../command';

export const userListCommand: CommandDefinition = {
  words: ['user', 'list'],
  usage: 'user list',
  summary: 'users with their roles (admin, or anyone who reads the audit trail)',
  async run(context) {
    const workspace = await context.openWorkspace({ readonly: true });
    try {
      const actor = await context.actor(workspace);
      // Auditors check segregation of duties, so they see who holds which role.
      if (!roleMay(actor.role, 'audit.read')) requirePermission(actor, 'users.manage');
      const users = listUsers(workspace.sqlite);
      for (const user of users) context.say(`${user.name.padEnd(20)} ${user.role.padEnd(11)} ${user.disabled ? 'disabled' : user.locked ? 'locked' : ''}`);
      return {
        mode: workspace.info().mode,
        users: users.map((user) => ({ name: user.name, role: user.role, created_at: user.createdAt, locked: user.locked, disabled: user.disabled })),
      };
    } finally {
      workspace.close();
    }
  },
};
