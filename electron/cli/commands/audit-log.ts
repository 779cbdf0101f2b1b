import { readAuditLog } from '../../core/audit';
import { addDays, isCalendarDate, startOfShanghaiDay } from '../../core/calendar/shanghai';
import { LedgerdeskError } from '../../core/errors';
import { stringOption, type CommandArguments, type CommandDefinition } from '../command';

function instantOfDay(date: string | undefined, name: string): string | undefined {
  if (date === undefined) return undefined;
  if (!isCalendarDate(date)) throw new LedgerdeskError('usage', `--${name} takes a YYYY-MM-DD date`);
  // Stored times are UTC ISO strings; compare like with like.
  return new Date(startOfShanghaiDay(date)).toISOString();
}

function positiveInteger(args: CommandArguments, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  if (!/^[1-9]\d{0,8}$/.test(text)) throw new LedgerdeskError('usage', `--${name} takes a positive whole number`);
  return Number(text);
}

export const auditLogCommand: CommandDefinition = {
  words: ['audit-log'],
  usage: 'audit-log [--by USER] [--object-type T] [--object-id ID] [--action A] [--from D] [--to D] [--limit N] [--before-id N]',
  summary: 'the hash-chained audit trail, newest first (dates Asia/Shanghai, --to inclusive)',
  options: {
    // Not --user: that global option names the acting user.
    by: { type: 'string' },
    'object-type': { type: 'string' },
    'object-id': { type: 'string' },
    action: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    'before-id': { type: 'string' },
  },
  async run(context, args) {
    const toDate = stringOption(args, 'to');
    const query = {
      userName: stringOption(args, 'by'),
      objectType: stringOption(args, 'object-type'),
      objectId: stringOption(args, 'object-id'),
      action: stringOption(args, 'action'),
      from: instantOfDay(stringOption(args, 'from'), 'from'),
      to: toDate === undefined ? undefined : instantOfDay(isCalendarDate(toDate) ? addDays(toDate, 1) : toDate, 'to'),
      limit: positiveInteger(args, 'limit'),
      beforeId: positiveInteger(args, 'before-id'),
    };
    const workspace = await context.openWorkspace({ readonly: true });
    try {
      const actor = await context.actor(workspace);
      const rows = readAuditLog(workspace.sqlite, actor, query);
      for (const row of rows) context.say(`${String(row.id).padStart(7)}  ${row.at}  ${row.userName.padEnd(12)} ${row.action.padEnd(28)} ${row.objectType}${row.objectId ? ` ${row.objectId}` : ''}`);
      return {
        items: rows.map((row) => ({ id: row.id, at: row.at, user: row.userName, action: row.action, object_type: row.objectType, object_id: row.objectId, detail: row.detail, hash: row.hash })),
      };
    } finally {
      workspace.close();
    }
  },
};
