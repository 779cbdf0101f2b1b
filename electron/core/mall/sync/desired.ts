import { addFen, fen, subtractFen, sumFen, type Fen } from '../../money';
import { parseMallMoney } from '../contract/money-memo';
import { chartOfAccounts as accounts, clearingAccountFor } from '../../ledger/accounts';
import { credit, debit, withoutZeroPostings, type EntrySpec, type EntryType, type SourceDocument } from '../../ledger/entry';
import {
  commissionAccrualEntry,
  commissionClawbackEntry,
  orderCompletionEntry,
  orderPaymentEntry,
  payoutPaidEntry,
  pointsDeductionEntry,
  pointsQuantityEntry,
  pointsReturnEntry,
  refundApprovedEntry,
  refundSucceededEntry,
  topupEntry,
  withdrawalApprovedEntry,
} from '../../ledger/rules';
import type {
  MallCommission,
  MallOrder,
  MallPointsMovement,
  MallRefund,
  MallSyncedResource,
  MallTopup,
  MallWithdrawal,
} from '../contract/types';

/**
 * What a synced document's current state implies for the books, as a pure function: the sync
 * compares it with the entries already posted for the document and posts only the difference.
 *
 * Choices where the contract gives no time or value:
 * - A refund is approved at requested_at (the contract has no approval time; using it keeps the
 *   approval entry unchanged when the refund later succeeds).
 * - Returned points are valued proportionally: points_deduction_amount x points_returned /
 *   points_used of the order, half-up to the fen. The points resource's 'return' movements
 *   (with cash_value) and 'deduct' movements are not booked again: orders and refunds carry them.
 * - Times the contract does not give (withdrawal approval, commission cancellation, top-up
 *   refund) use the record's updated_at; entries are matched by type and postings, not time.
 * - Nothing whose business time is before the books start is booked (the opening entry holds it).
 */
export interface DesiredContext {
  /** The books start instant (RFC 3339). */
  booksStart: string;
  orderById(orderId: string): MallOrder | null;
  refundsOfOrder(orderId: string): MallRefund[];
  /** True when a commission payout entry (our settlement workflow) exists for the commission. */
  commissionPaidOut(commissionId: string): boolean;
}

/** Entry types the sync owns per resource: only these are ever reversed by a later version. */
export const managedEntryTypes: Record<MallSyncedResource, readonly EntryType[]> = {
  members: [],
  orders: ['order_payment', 'points_deduction', 'order_completion'],
  refunds: ['refund_approved', 'refund_succeeded', 'points_return', 'points_movement'],
  topups: ['topup', 'topup_refund'],
  points: ['points_movement'],
  commissions: ['commission_accrual', 'commission_clawback'],
  withdrawals: ['withdrawal_approved', 'withdrawal_paid'],
};

const approvedRefundStatuses = new Set<MallRefund['status']>(['approved', 'processing', 'succeeded']);

function money(text: string): Fen {
  const parsed = parseMallMoney(text);
  // Records reach here only after validateMallRecord: a bad amount is our bug.
  if (!parsed.ok) throw new Error(`desired entries: ${parsed.error}`);
  return parsed.value;
}

function instantMs(text: string): number {
  return new Date(text).getTime();
}

/** a x numerator / denominator, half-up to the fen, in integers (no float touches the amount). */
export function proportionalFenHalfUp(amount: Fen, numerator: number, denominator: number): Fen {
  if (denominator <= 0) return fen(0);
  const scaled = BigInt(amount) * BigInt(numerator) * 2n + BigInt(denominator);
  return fen(Number(scaled / (BigInt(denominator) * 2n)));
}

/**
 * Business problems the schema cannot express but that make a record impossible to book;
 * such a record is rejected like one that breaks an amount identity.
 */
export function bookingProblem(resource: MallSyncedResource, record: Record<string, unknown>): string | null {
  switch (resource) {
    case 'orders': {
      const order = record as unknown as MallOrder;
      if (order.paid_at === null && ['paid', 'shipped', 'completed'].includes(order.status)) return `order is ${order.status} but has no paid_at`;
      if (order.status === 'completed' && order.completed_at === null) return 'order is completed but has no completed_at';
      if (order.paid_at !== null && order.pay_channel === 'none' && money(order.paid_amount) !== 0) return 'paid_amount is not 0.00 but pay_channel is none';
      return null;
    }
    case 'refunds': {
      const refund = record as unknown as MallRefund;
      if (refund.status === 'succeeded' && refund.succeeded_at === null) return 'refund succeeded but has no succeeded_at';
      if (refund.channel === 'none' && money(refund.channel_amount) !== 0) return 'channel_amount is not 0.00 but channel is none';
      return null;
    }
    case 'commissions': {
      const commission = record as unknown as MallCommission;
      if (commission.status === 'settleable' && commission.settleable_at === null) return 'commission is settleable but has no settleable_at';
      return null;
    }
    default:
      return null;
  }
}

function sourceOf(resource: MallSyncedResource, record: { id: string; version: number }, no: string | null): SourceDocument {
  return { resource, id: record.id, no, version: record.version };
}

function present(specs: (EntrySpec | null)[]): EntrySpec[] {
  return specs.filter((spec): spec is EntrySpec => spec !== null);
}

/** The refunds of an order that were approved (requested) before it completed: they reduce revenue. */
function approvedBefore(refund: MallRefund, instant: string): boolean {
  return approvedRefundStatuses.has(refund.status) && instantMs(refund.requested_at) < instantMs(instant);
}

function refundCompletedOrder(refund: MallRefund, order: MallOrder): boolean {
  return order.completed_at !== null && instantMs(order.completed_at) <= instantMs(refund.requested_at);
}

export function returnedPointsValue(refund: MallRefund, order: MallOrder): Fen {
  return proportionalFenHalfUp(money(order.points_deduction_amount), refund.points_returned, order.points_used);
}

function booked(spec: EntrySpec | null, context: DesiredContext): boolean {
  return spec !== null && instantMs(spec.occurredAt) >= instantMs(context.booksStart);
}

function lineCostFen(order: MallOrder, refunds: MallRefund[]): Fen | null {
  const costed = order.lines.filter((line) => line.cost_amount !== null);
  if (costed.length === 0) return null;
  let cost = sumFen(costed.map((line) => money(line.cost_amount!)));
  // Units refunded before completion never reach revenue; their cost leaves with them.
  for (const refund of refunds) {
    for (const refundLine of refund.lines ?? []) {
      const line = order.lines.find((candidate) => candidate.line_id === refundLine.line_id);
      if (!line || line.cost_amount === null || line.quantity === 0) continue;
      const quantity = Math.min(refundLine.quantity, line.quantity);
      cost = subtractFen(cost, proportionalFenHalfUp(money(line.cost_amount), quantity, line.quantity));
    }
  }
  return cost < 0 ? fen(0) : cost;
}

function orderEntries(order: MallOrder, context: DesiredContext): EntrySpec[] {
  if (order.paid_at === null) return [];
  const source = sourceOf('orders', order, order.order_no);
  const payment = orderPaymentEntry({
    source,
    memberId: order.member_id,
    paidAt: order.paid_at,
    payChannel: order.pay_channel,
    channelPaidFen: money(order.paid_amount),
    storedValueFen: money(order.stored_value_amount),
    balanceFen: money(order.balance_amount),
  });
  const deduction = pointsDeductionEntry({
    source,
    memberId: order.member_id,
    paidAt: order.paid_at,
    pointsDeductionFen: money(order.points_deduction_amount),
    pointsUsed: order.points_used,
  });
  const specs: (EntrySpec | null)[] = [payment, deduction];
  // Closed orders (unpaid, or closed after a full refund) never reach revenue.
  if (order.status === 'completed' && order.completed_at !== null) {
    const completedAt = order.completed_at;
    let advancesFen = addFen(booked(payment, context) ? sumFen(payment!.postings.map((p) => p.creditFen)) : fen(0), booked(deduction, context) ? money(order.points_deduction_amount) : fen(0));
    const refundsBefore = context.refundsOfOrder(order.id).filter((refund) => approvedBefore(refund, completedAt));
    for (const refund of refundsBefore) {
      if (instantMs(refund.requested_at) >= instantMs(context.booksStart)) advancesFen = subtractFen(advancesFen, money(refund.amount));
      const returnedAt = refund.succeeded_at;
      if (refund.status === 'succeeded' && returnedAt !== null && instantMs(returnedAt) < instantMs(completedAt) && instantMs(returnedAt) >= instantMs(context.booksStart)) {
        advancesFen = subtractFen(advancesFen, returnedPointsValue(refund, order));
      }
    }
    specs.push(
      orderCompletionEntry({
        source,
        memberId: order.member_id,
        completedAt,
        // Refunds beyond what was paid are a mall data problem; revenue is never negative.
        revenueFen: advancesFen < 0 ? fen(0) : advancesFen,
        costOfGoodsFen: lineCostFen(order, refundsBefore),
      }),
    );
  }
  return present(specs);
}

function refundEntries(refund: MallRefund, context: DesiredContext): EntrySpec[] {
  if (!approvedRefundStatuses.has(refund.status)) return [];
  const order = context.orderById(refund.order_id);
  // A refund waits for its order (the party and the completion state come from it).
  if (order === null) return [];
  const source = sourceOf('refunds', refund, refund.refund_no);
  const specs: (EntrySpec | null)[] = [
    refundApprovedEntry({
      source,
      memberId: order.member_id,
      approvedAt: refund.requested_at,
      amountFen: money(refund.amount),
      orderCompleted: refundCompletedOrder(refund, order),
    }),
  ];
  if (refund.status === 'succeeded' && refund.succeeded_at !== null) {
    specs.push(
      refundSucceededEntry({
        source,
        memberId: order.member_id,
        succeededAt: refund.succeeded_at,
        channel: refund.channel,
        channelFen: money(refund.channel_amount),
        storedValueFen: money(refund.stored_value_amount),
        balanceFen: money(refund.balance_amount),
      }),
    );
    if (refund.points_returned > 0) {
      const cashValueFen = returnedPointsValue(refund, order);
      specs.push(
        cashValueFen === 0
          ? pointsQuantityEntry({ source, occurredAt: refund.succeeded_at, movement: { memberId: order.member_id, changePoints: refund.points_returned, movementKind: 'return' } })
          : pointsReturnEntry({ source, memberId: order.member_id, returnedAt: refund.succeeded_at, cashValueFen, pointsReturned: refund.points_returned }),
      );
    }
  }
  return present(specs);
}

/** A refunded top-up takes the paid amount back out through the channel and the bonus back to 6604. */
function topupRefundSpec(topup: MallTopup, source: SourceDocument): EntrySpec | null {
  const amountFen = money(topup.amount);
  const bonusFen = money(topup.bonus_amount);
  const total = addFen(amountFen, bonusFen);
  if (total === 0) return null;
  return {
    entryType: 'topup_refund',
    occurredAt: topup.updated_at,
    source,
    postings: withoutZeroPostings([
      debit(accounts.memberStoredValue.code, total, topup.member_id),
      credit(clearingAccountFor(topup.pay_channel), amountFen),
      credit(accounts.storedValueBonus.code, bonusFen),
    ]),
  };
}

function topupEntries(topup: MallTopup): EntrySpec[] {
  const source = sourceOf('topups', topup, topup.topup_no);
  const specs = [
    topupEntry({
      source,
      memberId: topup.member_id,
      paidAt: topup.paid_at,
      channel: topup.pay_channel,
      amountFen: money(topup.amount),
      bonusFen: money(topup.bonus_amount),
    }),
  ];
  if (topup.status === 'refunded') specs.push(topupRefundSpec(topup, source));
  return present(specs);
}

function pointsEntries(movement: MallPointsMovement): EntrySpec[] {
  // Deductions and returns are booked with their orders and refunds (money and quantity together).
  if (movement.kind === 'deduct' || movement.kind === 'return') return [];
  return present([
    pointsQuantityEntry({
      source: sourceOf('points', movement, movement.order_no),
      occurredAt: movement.occurred_at,
      movement: { memberId: movement.member_id, changePoints: movement.change, movementKind: movement.kind },
    }),
  ]);
}

export function commissionSourceNo(commission: MallCommission): string {
  return `${commission.order_no}/${commission.line_id}/${commission.level}`;
}

function commissionEntries(commission: MallCommission, context: DesiredContext): EntrySpec[] {
  if (commission.settleable_at === null || commission.status === 'pending') return [];
  const source = sourceOf('commissions', commission, commissionSourceNo(commission));
  const amountFen = money(commission.amount);
  const accrual = commissionAccrualEntry({ source, distributorId: commission.distributor_id, settleableAt: commission.settleable_at, amountFen });
  if (commission.status === 'settleable') return present([accrual]);
  // Cancelled after accrual: the accrual is reversed, unless it was already paid out, in which
  // case the distributor owes the money back (clawback, visible in 1221).
  if (!context.commissionPaidOut(commission.id)) return [];
  return present([accrual, commissionClawbackEntry({ source, distributorId: commission.distributor_id, cancelledAt: commission.updated_at, amountFen })]);
}

function withdrawalEntries(withdrawal: MallWithdrawal): EntrySpec[] {
  if (withdrawal.status !== 'approved' && withdrawal.status !== 'paid') return [];
  const source = sourceOf('withdrawals', withdrawal, withdrawal.withdrawal_no);
  const netFen = money(withdrawal.net_amount);
  const specs: (EntrySpec | null)[] = [
    withdrawalApprovedEntry({
      source,
      memberId: withdrawal.member_id,
      approvedAt: withdrawal.updated_at,
      from: withdrawal.source,
      amountFen: money(withdrawal.amount),
      feeFen: money(withdrawal.fee),
      netFen,
    }),
  ];
  if (withdrawal.status === 'paid') {
    specs.push(payoutPaidEntry({ source, partyId: withdrawal.member_id, paidAt: withdrawal.updated_at, method: withdrawal.method, netFen, entryType: 'withdrawal_paid' }));
  }
  return present(specs);
}

/** The entries a document's current state implies, before the books start filter. */
function allDesiredEntries(resource: MallSyncedResource, record: unknown, context: DesiredContext): EntrySpec[] {
  switch (resource) {
    case 'orders':
      return orderEntries(record as MallOrder, context);
    case 'refunds':
      return refundEntries(record as MallRefund, context);
    case 'topups':
      return topupEntries(record as MallTopup);
    case 'points':
      return pointsEntries(record as MallPointsMovement);
    case 'commissions':
      return commissionEntries(record as MallCommission, context);
    case 'withdrawals':
      return withdrawalEntries(record as MallWithdrawal);
    case 'members':
      return [];
  }
}

/** The entries the document's current state implies inside the books (business time >= books start). */
export function desiredEntries(resource: MallSyncedResource, record: unknown, context: DesiredContext): EntrySpec[] {
  const startMs = instantMs(context.booksStart);
  return allDesiredEntries(resource, record, context).filter((spec) => instantMs(spec.occurredAt) >= startMs);
}

/**
 * What makes two entries "the same booking": type, postings and points, not time or number.
 * A later version that only moves a business time is therefore not re-booked.
 */
export function entryMatchKey(entry: {
  entryType: string;
  postings: readonly { accountCode: string; partyId: string | null; debitFen: number; creditFen: number }[];
  pointsMovements?: readonly { memberId: string; changePoints: number; movementKind: string }[];
}): string {
  const postings = entry.postings.map((p) => `${p.accountCode}|${p.partyId ?? ''}|${p.debitFen}|${p.creditFen}`).sort();
  const points = (entry.pointsMovements ?? []).map((m) => `${m.memberId}|${m.changePoints}|${m.movementKind}`).sort();
  return `${entry.entryType}#${postings.join(';')}#${points.join(';')}`;
}
