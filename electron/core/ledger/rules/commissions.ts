import type { Fen } from '../../money';
import { chartOfAccounts as accounts } from '../accounts';
import { credit, debit, type EntrySpec, type SourceDocument } from '../entry';

export interface CommissionAccrualInput {
  source: SourceDocument;
  distributorId: string;
  settleableAt: string;
  amountFen: Fen;
}

/** Type 6, accrual when a commission becomes settleable: Dr 6602; Cr 2204 (per distributor). */
export function commissionAccrualEntry(input: CommissionAccrualInput): EntrySpec | null {
  if (input.amountFen === 0) return null;
  return {
    entryType: 'commission_accrual',
    occurredAt: input.settleableAt,
    source: input.source,
    postings: [
      debit(accounts.commissionExpense.code, input.amountFen),
      credit(accounts.commissionPayable.code, input.amountFen, input.distributorId),
    ],
  };
}

export interface CommissionClawbackInput {
  source: SourceDocument;
  distributorId: string;
  cancelledAt: string;
  amountFen: Fen;
}

/**
 * A commission cancelled after it was paid out: the expense goes back and the distributor owes
 * us the money (1221, per distributor), visible until recovered.
 */
export function commissionClawbackEntry(input: CommissionClawbackInput): EntrySpec | null {
  if (input.amountFen === 0) return null;
  return {
    entryType: 'commission_clawback',
    occurredAt: input.cancelledAt,
    source: input.source,
    postings: [
      debit(accounts.clawbackReceivable.code, input.amountFen, input.distributorId),
      credit(accounts.commissionExpense.code, input.amountFen),
    ],
  };
}

export interface CommissionPayoutInput {
  source: SourceDocument;
  distributorId: string;
  settledAt: string;
  amountFen: Fen;
}

/** Type 6, payout created by a settlement run: Dr 2204; Cr 2206. */
export function commissionPayoutEntry(input: CommissionPayoutInput): EntrySpec | null {
  if (input.amountFen === 0) return null;
  return {
    entryType: 'commission_payout',
    occurredAt: input.settledAt,
    source: input.source,
    postings: [
      debit(accounts.commissionPayable.code, input.amountFen, input.distributorId),
      credit(accounts.payoutsInTransit.code, input.amountFen, input.distributorId),
    ],
  };
}
