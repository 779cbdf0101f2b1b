import { addFen, type Fen } from '../../money';
import { chartOfAccounts as accounts, clearingAccountFor } from '../accounts';
import { credit, debit, withoutZeroPostings, type EntrySpec, type SourceDocument } from '../entry';

export interface WithdrawalApprovedInput {
  source: SourceDocument;
  memberId: string;
  approvedAt: string;
  from: 'balance' | 'commission';
  amountFen: Fen;
  feeFen: Fen;
  netFen: Fen;
}

/** Type 4, approved: Dr 2203 or 2204 (amount); Cr 2206 (net), Cr 6051 (fee). */
export function withdrawalApprovedEntry(input: WithdrawalApprovedInput): EntrySpec {
  if (addFen(input.netFen, input.feeFen) !== input.amountFen) {
    throw new Error(`withdrawal ${input.source.no}: net + fee != amount`);
  }
  const fromAccount = input.from === 'balance' ? accounts.memberBalance.code : accounts.commissionPayable.code;
  return {
    entryType: 'withdrawal_approved',
    occurredAt: input.approvedAt,
    source: input.source,
    postings: withoutZeroPostings([
      debit(fromAccount, input.amountFen, input.memberId),
      credit(accounts.payoutsInTransit.code, input.netFen, input.memberId),
      credit(accounts.otherIncome.code, input.feeFen),
    ]),
  };
}

export interface PayoutPaidInput {
  source: SourceDocument;
  partyId: string;
  paidAt: string;
  method: 'wechat' | 'alipay' | 'bank';
  netFen: Fen;
  entryType: 'withdrawal_paid' | 'payout_paid';
}

/** Types 4 and 6, paid: Dr 2206; Cr channel clearing or 1002 bank. */
export function payoutPaidEntry(input: PayoutPaidInput): EntrySpec | null {
  if (input.netFen === 0) return null;
  const paidFrom = input.method === 'bank' ? accounts.bank.code : clearingAccountFor(input.method);
  return {
    entryType: input.entryType,
    occurredAt: input.paidAt,
    source: input.source,
    postings: [debit(accounts.payoutsInTransit.code, input.netFen, input.partyId), credit(paidFrom, input.netFen)],
  };
}
