import { LedgerdeskError } from '../../core/errors';
import { exportAuditorCopy } from '../../core/workspace';
import { stringOption, type CommandDefinition } from '../command';

export const auditorCopyCommand: CommandDefinition = {
  words: ['auditor-copy'],
  usage: 'auditor-copy --from D --to D --out FILE --passphrase-env VAR [--auditor NAME --auditor-password-env VAR]',
  summary: 'read-only encrypted snapshot for an auditor, under its own passphrase',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
    'passphrase-env': { type: 'string' },
    auditor: { type: 'string' },
    'auditor-password-env': { type: 'string' },
  },
  async run(context, args) {
    const from = stringOption(args, 'from');
    const to = stringOption(args, 'to');
    const out = stringOption(args, 'out');
    const passphraseVariable = stringOption(args, 'passphrase-env');
    if (!from || !to || !out || !passphraseVariable) throw new LedgerdeskError('usage', `auditor-copy needs --from, --to, --out and --passphrase-env`);
    const passphrase = context.env[passphraseVariable];
    if (!passphrase) throw new LedgerdeskError('usage', `environment variable ${passphraseVariable} holds no passphrase`);
    const auditorName = stringOption(args, 'auditor');
    const auditorPasswordVariable = stringOption(args, 'auditor-password-env');
    if (Boolean(auditorName) !== Boolean(auditorPasswordVariable)) throw new LedgerdeskError('usage', '--auditor and --auditor-password-env go together');
    const auditorPassword = auditorPasswordVariable ? context.env[auditorPasswordVariable] : undefined;
    if (auditorPasswordVariable && !auditorPassword) throw new LedgerdeskError('usage', `environment variable ${auditorPasswordVariable} holds no password`);
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      const copy = await exportAuditorCopy(workspace, {
        actor,
        from,
        to,
        outFile: out,
        passphrase,
        auditorUser: auditorName && auditorPassword ? { name: auditorName, password: auditorPassword } : undefined,
      });
      context.say(`Auditor copy written: ${copy.file}\n  period: ${copy.from} .. ${copy.to}\n  users: ${copy.users.join(', ') || '(none)'}\n  sha256: ${copy.sha256}`);
      return { file: copy.file, sha256: copy.sha256, from: copy.from, to: copy.to, users: copy.users };
    } finally {
      workspace.close();
    }
  },
};
