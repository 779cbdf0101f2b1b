import type { Fen } from '../../money';
import { chartOfAccounts as accounts, clearingAccountFor, type PaymentChannel } from '../accounts';
import { credit, debit, type EntrySpec, type SourceDocument } from '../entry';

export interface ChannelFeeInput {
  source: SourceDocument;
  channel: PaymentChannel;
  occurredAt: string;
  /** Positive: fee charged; negative: fee returned on a refund. */
  feeFen: Fen;
}

/** Channel fees from bills: Dr 6601; Cr clearing (a returned fee the other way round). */
export function channelFeeEntry(input: ChannelFeeInput): EntrySpec | null {
  if (input.feeFen === 0) return null;
  const clearing = clearingAccountFor(input.channel);
  const amount = Math.abs(input.feeFen) as Fen;
  const postings =
    input.feeFen > 0
      ? [debit(accounts.channelFees.code, amount), credit(clearing, amount)]
      : [debit(clearing, amount), credit(accounts.channelFees.code, amount)];
  return { entryType: 'channel_fee', occurredAt: input.occurredAt, source: input.source, postings };
}

export interface ChannelSettlementInput {
  source: SourceDocument;
  channel: PaymentChannel;
  occurredAt: string;
  amountFen: Fen;
}

/** A channel's settlement to the bank: Dr 1002; Cr clearing. */
export function channelSettlementEntry(input: ChannelSettlementInput): EntrySpec | null {
  if (input.amountFen === 0) return null;
  return {
    entryType: 'channel_settlement',
    occurredAt: input.occurredAt,
    source: input.source,
    postings: [debit(accounts.bank.code, input.amountFen), credit(clearingAccountFor(input.channel), input.amountFen)],
  };
}
