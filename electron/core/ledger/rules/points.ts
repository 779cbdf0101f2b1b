import type { Fen } from '../../money';
import { chartOfAccounts as accounts } from '../accounts';
import { credit, debit, type EntrySpec, type PointsMovementSpec, type SourceDocument } from '../entry';

export interface PointsDeductionInput {
  source: SourceDocument;
  memberId: string;
  paidAt: string;
  pointsDeductionFen: Fen;
  pointsUsed: number;
}

/** Type 5: an order paid partly with points: Dr 6603, Cr 2201, and the points leave the quantity ledger. */
export function pointsDeductionEntry(input: PointsDeductionInput): EntrySpec | null {
  if (input.pointsDeductionFen === 0 && input.pointsUsed === 0) return null;
  return {
    entryType: 'points_deduction',
    occurredAt: input.paidAt,
    source: input.source,
    postings: [
      debit(accounts.pointsExpense.code, input.pointsDeductionFen),
      credit(accounts.customerAdvances.code, input.pointsDeductionFen, input.memberId),
    ],
    pointsMovements: input.pointsUsed === 0 ? [] : [{ memberId: input.memberId, changePoints: -input.pointsUsed, movementKind: 'deduct' }],
  };
}

export interface PointsReturnInput {
  source: SourceDocument;
  memberId: string;
  returnedAt: string;
  /** The money value of the returned points, taken back out of customer advances. */
  cashValueFen: Fen;
  pointsReturned: number;
}

/** Type 5 reversed: returned points: Dr 2201, Cr 6603, and the points come back. */
export function pointsReturnEntry(input: PointsReturnInput): EntrySpec | null {
  if (input.cashValueFen === 0) return null;
  return {
    entryType: 'points_return',
    occurredAt: input.returnedAt,
    source: input.source,
    postings: [
      debit(accounts.customerAdvances.code, input.cashValueFen, input.memberId),
      credit(accounts.pointsExpense.code, input.cashValueFen),
    ],
    pointsMovements: input.pointsReturned === 0 ? [] : [{ memberId: input.memberId, changePoints: input.pointsReturned, movementKind: 'return' }],
  };
}

export interface PointsQuantityInput {
  source: SourceDocument;
  occurredAt: string;
  movement: PointsMovementSpec;
}

/** Points earned, expired or adjusted move only the quantity ledger: a quantity-only entry. */
export function pointsQuantityEntry(input: PointsQuantityInput): EntrySpec | null {
  if (input.movement.changePoints === 0) return null;
  return {
    entryType: 'points_movement',
    occurredAt: input.occurredAt,
    source: input.source,
    postings: [],
    pointsMovements: [input.movement],
  };
}
