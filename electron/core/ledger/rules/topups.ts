import type { Fen } from '../../money';
import { chartOfAccounts as accounts, clearingAccountFor, type PaymentChannel } from '../accounts';
import { credit, debit, withoutZeroPostings, type EntrySpec, type SourceDocument } from '../entry';

export interface TopupInput {
  source: SourceDocument;
  memberId: string;
  paidAt: string;
  channel: PaymentChannel;
  amountFen: Fen;
  bonusFen: Fen;
}

/** Type 3: Dr channel clearing, Cr 2202 (amount); bonus Dr 6604, Cr 2202. */
export function topupEntry(input: TopupInput): EntrySpec | null {
  if (input.amountFen === 0 && input.bonusFen === 0) return null;
  return {
    entryType: 'topup',
    occurredAt: input.paidAt,
    source: input.source,
    postings: withoutZeroPostings([
      debit(clearingAccountFor(input.channel), input.amountFen),
      credit(accounts.memberStoredValue.code, input.amountFen, input.memberId),
      debit(accounts.storedValueBonus.code, input.bonusFen),
      credit(accounts.memberStoredValue.code, input.bonusFen, input.memberId),
    ]),
  };
}
