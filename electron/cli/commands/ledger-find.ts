import { LedgerdeskError } from '../../core/errors';
import { accountByCode } from '../../core/ledger/accounts';
import { traceEntries } from '../../core/ledger/read';
import { fen, formatFenAsYuan } from '../../core/money';
import type { CommandDefinition } from '../command';

export const ledgerFindCommand: CommandDefinition = {
  words: ['ledger', 'find'],
  usage: 'ledger find TEXT',
  summary: 'entry number or document number -> entries with postings and source',
  async run(context, args) {
    const text = args.positionals[0];
    if (!text) throw new LedgerdeskError('usage', 'ledger find needs an entry number or a document number');
    const workspace = await context.openWorkspace({ readonly: true });
    try {
      const entries = traceEntries(workspace.sqlite, text).map((entry) => ({
        number: entry.entryNo,
        type: entry.entryType,
        occurred_at: entry.occurredAt,
        posted_at: entry.postedAt,
        reverses: entry.reversesEntryId,
        reversed_by: entry.reversedByEntryNo,
        memo: entry.memo,
        source: { resource: entry.source.resource, id: entry.source.id, no: entry.source.no, version: entry.source.version },
        postings: entry.postings.map((posting) => ({
          account: posting.accountCode,
          account_name: accountByCode(posting.accountCode)?.nameZh ?? posting.accountCode,
          party: posting.partyId,
          debit: formatFenAsYuan(fen(posting.debitFen)),
          credit: formatFenAsYuan(fen(posting.creditFen)),
        })),
        points: entry.pointsMovements.map((movement) => ({ member: movement.memberId, change: movement.changePoints, kind: movement.movementKind })),
      }));
      if (entries.length === 0) context.say(`No entries for "${text}".`);
      for (const entry of entries) {
        context.say(`${entry.number}  ${entry.type}  ${entry.occurred_at}  ${entry.source.resource} ${entry.source.no ?? entry.source.id}`);
        for (const posting of entry.postings) {
          context.say(`    ${posting.account} ${posting.account_name.padEnd(14)} ${(posting.party ?? '').padEnd(12)} Dr ${posting.debit.padStart(12)}  Cr ${posting.credit.padStart(12)}`);
        }
        for (const movement of entry.points) context.say(`    points ${movement.member} ${movement.change > 0 ? '+' : ''}${movement.change} (${movement.kind})`);
      }
      return { entries };
    } finally {
      workspace.close();
    }
  },
};
