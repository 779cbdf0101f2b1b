import { formatFenAsYuan, fen } from '../../money';
import type { MallDailySummary, MallMemberBalance } from '../contract/types';
import { yuanTextToFen, type MallDataset } from './generate';
import { parseInstantMs, shanghaiDate } from './time';

/** A paid-out commission settlement the mall recorded through POST /v1/commission-settlements. */
export interface RecordedSettlementPayout {
  distributorId: string;
  amountFen: number;
  paidAtMs: number;
}

/**
 * The contract's daily summaries for every date in [fromDate, toDate] (zero rows included):
 * gmv = sum over orders paid that date of goods + shipping - coupon; refunds by succeeded date.
 */
export function computeDailySummaries(dataset: MallDataset, dates: readonly string[]): MallDailySummary[] {
  const totals = new Map<string, { gmv: number; orders: number; paid: number; refund: number; refunds: number; topup: number }>();
  for (const date of dates) totals.set(date, { gmv: 0, orders: 0, paid: 0, refund: 0, refunds: 0, topup: 0 });
  for (const order of dataset.orders) {
    if (order.paid_at === null) continue;
    const row = totals.get(shanghaiDate(parseInstantMs(order.paid_at)));
    if (row === undefined) continue;
    row.gmv += yuanTextToFen(order.goods_amount) + yuanTextToFen(order.shipping_amount) - yuanTextToFen(order.coupon_discount);
    row.orders += 1;
    row.paid += yuanTextToFen(order.paid_amount);
  }
  for (const refund of dataset.refunds) {
    if (refund.status !== 'succeeded' || refund.succeeded_at === null) continue;
    const row = totals.get(shanghaiDate(parseInstantMs(refund.succeeded_at)));
    if (row === undefined) continue;
    row.refund += yuanTextToFen(refund.amount);
    row.refunds += 1;
  }
  for (const topup of dataset.topups) {
    const row = totals.get(shanghaiDate(parseInstantMs(topup.paid_at)));
    if (row === undefined) continue;
    row.topup += yuanTextToFen(topup.amount);
  }
  return dates.map((date) => {
    const row = totals.get(date)!;
    return {
      date,
      gmv: formatFenAsYuan(fen(row.gmv)),
      order_count: row.orders,
      paid_amount: formatFenAsYuan(fen(row.paid)),
      refund_amount: formatFenAsYuan(fen(row.refund)),
      refund_count: row.refunds,
      topup_amount: formatFenAsYuan(fen(row.topup)),
    };
  });
}

/**
 * Every member's balances at an instant at or after the books start: the opening balances rolled
 * forward through the records. Members whose balances are all zero are left out (the contract allows it).
 */
export function computeMemberBalances(
  dataset: MallDataset,
  asOfMs: number,
  settlementPayouts: readonly RecordedSettlementPayout[] = [],
): MallMemberBalance[] {
  const byMember = new Map<string, { storedValue: number; balance: number; commission: number; points: number }>();
  const account = (memberId: string) => {
    let entry = byMember.get(memberId);
    if (entry === undefined) {
      entry = { storedValue: 0, balance: 0, commission: 0, points: 0 };
      byMember.set(memberId, entry);
    }
    return entry;
  };
  const happened = (instant: string | null): boolean => instant !== null && parseInstantMs(instant) <= asOfMs;
  for (const opening of dataset.openingBalances) {
    const entry = account(opening.member_id);
    entry.storedValue += yuanTextToFen(opening.stored_value);
    entry.balance += yuanTextToFen(opening.balance);
    entry.commission += yuanTextToFen(opening.commission);
    entry.points += opening.points;
  }
  for (const topup of dataset.topups) {
    if (topup.status === 'paid' && happened(topup.paid_at)) {
      account(topup.member_id).storedValue += yuanTextToFen(topup.amount) + yuanTextToFen(topup.bonus_amount);
    }
  }
  for (const order of dataset.orders) {
    if (!happened(order.paid_at)) continue;
    const entry = account(order.member_id);
    entry.storedValue -= yuanTextToFen(order.stored_value_amount);
    entry.balance -= yuanTextToFen(order.balance_amount);
  }
  const memberOfOrder = new Map<string, string>();
  for (const order of dataset.orders) memberOfOrder.set(order.id, order.member_id);
  for (const refund of dataset.refunds) {
    if (refund.status !== 'succeeded' || !happened(refund.succeeded_at)) continue;
    const entry = account(memberOfOrder.get(refund.order_id)!);
    entry.storedValue += yuanTextToFen(refund.stored_value_amount);
    entry.balance += yuanTextToFen(refund.balance_amount);
  }
  for (const movement of dataset.points) {
    if (happened(movement.occurred_at)) account(movement.member_id).points += movement.change;
  }
  for (const commission of dataset.commissions) {
    if (!happened(commission.settleable_at)) continue;
    const entry = account(commission.distributor_id);
    entry.commission += yuanTextToFen(commission.amount);
    // Cancelled after it became settleable: the mall claws it back when it is cancelled.
    if (commission.status === 'cancelled' && happened(commission.updated_at)) entry.commission -= yuanTextToFen(commission.amount);
  }
  for (const withdrawal of dataset.withdrawals) {
    if (!happened(withdrawal.submitted_at)) continue;
    const entry = account(withdrawal.member_id);
    const amount = yuanTextToFen(withdrawal.amount);
    const returned = ['rejected', 'cancelled', 'failed'].includes(withdrawal.status) && happened(withdrawal.updated_at);
    const change = returned ? 0 : -amount;
    if (withdrawal.source === 'balance') entry.balance += change;
    else entry.commission += change;
  }
  for (const payout of settlementPayouts) {
    if (payout.paidAtMs <= asOfMs) account(payout.distributorId).commission -= payout.amountFen;
  }
  return [...byMember.entries()]
    .filter(([, entry]) => entry.storedValue !== 0 || entry.balance !== 0 || entry.commission !== 0 || entry.points !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([memberId, entry]) => ({
      member_id: memberId,
      stored_value: formatFenAsYuan(fen(entry.storedValue)),
      balance: formatFenAsYuan(fen(entry.balance)),
      commission: formatFenAsYuan(fen(entry.commission)),
      points: entry.points,
    }));
}
