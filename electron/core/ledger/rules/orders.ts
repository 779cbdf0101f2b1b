import { addFen, fen, type Fen } from '../../money';
import { chartOfAccounts as accounts, clearingAccountFor, type PaymentChannel } from '../accounts';
import { credit, debit, withoutZeroPostings, type EntrySpec, type SourceDocument } from '../entry';

export interface OrderPaymentInput {
  source: SourceDocument;
  memberId: string;
  paidAt: string;
  payChannel: PaymentChannel | 'none';
  channelPaidFen: Fen;
  storedValueFen: Fen;
  balanceFen: Fen;
}

/** Type 1, on payment: Dr channel clearing / 2202 / 2203 by tender; Cr 2201 the sum. */
export function orderPaymentEntry(input: OrderPaymentInput): EntrySpec | null {
  const total = addFen(input.channelPaidFen, input.storedValueFen, input.balanceFen);
  if (total === 0) return null;
  if (input.payChannel === 'none' && input.channelPaidFen !== 0) {
    throw new Error(`order ${input.source.no}: paid through a channel but pay_channel is none`);
  }
  const postings = withoutZeroPostings([
    ...(input.payChannel === 'none' ? [] : [debit(clearingAccountFor(input.payChannel), input.channelPaidFen)]),
    debit(accounts.memberStoredValue.code, input.storedValueFen, input.memberId),
    debit(accounts.memberBalance.code, input.balanceFen, input.memberId),
    credit(accounts.customerAdvances.code, total, input.memberId),
  ]);
  return { entryType: 'order_payment', occurredAt: input.paidAt, source: input.source, postings };
}

export interface OrderCompletionInput {
  source: SourceDocument;
  memberId: string;
  completedAt: string;
  /** What is left in customer advances for the order when it completes (net of refunds approved before). */
  revenueFen: Fen;
  costOfGoodsFen: Fen | null;
}

/**
 * Type 1, on completion: Dr 2201, Cr 6001 (revenue is recognised on receipt); when the mall sends
 * the cost of goods, Dr 6401, Cr 1405 inventory (the chart's only departure: cost needs a credit).
 */
export function orderCompletionEntry(input: OrderCompletionInput): EntrySpec | null {
  const costFen = input.costOfGoodsFen ?? fen(0);
  if (input.revenueFen === 0 && costFen === 0) return null;
  return {
    entryType: 'order_completion',
    occurredAt: input.completedAt,
    source: input.source,
    postings: withoutZeroPostings([
      debit(accounts.customerAdvances.code, input.revenueFen, input.memberId),
      credit(accounts.salesRevenue.code, input.revenueFen),
      debit(accounts.costOfGoodsSold.code, costFen),
      credit(accounts.inventory.code, costFen),
    ]),
  };
}
