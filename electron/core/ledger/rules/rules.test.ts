import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen } from '../../money';
import { assertEntryBalanced, LedgerInvariantError, type EntrySpec } from '../entry';
import {
  channelFeeEntry,
  commissionAccrualEntry,
  commissionClawbackEntry,
  commissionPayoutEntry,
  openingBalanceEntry,
  orderCompletionEntry,
  orderPaymentEntry,
  payoutPaidEntry,
  pointsDeductionEntry,
  pointsReturnEntry,
  refundApprovedEntry,
  refundSucceededEntry,
  topupEntry,
  withdrawalApprovedEntry,
} from '.';

const order = { resource: 'orders', id: 'o1', no: 'SO202610150001', version: 1 };
const at = '2026-10-15T10:00:00+08:00';

function lines(spec: EntrySpec | null): string[] {
  if (!spec) return [];
  return spec.postings.map((p) => `${p.debitFen ? 'Dr' : 'Cr'} ${p.accountCode}${p.partyId ? `/${p.partyId}` : ''} ${p.debitFen || p.creditFen}`);
}

describe('the six ledger types', () => {
  it('1. order booking on payment splits the tenders and credits advances', () => {
    const spec = orderPaymentEntry({ source: order, memberId: 'm1', paidAt: at, payChannel: 'wechat', channelPaidFen: fen(8000), storedValueFen: fen(1500), balanceFen: fen(500) });
    expect(lines(spec)).toEqual(['Dr 1121 8000', 'Dr 2202/m1 1500', 'Dr 2203/m1 500', 'Cr 2201/m1 10000']);
    expect(spec?.source).toEqual(order);
  });
  it('1. order booking on completion recognises revenue and cost', () => {
    expect(lines(orderCompletionEntry({ source: order, memberId: 'm1', completedAt: at, revenueFen: fen(10000), costOfGoodsFen: fen(6000) }))).toEqual([
      'Dr 2201/m1 10000',
      'Cr 6001 10000',
      'Dr 6401 6000',
      'Cr 1405 6000',
    ]);
  });
  it('2. refund approved goes to advances before completion and to returns after', () => {
    expect(lines(refundApprovedEntry({ source: order, memberId: 'm1', approvedAt: at, amountFen: fen(300), orderCompleted: false }))).toEqual(['Dr 2201/m1 300', 'Cr 2205/m1 300']);
    expect(lines(refundApprovedEntry({ source: order, memberId: 'm1', approvedAt: at, amountFen: fen(300), orderCompleted: true }))).toEqual(['Dr 6002 300', 'Cr 2205/m1 300']);
  });
  it('2. refund succeeded pays out by the split', () => {
    expect(lines(refundSucceededEntry({ source: order, memberId: 'm1', succeededAt: at, channel: 'alipay', channelFen: fen(200), storedValueFen: fen(100), balanceFen: fen(0) }))).toEqual([
      'Dr 2205/m1 300',
      'Cr 1122 200',
      'Cr 2202/m1 100',
    ]);
  });
  it('3. top-up with bonus', () => {
    expect(lines(topupEntry({ source: { resource: 'topups', id: 't1', no: 'TU1' }, memberId: 'm1', paidAt: at, channel: 'wechat', amountFen: fen(50000), bonusFen: fen(5000) }))).toEqual([
      'Dr 1121 50000',
      'Cr 2202/m1 50000',
      'Dr 6604 5000',
      'Cr 2202/m1 5000',
    ]);
  });
  it('4. withdrawal approved and paid', () => {
    const w = { resource: 'withdrawals', id: 'w1', no: 'WD1' };
    expect(lines(withdrawalApprovedEntry({ source: w, memberId: 'm1', approvedAt: at, from: 'commission', amountFen: fen(10000), feeFen: fen(60), netFen: fen(9940) }))).toEqual([
      'Dr 2204/m1 10000',
      'Cr 2206/m1 9940',
      'Cr 6051 60',
    ]);
    expect(() => withdrawalApprovedEntry({ source: w, memberId: 'm1', approvedAt: at, from: 'balance', amountFen: fen(10000), feeFen: fen(60), netFen: fen(9900) })).toThrow();
    expect(lines(payoutPaidEntry({ source: w, partyId: 'm1', paidAt: at, method: 'bank', netFen: fen(9940), entryType: 'withdrawal_paid' }))).toEqual(['Dr 2206/m1 9940', 'Cr 1002 9940']);
  });
  it('5. points deduction and return move money and quantity', () => {
    const deduction = pointsDeductionEntry({ source: order, memberId: 'm1', paidAt: at, pointsDeductionFen: fen(500), pointsUsed: 500 });
    expect(lines(deduction)).toEqual(['Dr 6603 500', 'Cr 2201/m1 500']);
    expect(deduction?.pointsMovements).toEqual([{ memberId: 'm1', changePoints: -500, movementKind: 'deduct' }]);
    const returned = pointsReturnEntry({ source: order, memberId: 'm1', returnedAt: at, cashValueFen: fen(500), pointsReturned: 500 });
    expect(lines(returned)).toEqual(['Dr 2201/m1 500', 'Cr 6603 500']);
  });
  it('6. commission accrual, payout and clawback', () => {
    const c = { resource: 'commissions', id: 'c1', no: 'SO1/L1/1' };
    expect(lines(commissionAccrualEntry({ source: c, distributorId: 'd1', settleableAt: at, amountFen: fen(990) }))).toEqual(['Dr 6602 990', 'Cr 2204/d1 990']);
    expect(lines(commissionPayoutEntry({ source: c, distributorId: 'd1', settledAt: at, amountFen: fen(990) }))).toEqual(['Dr 2204/d1 990', 'Cr 2206/d1 990']);
    expect(lines(commissionClawbackEntry({ source: c, distributorId: 'd1', cancelledAt: at, amountFen: fen(990) }))).toEqual(['Dr 1221/d1 990', 'Cr 6602 990']);
  });
  it('channel fee posts to 6601 and a returned fee the other way', () => {
    const row = { resource: 'channel_rows', id: '1', no: 'X' };
    expect(lines(channelFeeEntry({ source: row, channel: 'wechat', occurredAt: at, feeFen: fen(18) }))).toEqual(['Dr 6601 18', 'Cr 1121 18']);
    expect(lines(channelFeeEntry({ source: row, channel: 'wechat', occurredAt: at, feeFen: fen(-18) }))).toEqual(['Dr 1121 18', 'Cr 6601 18']);
  });
  it('opening balances credit each member sub-ledger and count points', () => {
    const spec = openingBalanceEntry('2026-10-01T00:00:00+08:00', [
      { memberId: 'm1', storedValueFen: fen(100), balanceFen: fen(0), commissionFen: fen(50), points: 30 },
      { memberId: 'm2', storedValueFen: fen(0), balanceFen: fen(0), commissionFen: fen(0), points: 7 },
    ]);
    expect(lines(spec)).toEqual(['Dr 3001 150', 'Cr 2202/m1 100', 'Cr 2204/m1 50']);
    expect(spec?.pointsMovements).toHaveLength(2);
  });
  it('nothing to post gives no entry', () => {
    expect(orderPaymentEntry({ source: order, memberId: 'm1', paidAt: at, payChannel: 'none', channelPaidFen: fen(0), storedValueFen: fen(0), balanceFen: fen(0) })).toBeNull();
  });
});

describe('assertEntryBalanced', () => {
  const base: EntrySpec = { entryType: 'adjustment', occurredAt: at, source: order, postings: [] };
  it('rejects an unbalanced entry as our own bug', () => {
    expect(() =>
      assertEntryBalanced({ ...base, postings: [{ accountCode: '1002', partyId: null, debitFen: fen(100), creditFen: fen(0) }, { accountCode: '6001', partyId: null, debitFen: fen(0), creditFen: fen(99) }] }),
    ).toThrow(LedgerInvariantError);
  });
  it('rejects single postings, negative sides, two-sided postings and quantity-only money types', () => {
    expect(() => assertEntryBalanced({ ...base, postings: [{ accountCode: '1002', partyId: null, debitFen: fen(0), creditFen: fen(0) }] })).toThrow(LedgerInvariantError);
    expect(() =>
      assertEntryBalanced({ ...base, postings: [{ accountCode: '1002', partyId: null, debitFen: fen(-1), creditFen: fen(0) }, { accountCode: '6001', partyId: null, debitFen: fen(0), creditFen: fen(-1) }] }),
    ).toThrow(LedgerInvariantError);
    expect(() =>
      assertEntryBalanced({ ...base, postings: [{ accountCode: '1002', partyId: null, debitFen: fen(1), creditFen: fen(1) }, { accountCode: '6001', partyId: null, debitFen: fen(1), creditFen: fen(1) }] }),
    ).toThrow(LedgerInvariantError);
    expect(() => assertEntryBalanced({ ...base, pointsMovements: [{ memberId: 'm', changePoints: 5, movementKind: 'earn' }] })).toThrow(LedgerInvariantError);
  });
  it('every order payment built from any tender split balances (property)', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.nat(10_000_000), fc.nat(10_000_000), fc.constantFrom('wechat', 'alipay') as fc.Arbitrary<'wechat' | 'alipay'>, (paid, stored, balance, channel) => {
        const spec = orderPaymentEntry({ source: order, memberId: 'm1', paidAt: at, payChannel: channel, channelPaidFen: fen(paid), storedValueFen: fen(stored), balanceFen: fen(balance) });
        if (paid + stored + balance === 0) expect(spec).toBeNull();
        else expect(() => assertEntryBalanced(spec!)).not.toThrow();
      }),
    );
  });
});
