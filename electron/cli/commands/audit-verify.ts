import { stat } from 'node:fs/promises';
import { LedgerdeskError } from '../../core/errors';
import { verifyAuditPackage } from '../../core/exports/audit-package';
import type { CommandDefinition } from '../command';

export const auditVerifyCommand: CommandDefinition = {
  words: ['audit-verify'],
  usage: 'audit-verify DIR',
  summary: "re-check an audit package's hashes and signatures (no workspace needed)",
  async run(context, args) {
    const directory = args.positionals[0];
    if (!directory || args.positionals.length > 1) throw new LedgerdeskError('usage', 'audit-verify DIR');
    const info = await stat(directory).catch(() => null);
    if (!info?.isDirectory()) throw new LedgerdeskError('not_found', `no audit package folder at ${directory}`);
    const check = await verifyAuditPackage(directory);
    for (const file of check.files) context.say(`${file.ok ? 'ok  ' : 'FAIL'}  ${file.path}: ${file.detail}`);
    context.say(check.ok ? 'Audit package verified.' : 'Audit package FAILED verification.');
    // A package that fails verification is an operational failure: exit 1 with the report.
    return { ok: check.ok, files: check.files, exitCode: check.ok ? 0 : 1 };
  },
};
