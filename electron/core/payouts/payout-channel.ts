/**
 * One interface for every way of paying a distributor: WeChat transfer-bills, WeChat legacy
 * batches, or a file for manual upload / bank transfer. Pure of any database: the settlement run
 * persists what these return.
 *
 * A payout's outBillNo is chosen once, stored before the first submit, and reused by every retry;
 * a channel never creates two payments for one outBillNo.
 */
import type { Fen } from '../money';

export interface PayoutRequest {
  /** 1-32 digits or ASCII letters; the channel's out_bill_no / out_detail_no. */
  outBillNo: string;
  payeeOpenid: string | null;
  /** Verified real name; sent (encrypted) where the channel requires or allows it. */
  payeeRealName: string | null;
  amountFen: Fen;
  /** Shown to the payee; at most 32 characters. */
  remark: string;
}

/**
 * created: not known to the channel (never sent, refused before sending, or outcome unknown) —
 * safe to submit again with the same outBillNo. failureReason says which.
 */
export type PayoutState =
  | 'created'
  | 'accepted'
  | 'processing'
  | 'wait_user_confirm'
  | 'transferring'
  | 'success'
  | 'failed'
  | 'cancelled'
  | 'expired';

export interface PayoutStatus {
  outBillNo: string;
  state: PayoutState;
  /** The channel's own number (transfer_bill_no, batch_id/detail_id, file name). */
  channelRef: string | null;
  failureReason: string | null;
  /** ISO 8601, when this status was observed. */
  updatedAt: string;
}

export interface SubmitContext {
  /** The settlement run the payouts belong to: batch numbers derive from it. 1-28 digits or ASCII letters. */
  settlementId: string;
}

export interface PayoutChannel {
  name: string;
  submit(requests: PayoutRequest[], context: SubmitContext): Promise<PayoutStatus[]>;
  query(outBillNos: string[]): Promise<PayoutStatus[]>;
  cancel?(outBillNo: string): Promise<PayoutStatus>;
}

/** States after which nothing more will happen to the payout. */
export const FINAL_PAYOUT_STATES: readonly PayoutState[] = ['success', 'failed', 'cancelled', 'expired'];

export function isFinalPayoutState(state: PayoutState): boolean {
  return FINAL_PAYOUT_STATES.includes(state);
}

/** Whether money may still move: anything but a final state or 'created' must be queried, never re-paid under a new number. */
export function mayStillPay(state: PayoutState): boolean {
  return !isFinalPayoutState(state) && state !== 'created';
}

export class PayoutInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayoutInvariantError';
  }
}

/** Our own bug if a settlement hands a channel the same outBillNo twice in one call. */
export function assertDistinctOutBillNos(outBillNos: readonly string[]): void {
  const seen = new Set<string>();
  for (const outBillNo of outBillNos) {
    if (seen.has(outBillNo)) throw new PayoutInvariantError(`outBillNo ${outBillNo} appears twice in one call`);
    seen.add(outBillNo);
  }
}
