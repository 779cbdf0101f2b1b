import { LedgerdeskError } from '../../core/errors';
import { changePassphrase } from '../../core/workspace';
import { stringOption, type CommandDefinition } from '../command';

export const passphraseCommand: CommandDefinition = {
  words: ['passphrase', 'change'],
  usage: 'passphrase change --new-passphrase-env VAR',
  summary: 're-key the workspace and re-seal its secrets (old passphrase from LEDGERDESK_PASSPHRASE; admin)',
  options: { 'new-passphrase-env': { type: 'string' } },
  async run(context, args) {
    const variable = stringOption(args, 'new-passphrase-env');
    if (!variable) throw new LedgerdeskError('usage', 'passphrase change --new-passphrase-env VAR');
    const newPassphrase = context.env[variable];
    if (!newPassphrase) throw new LedgerdeskError('usage', `environment variable ${variable} holds no passphrase`);
    // The file is replaced by rename: context.openWorkspace holds the workspace lock meanwhile.
    const workspace = await context.openWorkspace();
    let current = workspace;
    try {
      const actor = await context.actor(workspace);
      const changed = changePassphrase(workspace, await context.passphrase(), newPassphrase, { actor });
      current = changed.workspace;
      context.say(`Passphrase changed; ${changed.secretsResealed} secret(s) sealed again. Use the new passphrase from now on.`);
      return { ok: true, secrets_resealed: changed.secretsResealed };
    } finally {
      current.close();
      workspace.close();
    }
  },
};
