import { LedgerdeskError } from '../../core/errors';
import { backupWorkspace } from '../../core/workspace';
import { stringOption, type CommandDefinition } from '../command';

export const backupCommand: CommandDefinition = {
  words: ['backup'],
  usage: 'backup --out FILE',
  summary: 'consistent encrypted copy of the open workspace (same passphrase)',
  options: { out: { type: 'string' } },
  async run(context, args) {
    const out = stringOption(args, 'out');
    if (!out) throw new LedgerdeskError('usage', 'backup --out FILE');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      const backup = await backupWorkspace(workspace, out, { actor });
      context.say(`Backup written: ${backup.file}\n  sha256: ${backup.sha256}`);
      return { file: backup.file, sha256: backup.sha256, bytes: backup.bytes, audit_rows: backup.auditHead.rowCount };
    } finally {
      workspace.close();
    }
  },
};
