import { requirePermission } from '../../core/auth';
import { LedgerdeskError } from '../../core/errors';
import { importChannelFiles } from '../../core/imports';
import type { CommandDefinition } from '../command';

export const importCommand: CommandDefinition = {
  words: ['import'],
  usage: 'import FILE...',
  summary: 'import WeChat Pay / Alipay / bank files (format detected from content)',
  async run(context, args) {
    if (args.positionals.length === 0) throw new LedgerdeskError('usage', 'import needs at least one file');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'import.run');
      const results = await importChannelFiles(workspace, args.positionals, {
        actor,
        onProgress: (file, rowsDone) => context.progress(`importing ${file}`, rowsDone, null),
      });
      for (const result of results) {
        if (result.error) {
          context.say(`REJECTED ${result.file}${result.error.line === null ? '' : ` line ${result.error.line}`}: ${result.error.reason} (nothing from it was written)`);
        } else if (result.skippedDuplicate) {
          context.say(`skipped  ${result.file}: already imported (${result.kind}, ${result.rows} rows)`);
        } else {
          context.say(`imported ${result.file}: ${result.kind}, ${result.rows} rows${result.overlappingRows ? ` (${result.overlappingRows} already known from an overlapping file)` : ''}`);
        }
      }
      const rejected = results.filter((result) => result.error !== null);
      return {
        files: results.map((result) => ({
          file: result.file,
          kind: result.kind,
          rows: result.rows,
          overlapping_rows: result.overlappingRows,
          skipped_duplicate: result.skippedDuplicate,
          ...(result.error ? { error: { code: 'import_rejected', file: result.error.file, line: result.error.line, reason: result.error.reason } } : {}),
        })),
        exitCode: rejected.length > 0 ? 1 : 0,
      };
    } finally {
      workspace.close();
    }
  },
};
