import { LedgerdeskError } from '../../core/errors';
import { restoreWorkspace } from '../../core/workspace';
import { stringOption, type CommandDefinition } from '../command';

export const restoreCommand: CommandDefinition = {
  words: ['restore'],
  usage: 'restore FILE [--sha256 HEX]',
  summary: 'verify a backup, then replace the workspace (--workspace) with it in one step',
  options: { sha256: { type: 'string' } },
  async run(context, args) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new LedgerdeskError('usage', 'restore FILE [--sha256 HEX]');
    const restored = await restoreWorkspace(file, context.options.workspacePath, await context.passphrase(), {
      clock: context.clock,
      expectedSha256: stringOption(args, 'sha256'),
      // The acting user is checked against the backup's own users: they are the restored workspace's users.
      authorize: (backup) => context.actor(backup),
    });
    context.say(`Restored ${restored.file} from ${file}\n  sha256: ${restored.sha256}`);
    return { file: restored.file, sha256: restored.sha256, backup: file };
  },
};
