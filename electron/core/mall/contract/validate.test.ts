import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fen, formatFenAsYuan, multiplyByRate } from '../../money';
import type { MallCommission, MallOrder, MallRefund, MallWithdrawal } from './types';
import { contractPathTemplate, validateMallRecord, validateResponse } from './validate';

const at = '2026-10-05T10:00:00+08:00';

function order(): MallOrder {
  return {
    id: 'o_1',
    order_no: 'ORD1',
    member_id: 'm_1',
    status: 'paid',
    created_at: at,
    paid_at: at,
    completed_at: null,
    closed_at: null,
    currency: 'CNY',
    goods_amount: '120.00',
    shipping_amount: '10.00',
    coupon_discount: '5.00',
    points_used: 300,
    points_deduction_amount: '3.00',
    stored_value_amount: '20.00',
    balance_amount: '2.00',
    paid_amount: '100.00',
    pay_channel: 'wechat',
    channel_trade_no: '4200000000000000000000000001',
    distributor_id: null,
    lines: [
      { line_id: 'l_1', sku: 'A', name: 'Tea', quantity: 2, unit_price: '50.00', amount: '100.00', cost_amount: '40.00' },
      { line_id: 'l_2', sku: 'B', name: 'Cup', quantity: 1, unit_price: '20.00', amount: '20.00', cost_amount: null },
    ],
    updated_at: at,
    version: 2,
  };
}

function refund(): MallRefund {
  return {
    id: 'r_1',
    refund_no: 'RF1',
    order_id: 'o_1',
    order_no: 'ORD1',
    amount: '30.00',
    channel_amount: '25.00',
    stored_value_amount: '4.00',
    balance_amount: '1.00',
    points_returned: 0,
    channel: 'wechat',
    channel_refund_no: null,
    status: 'succeeded',
    reason: null,
    requested_at: at,
    succeeded_at: at,
    lines: [{ line_id: 'l_1', quantity: 1, amount: '30.00' }],
    updated_at: at,
    version: 1,
  };
}

function commission(): MallCommission {
  return {
    id: 'c_1',
    distributor_id: 'm_9',
    order_id: 'o_1',
    order_no: 'ORD1',
    line_id: 'l_1',
    level: 1,
    basis_amount: '19.90',
    rate: '0.0750',
    amount: '1.49', // 19.90 x 0.075 = 1.4925
    status: 'pending',
    settleable_at: null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

function withdrawal(): MallWithdrawal {
  return {
    id: 'w_1',
    withdrawal_no: 'WD1',
    member_id: 'm_1',
    source: 'balance',
    amount: '100.00',
    fee: '0.60',
    net_amount: '99.40',
    method: 'wechat',
    payee_openid: 'o-abc',
    payee_account_masked: null,
    real_name: '张三',
    status: 'submitted',
    submitted_at: at,
    updated_at: at,
    version: 1,
  };
}

function expectRejected(result: { ok: boolean; reason?: string }, fragment: string): void {
  expect(result.ok).toBe(false);
  expect((result as { reason: string }).reason).toContain(fragment);
}

describe('validateMallRecord', () => {
  it('accepts records that follow the contract', () => {
    expect(validateMallRecord('orders', order())).toEqual({ ok: true });
    expect(validateMallRecord('refunds', refund())).toEqual({ ok: true });
    expect(validateMallRecord('commissions', commission())).toEqual({ ok: true });
    expect(validateMallRecord('withdrawals', withdrawal())).toEqual({ ok: true });
    expect(validateMallRecord('member_balances', { member_id: 'm_1', stored_value: '1.00', balance: '0.00', commission: '0.00', points: 3 })).toEqual({ ok: true });
    expect(
      validateMallRecord('daily_summaries', {
        date: '2026-10-01', gmv: '0.00', order_count: 0, paid_amount: '0.00', refund_amount: '0.00', refund_count: 0, topup_amount: '0.00',
      }),
    ).toEqual({ ok: true });
  });

  it('rejects unknown enum values', () => {
    expectRejected(validateMallRecord('orders', { ...order(), status: 'refunded' }), '/status');
    expectRejected(validateMallRecord('orders', { ...order(), pay_channel: 'unionpay' }), '/pay_channel');
    expectRejected(validateMallRecord('refunds', { ...refund(), status: 'done' }), '/status');
    expectRejected(validateMallRecord('commissions', { ...commission(), level: 3 }), '/level');
    expectRejected(validateMallRecord('withdrawals', { ...withdrawal(), method: 'cash' }), '/method');
    expectRejected(validateMallRecord('points', {
      id: 'p', member_id: 'm', change: 1, kind: 'gift', order_id: null, order_no: null, cash_value: null, occurred_at: at, updated_at: at, version: 1,
    }), '/kind');
  });

  it('rejects malformed money, times and missing fields', () => {
    expectRejected(validateMallRecord('orders', { ...order(), paid_amount: 100 }), '/paid_amount');
    expectRejected(validateMallRecord('orders', { ...order(), paid_amount: '100.0' }), '/paid_amount');
    expectRejected(validateMallRecord('orders', { ...order(), paid_at: '2026-10-05 10:00:00' }), '/paid_at');
    const { lines: _lines, ...withoutLines } = order();
    expectRejected(validateMallRecord('orders', withoutLines), 'lines');
    expectRejected(validateMallRecord('orders', null), 'must be object');
    expectRejected(validateMallRecord('commissions', { ...commission(), rate: '10%' }), '/rate');
  });

  it('rejects broken amount identities', () => {
    expectRejected(validateMallRecord('orders', { ...order(), paid_amount: '100.01' }), 'paid_amount + stored_value_amount');
    const badLines = order();
    badLines.lines[1] = { ...badLines.lines[1], amount: '19.99' };
    expectRejected(validateMallRecord('orders', badLines), 'lines sum to 119.99');
    expectRejected(validateMallRecord('refunds', { ...refund(), channel_amount: '24.99' }), 'channel_amount + stored_value_amount');
    expectRejected(validateMallRecord('commissions', { ...commission(), amount: '1.50' }), 'round_half_up');
    expectRejected(validateMallRecord('withdrawals', { ...withdrawal(), net_amount: '99.41' }), 'net_amount 99.41');
  });

  it('commission identity: round half up of basis x rate, property', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 9999 }), (basisFen, rateBasisPoints) => {
        const rate = `0.${String(rateBasisPoints).padStart(4, '0')}`;
        const amount = multiplyByRate(fen(basisFen), rate, 'half-up');
        const record = { ...commission(), basis_amount: formatFenAsYuan(fen(basisFen)), rate, amount: formatFenAsYuan(amount) };
        expect(validateMallRecord('commissions', record).ok).toBe(true);
        const off = { ...record, amount: formatFenAsYuan(fen(amount + 1)) };
        expect(validateMallRecord('commissions', off).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validateResponse', () => {
  it('checks list pages, including the identities of each record', () => {
    expect(validateResponse('/v1/orders?limit=2', 'GET', 200, { data: [order()], next_cursor: null })).toEqual({ ok: true });
    expectRejected(validateResponse('/v1/orders', 'GET', 200, { data: [order()] }), 'next_cursor');
    expectRejected(validateResponse('/v1/orders', 'GET', 200, { data: [{ ...order(), paid_amount: '1.00' }], next_cursor: null }), 'data[0]');
  });

  it('checks write-back responses and general errors', () => {
    expect(validateResponse('/v1/withdrawals/w_1/decision', 'POST', 200, withdrawal())).toEqual({ ok: true });
    expect(validateResponse('/v1/withdrawals/w_1/decision', 'POST', 409, { code: 'conflict', message: 'x' })).toEqual({ ok: true });
    expect(validateResponse('/v1/orders', 'GET', 401, { code: 'unauthorized', message: 'no token' })).toEqual({ ok: true });
    expectRejected(validateResponse('/v1/orders', 'GET', 401, { error: 'no' }), 'code');
    expectRejected(validateResponse('/v1/orders', 'GET', 302, {}), 'not listed');
    expectRejected(validateResponse('/v1/unknown', 'GET', 200, {}), 'not in the contract');
    expectRejected(validateResponse('/v1/orders', 'DELETE', 200, {}), 'not in the contract');
    expect(validateResponse('/v1/commission-settlements', 'POST', 200, { anything: true })).toEqual({ ok: true });
  });

  it('maps concrete paths to templates', () => {
    expect(contractPathTemplate('/v1/withdrawals/abc/payout-result')).toBe('/v1/withdrawals/{id}/payout-result');
    expect(contractPathTemplate('/v1/withdrawals/abc/other')).toBeNull();
  });
});
