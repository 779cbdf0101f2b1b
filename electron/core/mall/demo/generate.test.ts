import { describe, expect, it } from 'vitest';
import { validateMallRecord } from '../contract/validate';
import type { MallRecordResource } from '../contract/types';
import { generateMallDataset, yuanTextToFen, type MallDataset } from './generate';
import { computeDailySummaries, computeMemberBalances } from './summaries';
import { datesOfMonth, DAY_MS, monthStartMs, nextMonthStartMs, parseInstantMs, shanghaiDate } from './time';

const month = '2026-10';
const dataset = generateMallDataset({ seed: 42, month, orderCount: 2000 });

function recordsOf(data: MallDataset): Array<[MallRecordResource, unknown[]]> {
  return [
    ['members', data.members],
    ['orders', data.orders],
    ['refunds', data.refunds],
    ['topups', data.topups],
    ['points', data.points],
    ['commissions', data.commissions],
    ['withdrawals', data.withdrawals],
    ['member_balances', data.openingBalances],
  ];
}

describe('generateMallDataset', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateMallDataset({ seed: 42, month, orderCount: 2000 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(dataset));
    const other = generateMallDataset({ seed: 43, month, orderCount: 2000 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(dataset));
  });

  it('produces only records that pass the contract validator', () => {
    for (const [resource, records] of recordsOf(dataset)) {
      for (const record of records) {
        const check = validateMallRecord(resource, record);
        if (!check.ok) throw new Error(`${resource} ${JSON.stringify(record)}: ${check.reason}`);
      }
    }
  });

  it('has unique ids and document numbers per resource', () => {
    const unique = (values: string[]) => expect(new Set(values).size).toBe(values.length);
    unique(dataset.members.map((record) => record.id));
    unique(dataset.orders.map((record) => record.id));
    unique(dataset.orders.map((record) => record.order_no));
    unique(dataset.orders.flatMap((record) => record.lines.map((line) => line.line_id)));
    unique(dataset.refunds.map((record) => record.refund_no));
    unique(dataset.topups.map((record) => record.topup_no));
    unique([...dataset.orders, ...dataset.topups].flatMap((record) => (record.channel_trade_no ? [record.channel_trade_no] : [])));
    unique(dataset.commissions.map((record) => record.id));
    unique(dataset.withdrawals.map((record) => record.withdrawal_no));
    unique(dataset.points.map((record) => record.id));
  });

  it('covers the variety the demo promises', () => {
    const statuses = new Set(dataset.orders.map((order) => order.status));
    expect([...statuses].sort()).toEqual(['closed', 'completed', 'paid', 'shipped', 'unpaid']);
    expect(dataset.orders.some((order) => order.status === 'closed' && order.paid_at === null)).toBe(true);
    expect(dataset.orders.some((order) => order.status === 'closed' && order.paid_at !== null)).toBe(true);
    expect(new Set(dataset.orders.map((order) => order.pay_channel))).toEqual(new Set(['wechat', 'alipay', 'none']));
    expect(dataset.orders.some((order) => order.coupon_discount !== '0.00')).toBe(true);
    expect(dataset.orders.some((order) => order.points_used > 0)).toBe(true);
    expect(dataset.orders.some((order) => order.stored_value_amount !== '0.00' && order.paid_amount !== '0.00')).toBe(true);
    expect(dataset.orders.some((order) => order.balance_amount !== '0.00')).toBe(true);
    expect(dataset.orders.some((order) => order.lines.some((line) => line.cost_amount === null))).toBe(true);
    expect(dataset.orders.some((order) => order.lines.length > 1)).toBe(true);
    const fullRefunds = dataset.refunds.filter((refund) => {
      const order = dataset.orders.find((candidate) => candidate.id === refund.order_id)!;
      return refund.status === 'succeeded' && order.status === 'closed';
    });
    expect(fullRefunds.length).toBeGreaterThan(0);
    expect(dataset.refunds.some((refund) => refund.points_returned > 0)).toBe(true);
    expect(dataset.refunds.some((refund) => refund.status === 'succeeded' && refund.stored_value_amount !== '0.00')).toBe(true);
    expect(new Set(dataset.points.map((movement) => movement.kind))).toEqual(new Set(['earn', 'deduct', 'return', 'expire']));
    expect(new Set(dataset.commissions.map((commission) => commission.level))).toEqual(new Set([1, 2]));
    expect(new Set(dataset.commissions.map((commission) => commission.status))).toEqual(new Set(['pending', 'settleable', 'cancelled']));
    expect(new Set(dataset.withdrawals.map((withdrawal) => withdrawal.source))).toEqual(new Set(['balance', 'commission']));
    expect(dataset.withdrawals.filter((withdrawal) => yuanTextToFen(withdrawal.amount) >= 1_000_000).length).toBeGreaterThanOrEqual(2);
    expect(dataset.withdrawals.filter((withdrawal) => withdrawal.status === 'submitted').length).toBeGreaterThan(dataset.withdrawals.length / 2);
    expect(dataset.topups.some((topup) => topup.bonus_amount !== '0.00')).toBe(true);
    expect(dataset.crossMidnightOrderId).not.toBeNull();
  });

  it('builds a two-level distributor tree and pays commissions along it', () => {
    const byId = new Map(dataset.members.map((member) => [member.id, member]));
    const level1 = dataset.members.filter((member) => member.is_distributor && member.parent_distributor_id === null);
    const level2 = dataset.members.filter((member) => member.is_distributor && member.parent_distributor_id !== null);
    expect(level1.length).toBeGreaterThan(0);
    expect(level2.length).toBeGreaterThan(0);
    for (const member of level2) expect(byId.get(member.parent_distributor_id!)!.parent_distributor_id).toBeNull();
    for (const commission of dataset.commissions) {
      const order = dataset.orders.find((candidate) => candidate.id === commission.order_id)!;
      expect(order.paid_at).not.toBeNull();
      expect(order.lines.some((line) => line.line_id === commission.line_id && line.amount === commission.basis_amount)).toBe(true);
      const expected = commission.level === 1 ? order.distributor_id : byId.get(order.distributor_id!)!.parent_distributor_id;
      expect(commission.distributor_id).toBe(expected);
    }
  });

  it('keeps every activity inside the month and the books start at its first instant', () => {
    const startMs = monthStartMs(month);
    const endMs = nextMonthStartMs(month);
    expect(parseInstantMs(dataset.booksStartAt)).toBe(startMs);
    for (const [resource, records] of recordsOf(dataset)) {
      if (resource === 'members' || resource === 'member_balances') continue;
      for (const record of records as Array<{ updated_at: string }>) {
        const at = parseInstantMs(record.updated_at);
        expect(at).toBeGreaterThanOrEqual(startMs);
        expect(at).toBeLessThan(endMs);
      }
    }
  });

  it('never lets a member balance go negative at any instant of the month', () => {
    const opening = computeMemberBalances(dataset, monthStartMs(month));
    expect(opening).toEqual(dataset.openingBalances);
    for (let at = monthStartMs(month); at <= nextMonthStartMs(month); at += DAY_MS / 4) {
      for (const balance of computeMemberBalances(dataset, at)) {
        for (const value of [balance.stored_value, balance.balance, balance.commission]) expect(value.startsWith('-')).toBe(false);
        expect(balance.points).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('daily summaries agree with an independent recomputation', () => {
    const dates = datesOfMonth(month);
    const summaries = computeDailySummaries(dataset, dates);
    expect(summaries.map((row) => row.date)).toEqual(dates);
    let totalGmv = 0;
    for (const summary of summaries) {
      const paidThatDay = dataset.orders.filter((order) => order.paid_at !== null && shanghaiDate(Date.parse(order.paid_at)) === summary.date);
      const gmv = paidThatDay.reduce(
        (sum, order) => sum + yuanTextToFen(order.goods_amount) + yuanTextToFen(order.shipping_amount) - yuanTextToFen(order.coupon_discount),
        0,
      );
      expect(yuanTextToFen(summary.gmv)).toBe(gmv);
      expect(summary.order_count).toBe(paidThatDay.length);
      totalGmv += gmv;
    }
    expect(totalGmv).toBeGreaterThan(0);
    const refundTotal = summaries.reduce((sum, row) => sum + yuanTextToFen(row.refund_amount), 0);
    const succeeded = dataset.refunds.filter((refund) => refund.status === 'succeeded');
    expect(refundTotal).toBe(succeeded.reduce((sum, refund) => sum + yuanTextToFen(refund.amount), 0));
  });

  it('scales to 100,000 orders', () => {
    const large = generateMallDataset({ seed: 7, month, orderCount: 100_000 });
    expect(large.orders).toHaveLength(100_000);
    expect(new Set(large.orders.map((order) => order.order_no)).size).toBe(100_000);
  });
});

describe('generateMallDataset, small and odd sizes', () => {
  it('stays valid for any seed and tiny order counts', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 60 }), (seed, orderCount) => {
        const small = generateMallDataset({ seed, month: '2024-02', orderCount });
        for (const [resource, records] of recordsOf(small)) {
          for (const record of records) {
            const check = validateMallRecord(resource, record);
            if (!check.ok) throw new Error(`${resource}: ${check.reason}`);
          }
        }
        for (const balance of computeMemberBalances(small, Date.parse(small.periodEndAt))) {
          expect(balance.stored_value.startsWith('-') || balance.balance.startsWith('-') || balance.commission.startsWith('-')).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a malformed month or a negative order count', () => {
    expect(() => generateMallDataset({ seed: 1, month: '2026-13', orderCount: 1 })).toThrow();
    expect(() => generateMallDataset({ seed: 1, month: '2026-10', orderCount: -1 })).toThrow();
  });
});
