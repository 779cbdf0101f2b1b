import { readFile } from 'node:fs/promises';
import { requirePermission } from '../../core/auth';
import { LedgerdeskError } from '../../core/errors';
import { exportAuditPackage } from '../../core/exports/audit-export';
import { stringOption, type CommandDefinition } from '../command';

export const auditExportCommand: CommandDefinition = {
  words: ['audit-export'],
  usage: 'audit-export --from D --to D --out DIR [--seal P12 --seal-pass-env VAR]',
  summary: 'sealed audit package of a period (dates included): signed PDFs, Excel, manifest',
  options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, seal: { type: 'string' }, 'seal-pass-env': { type: 'string' } },
  async run(context, args) {
    const from = stringOption(args, 'from');
    const to = stringOption(args, 'to');
    const outDir = stringOption(args, 'out');
    const sealPath = stringOption(args, 'seal');
    const sealPasswordVariable = stringOption(args, 'seal-pass-env');
    if (!from || !to || !outDir || args.positionals.length > 0) throw new LedgerdeskError('usage', `usage: ledgerdesk ${auditExportCommand.usage}`);
    if (Boolean(sealPath) !== Boolean(sealPasswordVariable)) throw new LedgerdeskError('usage', '--seal and --seal-pass-env go together');
    let seal: { p12: Buffer; password: string } | undefined;
    if (sealPath && sealPasswordVariable) {
      const password = context.env[sealPasswordVariable];
      if (!password) throw new LedgerdeskError('usage', `environment variable ${sealPasswordVariable} holds no seal password`);
      const p12 = await readFile(sealPath).catch(() => {
        throw new LedgerdeskError('not_found', `cannot read the seal file ${sealPath}`);
      });
      seal = { p12, password };
    }
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'report.export');
      const result = await exportAuditPackage(workspace, actor, { from, to, outDir, seal });
      context.say(`Audit package ${result.period} in ${result.directory}, sealed by ${result.seal.subject}:`);
      for (const file of result.files) context.say(`  ${file.signed ? 'signed  ' : '        '}${file.path}  ${file.sha256}`);
      return { directory: result.directory, period: result.period, seal: { subject: result.seal.subject, fingerprint_sha256: result.seal.fingerprintSha256 }, files: result.files };
    } finally {
      workspace.close();
    }
  },
};
