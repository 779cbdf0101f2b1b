import { verifyWorkspace } from '../../core/workspace';
import type { CommandDefinition } from '../command';

export const verifyCommand: CommandDefinition = {
  words: ['verify'],
  usage: 'verify',
  summary: 'integrity checks: pages, balances, sub-ledgers, hash chains',
  async run(context) {
    const workspace = await context.openWorkspace({ readonly: true });
    try {
      const report = verifyWorkspace(workspace.sqlite);
      for (const check of report.checks) context.say(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`);
      context.say(report.ok ? 'Workspace verified.' : 'Workspace FAILED verification.');
      // A failed verification is an operational failure: exit 1, with the report as the result.
      return { ok: report.ok, checks: report.checks, exitCode: report.ok ? 0 : 1 };
    } finally {
      workspace.close();
    }
  },
};
