import { fen, type Fen } from '../money';
import type { AccountCode } from './accounts';

export const entryTypes = [
  'opening_balance',
  'order_payment',
  'points_deduction',
  'points_return',
  'points_movement',
  'order_completion',
  'refund_approved',
  'refund_succeeded',
  'topup',
  'topup_refund',
  'withdrawal_approved',
  'withdrawal_paid',
  'commission_accrual',
  'commission_clawback',
  'commission_payout',
  'payout_paid',
  'channel_fee',
  'channel_settlement',
  'adjustment',
  'reversal',
] as const;
export type EntryType = (typeof entryTypes)[number];

/** The business document an entry comes from: one lookup away from any entry. */
export interface SourceDocument {
  resource: string;
  id: string;
  no: string | null;
  version?: number | null;
}

export interface PostingSpec {
  accountCode: AccountCode;
  partyId: string | null;
  debitFen: Fen;
  creditFen: Fen;
}

export interface PointsMovementSpec {
  memberId: string;
  changePoints: number;
  movementKind: 'opening' | 'earn' | 'deduct' | 'return' | 'expire' | 'adjust';
}

export interface EntrySpec {
  entryType: EntryType;
  occurredAt: string;
  source: SourceDocument;
  memo?: string | null;
  postings: PostingSpec[];
  pointsMovements?: PointsMovementSpec[];
  reversesEntryId?: number | null;
}

export class LedgerInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerInvariantError';
  }
}

export function debit(accountCode: AccountCode, amountFen: Fen, partyId: string | null = null): PostingSpec {
  return { accountCode, partyId, debitFen: amountFen, creditFen: fen(0) };
}

export function credit(accountCode: AccountCode, amountFen: Fen, partyId: string | null = null): PostingSpec {
  return { accountCode, partyId, debitFen: fen(0), creditFen: amountFen };
}

/** Drops zero postings (an order paid without stored value has no 2202 line). */
export function withoutZeroPostings(postings: PostingSpec[]): PostingSpec[] {
  return postings.filter((posting) => posting.debitFen !== 0 || posting.creditFen !== 0);
}

/**
 * An unbalanced or malformed entry is our own bug, never bad input: it must not reach the books.
 */
export function assertEntryBalanced(spec: EntrySpec): void {
  const label = `${spec.entryType} for ${spec.source.resource} ${spec.source.no ?? spec.source.id}`;
  const quantityOnly = spec.postings.length === 0 && (spec.pointsMovements?.length ?? 0) > 0;
  if (quantityOnly && spec.entryType !== 'points_movement' && spec.entryType !== 'opening_balance' && spec.entryType !== 'reversal') {
    throw new LedgerInvariantError(`${label}: only points movements may post quantities without money`);
  }
  if (!quantityOnly && spec.postings.length < 2) {
    throw new LedgerInvariantError(`${label}: an entry needs at least two postings`);
  }
  for (const movement of spec.pointsMovements ?? []) {
    if (!Number.isSafeInteger(movement.changePoints) || movement.changePoints === 0) {
      throw new LedgerInvariantError(`${label}: a points movement is a non-zero whole number of points`);
    }
  }
  let debitTotal = 0;
  let creditTotal = 0;
  for (const posting of spec.postings) {
    if (!Number.isSafeInteger(posting.debitFen) || !Number.isSafeInteger(posting.creditFen)) {
      throw new LedgerInvariantError(`${label}: posting amount is not an integer number of fen`);
    }
    if (posting.debitFen < 0 || posting.creditFen < 0) {
      throw new LedgerInvariantError(`${label}: posting amounts are never negative (swap the side instead)`);
    }
    if ((posting.debitFen === 0) === (posting.creditFen === 0)) {
      throw new LedgerInvariantError(`${label}: each posting is either a debit or a credit`);
    }
    debitTotal += posting.debitFen;
    creditTotal += posting.creditFen;
  }
  if (debitTotal !== creditTotal) {
    throw new LedgerInvariantError(`${label}: unbalanced entry, debits ${debitTotal} fen != credits ${creditTotal} fen`);
  }
  if (Number.isNaN(new Date(spec.occurredAt).getTime())) {
    throw new LedgerInvariantError(`${label}: occurredAt is not an instant: ${spec.occurredAt}`);
  }
}
