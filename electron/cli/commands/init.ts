import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LedgerdeskError } from '../../core/errors';
import { createWorkspace } from '../../core/workspace';
import { stringOption, type CommandDefinition } from '../command';

export const initCommand: CommandDefinition = {
  words: ['init'],
  usage: 'init [--company NAME] [--admin NAME] [--books-start YYYY-MM-DD]',
  summary: 'create an encrypted workspace and its admin user (password from LEDGERDESK_USER_PASSWORD)',
  options: { company: { type: 'string' }, admin: { type: 'string' }, 'books-start': { type: 'string' } },
  async run(context, args) {
    const adminPassword = context.env.LEDGERDESK_USER_PASSWORD;
    if (!adminPassword) throw new LedgerdeskError('usage', 'set LEDGERDESK_USER_PASSWORD to the new admin user\'s password');
    mkdirSync(dirname(context.options.workspacePath), { recursive: true });
    const workspace = createWorkspace({
      path: context.options.workspacePath,
      passphrase: await context.passphrase(),
      companyName: stringOption(args, 'company') ?? 'My mall',
      adminName: stringOption(args, 'admin') ?? 'admin',
      adminPassword,
      booksStartDate: stringOption(args, 'books-start'),
      clock: context.clock,
    });
    const info = workspace.info();
    workspace.close();
    context.say(`Created workspace ${info.path}\n  company: ${info.companyName}\n  books start: ${info.booksStart}`);
    return { workspace: info.path, company: info.companyName, books_start: info.booksStart };
  },
};
