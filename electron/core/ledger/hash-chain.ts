import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** sha256(previous hash + newline + canonical content): a changed row breaks every later link. */
export function chainHash(previousHash: string, canonicalContent: string): string {
  return createHash('sha256').update(previousHash).update('\n').update(canonicalContent).digest('hex');
}

export interface EntryHashContent {
  entryNo: string;
  entryType: string;
  occurredAt: string;
  period: string;
  postedAt: string;
  sourceResource: string;
  sourceId: string;
  sourceNo: string | null;
  sourceVersion: number | null;
  reversesEntryId: number | null;
  memo: string | null;
  createdBy: string;
  postings: { lineNo: number; accountCode: string; partyId: string | null; debitFen: number; creditFen: number }[];
  pointsMovements: { memberId: string; changePoints: number; movementKind: string }[];
}

/** A fixed field order, so the same entry always hashes the same wherever it is computed. */
export function canonicalEntryContent(content: EntryHashContent): string {
  return JSON.stringify([
    content.entryNo,
    content.entryType,
    content.occurredAt,
    content.period,
    content.postedAt,
    content.sourceResource,
    content.sourceId,
    content.sourceNo,
    content.sourceVersion,
    content.reversesEntryId,
    content.memo,
    content.createdBy,
    content.postings.map((p) => [p.lineNo, p.accountCode, p.partyId, p.debitFen, p.creditFen]),
    content.pointsMovements.map((m) => [m.memberId, m.changePoints, m.movementKind]),
  ]);
}
