import { addFen, type Fen } from '../../money';
import { chartOfAccounts as accounts, clearingAccountFor, type PaymentChannel } from '../accounts';
import { credit, debit, withoutZeroPostings, type EntrySpec, type SourceDocument } from '../entry';

export interface RefundApprovedInput {
  source: SourceDocument;
  memberId: string;
  approvedAt: string;
  amountFen: Fen;
  /** Completed orders have recognised revenue: the refund is a sales return (6002) then. */
  orderCompleted: boolean;
}

/** Type 2, approved: Dr 2201 (not yet completed) or Dr 6002 (completed); Cr 2205. */
export function refundApprovedEntry(input: RefundApprovedInput): EntrySpec | null {
  if (input.amountFen === 0) return null;
  return {
    entryType: 'refund_approved',
    occurredAt: input.approvedAt,
    source: input.source,
    postings: [
      input.orderCompleted
        ? debit(accounts.salesReturns.code, input.amountFen)
        : debit(accounts.customerAdvances.code, input.amountFen, input.memberId),
      credit(accounts.refundsPayable.code, input.amountFen, input.memberId),
    ],
  };
}

export interface RefundSucceededInput {
  source: SourceDocument;
  memberId: string;
  succeededAt: string;
  channel: PaymentChannel | 'none';
  channelFen: Fen;
  storedValueFen: Fen;
  balanceFen: Fen;
}

/** Type 2, succeeded: Dr 2205; Cr channel clearing / 2202 / 2203 by the refund's split. */
export function refundSucceededEntry(input: RefundSucceededInput): EntrySpec | null {
  const total = addFen(input.channelFen, input.storedValueFen, input.balanceFen);
  if (total === 0) return null;
  if (input.channel === 'none' && input.channelFen !== 0) {
    throw new Error(`refund ${input.source.no}: channel amount without a channel`);
  }
  return {
    entryType: 'refund_succeeded',
    occurredAt: input.succeededAt,
    source: input.source,
    postings: withoutZeroPostings([
      debit(accounts.refundsPayable.code, total, input.memberId),
      ...(input.channel === 'none' ? [] : [credit(clearingAccountFor(input.channel), input.channelFen)]),
      credit(accounts.memberStoredValue.code, input.storedValueFen, input.memberId),
      credit(accounts.memberBalance.code, input.balanceFen, input.memberId),
    ]),
  };
}
