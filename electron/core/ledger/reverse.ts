import { fen } from '../money';
import type { AccountCode } from './accounts';
import { LedgerInvariantError, type EntrySpec } from './entry';
import { postEntry, type PostedEntry, type PostingContext } from './post';
import { loadEntryById } from './read';

export interface ReverseOptions {
  /** Business time of the correction (defaults to now); never inside a closed month. */
  occurredAt?: string;
  memo?: string;
}

/**
 * Corrections are reversing entries: the same postings with sides swapped, pointing at the entry
 * they reverse. An entry can be reversed once (a unique index guards it).
 */
export function reverseEntry(context: PostingContext, entryId: number, options: ReverseOptions = {}): PostedEntry {
  const original = loadEntryById(context.sqlite, entryId);
  if (!original) throw new LedgerInvariantError(`no entry with id ${entryId} to reverse`);
  if (original.entryType === 'reversal') throw new LedgerInvariantError(`entry ${original.entryNo} is itself a reversal`);
  const spec: EntrySpec = {
    entryType: 'reversal',
    occurredAt: options.occurredAt ?? context.now().toISOString(),
    source: original.source,
    memo: options.memo ?? `reverses ${original.entryNo}`,
    reversesEntryId: original.id,
    postings: original.postings.map((posting) => ({
      accountCode: posting.accountCode as AccountCode,
      partyId: posting.partyId,
      debitFen: fen(posting.creditFen),
      creditFen: fen(posting.debitFen),
    })),
    pointsMovements: original.pointsMovements.map((movement) => ({
      memberId: movement.memberId,
      changePoints: -movement.changePoints,
      movementKind: movement.movementKind as 'adjust',
    })),
  };
  return postEntry(context, spec);
}
