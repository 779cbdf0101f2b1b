/**
 * The PayoutChannel over the 2025 transfer-bills API: one transfer per payout, out_bill_no =
 * the payout's outBillNo.
 */
import { assertDistinctOutBillNos, type PayoutChannel, type PayoutRequest, type PayoutState, type PayoutStatus } from '../payout-channel';
import { NAME_REQUIRED_FROM_FEN, USER_CONFIRMATION_WINDOW_MS } from './transfer-rules';
import type { SceneReportInfo, TransferBill, TransferBillError, TransferBillResult, TransferBillState, TransferBillsClient } from './transfer-bills-client';

export interface TransferBillsChannelOptions {
  client: TransferBillsClient;
  appid: string;
  transferSceneId: string;
  /** Fixed per scene (e.g. 岗位类型 / 报酬说明 for 佣金报酬). */
  sceneReportInfos: SceneReportInfo[];
  now: () => Date;
  notifyUrl?: string;
  userRecvPerception?: string;
  /** Send the verified name (name check) below the 2,000-yuan threshold too. Default false. */
  sendRealNameBelowThreshold?: boolean;
  /** Transfers in flight at once. Default 4. */
  concurrency?: number;
}

const stateByTransferBillState: Record<Exclude<TransferBillState, 'CANCELLED'>, PayoutState> = {
  ACCEPTED: 'accepted',
  PROCESSING: 'processing',
  WAIT_USER_CONFIRM: 'wait_user_confirm',
  TRANSFERING: 'transferring',
  SUCCESS: 'success',
  FAIL: 'failed',
  // Not final: the cancel may still lose against a confirmation in flight.
  CANCELING: 'processing',
};

/**
 * CANCELLED after the 24-hour confirmation window is an expiry; earlier it was our cancel.
 * Judged on the bill's own times (update_time when it has one, else now).
 */
export function payoutStateOfBill(bill: TransferBill, now: Date): PayoutState {
  if (bill.state !== 'CANCELLED') return stateByTransferBillState[bill.state];
  const createdAtMs = Date.parse(bill.createTime);
  const cancelledAtMs = bill.updateTime ? Date.parse(bill.updateTime) : now.getTime();
  if (Number.isNaN(createdAtMs) || Number.isNaN(cancelledAtMs)) return 'cancelled';
  return cancelledAtMs - createdAtMs >= USER_CONFIRMATION_WINDOW_MS ? 'expired' : 'cancelled';
}

function describeError(error: TransferBillError): string {
  switch (error.kind) {
    case 'invalid-request':
      return `invalid request: ${error.reason}`;
    case 'rejected':
      return `${error.code}: ${error.message}`;
    case 'not-found':
      return 'not found on the channel';
    case 'conflict':
      return `conflict: ${error.reason}`;
    case 'unknown-outcome':
      return `outcome unknown, retry with the same outBillNo: ${error.reason}`;
  }
}

export function payoutStatusOf(outBillNo: string, result: TransferBillResult, now: Date): PayoutStatus {
  const updatedAt = now.toISOString();
  if (result.ok) {
    const state = payoutStateOfBill(result.bill, now);
    return { outBillNo, state, channelRef: result.bill.transferBillNo, failureReason: state === 'failed' ? (result.bill.failReason ?? 'FAIL') : null, updatedAt };
  }
  const error = result.error;
  switch (error.kind) {
    case 'invalid-request':
    case 'rejected':
      // Refused, and (for 'rejected') a query confirmed nothing exists under the number.
      return { outBillNo, state: 'failed', channelRef: null, failureReason: describeError(error), updatedAt };
    case 'conflict':
      // Something exists under our number: report what the channel says it is doing.
      return { outBillNo, state: payoutStateOfBill(error.existing, now), channelRef: error.existing.transferBillNo, failureReason: describeError(error), updatedAt };
    case 'not-found':
    case 'unknown-outcome':
      return { outBillNo, state: 'created', channelRef: null, failureReason: describeError(error), updatedAt };
  }
}

async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

export function createTransferBillsChannel(options: TransferBillsChannelOptions): PayoutChannel {
  const concurrency = options.concurrency ?? 4;

  async function submitOne(request: PayoutRequest): Promise<PayoutStatus> {
    if (!request.payeeOpenid) {
      return { outBillNo: request.outBillNo, state: 'failed', channelRef: null, failureReason: 'payee has no WeChat openid', updatedAt: options.now().toISOString() };
    }
    const sendName = request.amountFen >= NAME_REQUIRED_FROM_FEN || options.sendRealNameBelowThreshold === true;
    const result = await options.client.create({
      appid: options.appid,
      outBillNo: request.outBillNo,
      transferSceneId: options.transferSceneId,
      openid: request.payeeOpenid,
      userName: sendName ? request.payeeRealName : null,
      amountFen: request.amountFen,
      remark: request.remark,
      notifyUrl: options.notifyUrl,
      userRecvPerception: options.userRecvPerception,
      sceneReportInfos: options.sceneReportInfos,
    });
    return payoutStatusOf(request.outBillNo, result, options.now());
  }

  return {
    name: 'wechat-transfer-bills',
    async submit(requests) {
      assertDistinctOutBillNos(requests.map((request) => request.outBillNo));
      return mapWithConcurrency(requests, concurrency, submitOne);
    },
    async query(outBillNos) {
      return mapWithConcurrency(outBillNos, concurrency, async (outBillNo) => payoutStatusOf(outBillNo, await options.client.query(outBillNo), options.now()));
    },
    async cancel(outBillNo) {
      const cancelled = await options.client.cancel(outBillNo);
      if (!cancelled.ok) {
        // Refused (already confirmed, failed...): report the transfer as it now stands.
        const current = await options.client.query(outBillNo);
        const status = payoutStatusOf(outBillNo, current, options.now());
        return { ...status, failureReason: status.failureReason ?? `cancel refused: ${describeError(cancelled.error)}` };
      }
      // CANCELING is not final; one query usually shows CANCELLED.
      return payoutStatusOf(outBillNo, await options.client.query(outBillNo), options.now());
    },
  };
}
