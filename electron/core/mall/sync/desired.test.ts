import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertEntryBalanced, type EntrySpec } from '../../ledger/entry';
import type { MallCommission, MallOrder, MallRefund, MallWithdrawal } from '../contract/types';
import { bookingProblem, desiredEntries, entryMatchKey, proportionalFenHalfUp, type DesiredContext } from './desired';
import { entryDifference, type ActiveEntry } from './reconcile';

const order: MallOrder = {
  id: 'o1',
  order_no: 'SO1',
  member_id: 'm1',
  status: 'completed',
  created_at: '2026-10-05T09:00:00+08:00',
  paid_at: '2026-10-05T09:01:00+08:00',
  completed_at: '2026-10-10T12:00:00+08:00',
  closed_at: null,
  currency: 'CNY',
  goods_amount: '200.00',
  shipping_amount: '0.00',
  coupon_discount: '0.00',
  points_used: 1000,
  points_deduction_amount: '10.00',
  stored_value_amount: '40.00',
  balance_amount: '0.00',
  paid_amount: '150.00',
  pay_channel: 'wechat',
  channel_trade_no: '4200',
  distributor_id: null,
  lines: [
    { line_id: 'l1', sku: 'A', name: 'a', quantity: 2, unit_price: '50.00', amount: '100.00', cost_amount: '60.00' },
    { line_id: 'l2', sku: 'B', name: 'b', quantity: 1, unit_price: '100.00', amount: '100.00', cost_amount: null },
  ],
  updated_at: '2026-10-10T12:00:00+08:00',
  version: 3,
};

function refund(patch: Partial<MallRefund>): MallRefund {
  return {
    id: 'r1',
    refund_no: 'RF1',
    order_id: 'o1',
    order_no: 'SO1',
    amount: '50.00',
    channel_amount: '50.00',
    stored_value_amount: '0.00',
    balance_amount: '0.00',
    points_returned: 0,
    channel: 'wechat',
    channel_refund_no: null,
    status: 'succeeded',
    reason: null,
    requested_at: '2026-10-06T10:00:00+08:00',
    succeeded_at: '2026-10-06T11:00:00+08:00',
    lines: [{ line_id: 'l1', quantity: 1, amount: '50.00' }],
    updated_at: '2026-10-06T11:00:00+08:00',
    version: 3,
    ...patch,
  };
}

function context(refunds: MallRefund[] = [], patch: Partial<DesiredContext> = {}): DesiredContext {
  return {
    booksStart: '2026-10-01T00:00:00+08:00',
    orderById: (id) => (id === order.id ? order : null),
    refundsOfOrder: (id) => refunds.filter((candidate) => candidate.order_id === id),
    commissionPaidOut: () => false,
    ...patch,
  };
}

function lines(spec: EntrySpec): string[] {
  return spec.postings.map((p) => `${p.debitFen ? 'Dr' : 'Cr'} ${p.accountCode}${p.partyId ? `/${p.partyId}` : ''} ${p.debitFen || p.creditFen}`);
}

describe('desiredEntries', () => {
  it('a completed order: payment, points deduction and completion with revenue and cost', () => {
    const specs = desiredEntries('orders', order, context());
    expect(specs.map((spec) => spec.entryType)).toEqual(['order_payment', 'points_deduction', 'order_completion']);
    expect(lines(specs[2])).toEqual(['Dr 2201/m1 20000', 'Cr 6001 20000', 'Dr 6401 6000', 'Cr 1405 6000']);
    specs.forEach(assertEntryBalanced);
  });

  it('a refund approved before completion reduces revenue and the refunded units\' cost; after completion it is a sales return', () => {
    const before = refund({});
    const specs = desiredEntries('orders', order, context([before]));
    expect(lines(specs[2])).toEqual(['Dr 2201/m1 15000', 'Cr 6001 15000', 'Dr 6401 3000', 'Cr 1405 3000']);
    expect(lines(desiredEntries('refunds', before, context())[0])).toEqual(['Dr 2201/m1 5000', 'Cr 2205/m1 5000']);
    const after = refund({ requested_at: '2026-10-12T10:00:00+08:00', succeeded_at: '2026-10-12T11:00:00+08:00' });
    expect(lines(desiredEntries('orders', order, context([after]))[2])[0]).toBe('Dr 2201/m1 20000');
    expect(lines(desiredEntries('refunds', after, context())[0])).toEqual(['Dr 6002 5000', 'Cr 2205/m1 5000']);
  });

  it('a refund with points returned values them proportionally and puts them back in the quantity ledger', () => {
    const specs = desiredEntries('refunds', refund({ points_returned: 500 }), context());
    expect(specs.map((spec) => spec.entryType)).toEqual(['refund_approved', 'refund_succeeded', 'points_return']);
    expect(lines(specs[2])).toEqual(['Dr 2201/m1 500', 'Cr 6603 500']);
    expect(specs[2].pointsMovements).toEqual([{ memberId: 'm1', changePoints: 500, movementKind: 'return' }]);
  });

  it('requested, rejected and failed refunds book nothing; a refund waits for its order', () => {
    for (const status of ['requested', 'rejected', 'failed'] as const) expect(desiredEntries('refunds', refund({ status, succeeded_at: null }), context())).toEqual([]);
    expect(desiredEntries('refunds', refund({ order_id: 'unknown' }), context())).toEqual([]);
    expect(desiredEntries('refunds', refund({ status: 'processing', succeeded_at: null }), context()).map((spec) => spec.entryType)).toEqual(['refund_approved']);
  });

  it('closed orders never reach revenue; unpaid orders book nothing', () => {
    const closed = { ...order, status: 'closed' as const, completed_at: null, closed_at: '2026-10-06T11:00:00+08:00' };
    expect(desiredEntries('orders', closed, context()).map((spec) => spec.entryType)).toEqual(['order_payment', 'points_deduction']);
    expect(desiredEntries('orders', { ...order, status: 'unpaid', paid_at: null, completed_at: null }, context())).toEqual([]);
  });

  it('business times before the books start are not booked', () => {
    const early = { ...order, paid_at: '2026-09-30T23:59:00+08:00' };
    const specs = desiredEntries('orders', early, context());
    expect(specs.map((spec) => spec.entryType)).toEqual(['order_completion']);
    // Only what the books hold reaches revenue: the payment was before the books started.
    expect(lines(specs[0])).toEqual(['Dr 6401 6000', 'Cr 1405 6000']);
  });

  it('commissions: settleable accrues; cancelled reverses, or claws back once paid out', () => {
    const commission: MallCommission = {
      id: 'c1', distributor_id: 'd1', order_id: 'o1', order_no: 'SO1', line_id: 'l1', level: 1, basis_amount: '100.00', rate: '0.1000',
      amount: '10.00', status: 'settleable', settleable_at: '2026-10-17T12:00:00+08:00', created_at: '2026-10-05T09:01:00+08:00', updated_at: '2026-10-17T12:00:00+08:00', version: 2,
    };
    expect(lines(desiredEntries('commissions', commission, context())[0])).toEqual(['Dr 6602 1000', 'Cr 2204/d1 1000']);
    const cancelled = { ...commission, status: 'cancelled' as const, updated_at: '2026-10-20T00:00:00+08:00' };
    expect(desiredEntries('commissions', cancelled, context())).toEqual([]);
    const clawedBack = desiredEntries('commissions', cancelled, context([], { commissionPaidOut: () => true }));
    expect(clawedBack.map((spec) => spec.entryType)).toEqual(['commission_accrual', 'commission_clawback']);
    expect(desiredEntries('commissions', { ...commission, status: 'pending', settleable_at: null }, context())).toEqual([]);
  });

  it('withdrawals: submitted books nothing, approved and paid book the approval and the payout', () => {
    const withdrawal: MallWithdrawal = {
      id: 'w1', withdrawal_no: 'WD1', member_id: 'm1', source: 'balance', amount: '100.00', fee: '0.60', net_amount: '99.40', method: 'bank',
      payee_openid: null, payee_account_masked: null, real_name: null, status: 'submitted', submitted_at: '2026-10-05T09:00:00+08:00', updated_at: '2026-10-05T09:00:00+08:00', version: 1,
    };
    expect(desiredEntries('withdrawals', withdrawal, context())).toEqual([]);
    const paid = desiredEntries('withdrawals', { ...withdrawal, status: 'paid', version: 3 }, context());
    expect(paid.map(lines)).toEqual([
      ['Dr 2203/m1 10000', 'Cr 2206/m1 9940', 'Cr 6051 60'],
      ['Dr 2206/m1 9940', 'Cr 1002 9940'],
    ]);
    expect(desiredEntries('withdrawals', { ...withdrawal, status: 'rejected' }, context())).toEqual([]);
  });

  it('a refunded top-up takes amount and bonus back', () => {
    const topup = { id: 't1', topup_no: 'TU1', member_id: 'm1', amount: '500.00', bonus_amount: '30.00', pay_channel: 'alipay' as const, channel_trade_no: null, status: 'refunded' as const, paid_at: '2026-10-03T10:00:00+08:00', updated_at: '2026-10-04T10:00:00+08:00', version: 2 };
    const specs = desiredEntries('topups', topup, context());
    expect(specs.map(lines)[1]).toEqual(['Dr 2202/m1 53000', 'Cr 1122 50000', 'Cr 6604 3000']);
    specs.forEach(assertEntryBalanced);
  });
});

describe('bookingProblem', () => {
  it('names records the schema accepts but that cannot be booked', () => {
    expect(bookingProblem('orders', { ...order, paid_at: null } as never)).toMatch(/no paid_at/);
    expect(bookingProblem('orders', { ...order, completed_at: null } as never)).toMatch(/no completed_at/);
    expect(bookingProblem('orders', { ...order, pay_channel: 'none' } as never)).toMatch(/pay_channel is none/);
    expect(bookingProblem('refunds', refund({ succeeded_at: null }) as never)).toMatch(/no succeeded_at/);
    expect(bookingProblem('orders', order as never)).toBeNull();
  });
});

describe('entryDifference', () => {
  const active = (spec: EntrySpec, id: number): ActiveEntry => ({ id, entryNo: `LD-${id}`, entryType: spec.entryType, occurredAt: spec.occurredAt, postings: spec.postings, pointsMovements: spec.pointsMovements ?? [] });

  it('the same state is no difference; a changed amount is one reversal and one new entry; other modules\' entries are left alone', () => {
    const specs = desiredEntries('orders', order, context());
    const posted = specs.map((spec, index) => active(spec, index + 1));
    expect(entryDifference('orders', specs, posted)).toEqual({ toReverse: [], toPost: [] });
    const changed = desiredEntries('orders', order, context([refund({})]));
    const difference = entryDifference('orders', changed, posted);
    expect(difference.toReverse.map((entry) => entry.id)).toEqual([3]);
    expect(difference.toPost.map((spec) => spec.entryType)).toEqual(['order_completion']);
    const foreign: ActiveEntry = { ...posted[0], id: 99, entryType: 'channel_fee' };
    expect(entryDifference('orders', specs, [...posted, foreign]).toReverse).toEqual([]);
  });

  it('the match key ignores times and posting order', () => {
    const [payment] = desiredEntries('orders', order, context());
    expect(entryMatchKey({ ...payment, postings: [...payment.postings].reverse() })).toBe(entryMatchKey(payment));
    expect(entryMatchKey({ ...payment, occurredAt: '2030-01-01T00:00:00Z' } as EntrySpec)).toBe(entryMatchKey(payment));
  });
});

describe('proportionalFenHalfUp', () => {
  it('rounds half up and is exact at the whole', () => {
    expect(proportionalFenHalfUp(1000 as never, 1, 3)).toBe(333);
    expect(proportionalFenHalfUp(1000 as never, 2, 3)).toBe(667);
    expect(proportionalFenHalfUp(5 as never, 1, 2)).toBe(3);
    expect(proportionalFenHalfUp(1000 as never, 0, 0)).toBe(0);
  });

  it('never exceeds the whole and equals it for the whole (property)', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.integer({ min: 1, max: 100_000 }), fc.nat(100_000), (amount, denominator, part) => {
        const numerator = Math.min(part, denominator);
        const value = proportionalFenHalfUp(amount as never, numerator, denominator);
        expect(value).toBeLessThanOrEqual(amount);
        expect(value).toBeGreaterThanOrEqual(0);
        if (numerator === denominator) expect(value).toBe(amount);
      }),
    );
  });
});
