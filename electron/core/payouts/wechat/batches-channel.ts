/**
 * The PayoutChannel over the legacy batch API. Payouts are grouped into batches of at most 1000
 * details (out_detail_no = outBillNo). Batch numbers derive from the settlement:
 * `${settlementId}${N|P}${seq}` (N: details that carry names, P: plain), payouts sorted by
 * outBillNo, so the same settlement always yields the same batches.
 *
 * The batch membership is written to the PayoutBatchIndex BEFORE the batch is sent. A retry after a
 * crash finds it there and re-sends exactly that batch under exactly that number, which WeChat
 * answers with the batch it already has: a payout is never sent twice.
 */
import { assertDistinctOutBillNos, PayoutInvariantError, type PayoutChannel, type PayoutRequest, type PayoutState, type PayoutStatus, type SubmitContext } from '../payout-channel';
import type { BatchDetailRequest, BatchError, BatchesClient, DetailStatus } from './batches-client';
import { BATCH_DETAIL_COUNT_MAX, NAME_FORBIDDEN_BELOW_FEN, NAME_REQUIRED_FROM_FEN } from './transfer-rules';

/** Which batch each payout went into. Backed by the workspace in the app; in memory in tests. */
export interface PayoutBatchIndex {
  batchOf(outBillNo: string): string | undefined;
  membersOf(outBatchNo: string): readonly string[] | undefined;
  batchesOfSettlement(settlementId: string): readonly string[];
  record(settlementId: string, outBatchNo: string, outBillNos: readonly string[]): void;
}

export function createMemoryBatchIndex(): PayoutBatchIndex {
  const batchByBill = new Map<string, string>();
  const membersByBatch = new Map<string, string[]>();
  const batchesBySettlement = new Map<string, string[]>();
  return {
    batchOf: (outBillNo) => batchByBill.get(outBillNo),
    membersOf: (outBatchNo) => membersByBatch.get(outBatchNo),
    batchesOfSettlement: (settlementId) => batchesBySettlement.get(settlementId) ?? [],
    record(settlementId, outBatchNo, outBillNos) {
      if (membersByBatch.has(outBatchNo)) throw new PayoutInvariantError(`batch ${outBatchNo} recorded twice`);
      for (const outBillNo of outBillNos) {
        if (batchByBill.has(outBillNo)) throw new PayoutInvariantError(`payout ${outBillNo} is already in batch ${batchByBill.get(outBillNo)}`);
      }
      membersByBatch.set(outBatchNo, [...outBillNos]);
      for (const outBillNo of outBillNos) batchByBill.set(outBillNo, outBatchNo);
      batchesBySettlement.set(settlementId, [...(batchesBySettlement.get(settlementId) ?? []), outBatchNo]);
    },
  };
}

export interface BatchesChannelOptions {
  client: BatchesClient;
  appid: string;
  batchName: string;
  batchRemark: string;
  transferSceneId?: string;
  notifyUrl?: string;
  index: PayoutBatchIndex;
  now: () => Date;
  /** Default and maximum 1000. */
  detailCountMax?: number;
}

const settlementIdPattern = /^[0-9A-Za-z]{1,28}$/;

const stateByDetailStatus: Record<DetailStatus, PayoutState> = {
  INIT: 'accepted',
  // Waiting for the merchant's staff to approve funding (over the no-password amount).
  WAIT_PAY: 'processing',
  PROCESSING: 'processing',
  SUCCESS: 'success',
  FAIL: 'failed',
};

/** out_batch_no for the `sequence`-th (1-based) batch of a kind within a settlement. */
export function batchNumberFor(settlementId: string, named: boolean, sequence: number): string {
  if (!settlementIdPattern.test(settlementId)) throw new PayoutInvariantError(`settlementId "${settlementId}" must be 1-28 digits or ASCII letters`);
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > 999) throw new PayoutInvariantError(`batch sequence ${sequence} out of range`);
  return `${settlementId}${named ? 'N' : 'P'}${sequence.toString().padStart(3, '0')}`;
}

function describeBatchError(error: BatchError): string {
  switch (error.kind) {
    case 'invalid-request':
      return `invalid request: ${error.reason}`;
    case 'rejected':
      return `${error.code}: ${error.message}`;
    case 'not-found':
      return 'not found on the channel';
    case 'not-ready':
      return `batch still processing: ${error.message}`;
    case 'conflict':
      return `conflict: ${error.reason}`;
    case 'unknown-outcome':
      return `outcome unknown, retry with the same batch: ${error.reason}`;
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export function createBatchesChannel(options: BatchesChannelOptions): PayoutChannel {
  const detailCountMax = Math.min(options.detailCountMax ?? BATCH_DETAIL_COUNT_MAX, BATCH_DETAIL_COUNT_MAX);
  const status = (outBillNo: string, state: PayoutState, channelRef: string | null, failureReason: string | null): PayoutStatus => ({
    outBillNo,
    state,
    channelRef,
    failureReason,
    updatedAt: options.now().toISOString(),
  });

  /** A payout needs a name on the channel from 2,000 yuan; it is sent only then (all or none per batch). */
  const needsName = (request: PayoutRequest): boolean => request.amountFen >= NAME_REQUIRED_FROM_FEN;

  function detailOf(request: PayoutRequest): BatchDetailRequest {
    return {
      outDetailNo: request.outBillNo,
      amountFen: request.amountFen,
      remark: request.remark,
      openid: request.payeeOpenid ?? '',
      userName: needsName(request) && request.amountFen >= NAME_FORBIDDEN_BELOW_FEN ? request.payeeRealName : null,
    };
  }

  async function sendBatch(outBatchNo: string, members: PayoutRequest[]): Promise<PayoutStatus[]> {
    const result = await options.client.create({
      appid: options.appid,
      outBatchNo,
      batchName: options.batchName,
      batchRemark: options.batchRemark,
      transferSceneId: options.transferSceneId,
      notifyUrl: options.notifyUrl,
      details: members.map(detailOf),
    });
    if (result.ok) {
      if (result.value.batchStatus === 'ACCEPTED' || result.value.batchStatus === 'PROCESSING' || result.value.batchStatus === 'WAIT_PAY') {
        return members.map((member) => status(member.outBillNo, 'accepted', result.value.batchId, null));
      }
      // A re-sent batch that already finished: read each detail's outcome.
      return queryBatch(outBatchNo, members.map((member) => member.outBillNo));
    }
    const error = result.error;
    const final = error.kind === 'invalid-request' || error.kind === 'rejected';
    return members.map((member) => status(member.outBillNo, final ? 'failed' : 'created', null, describeBatchError(error)));
  }

  type BatchReading = { ok: true; statuses: PayoutStatus[] } | { ok: false; error: BatchError };

  async function readBatch(outBatchNo: string, outBillNos: readonly string[]): Promise<BatchReading> {
    const result = await options.client.queryWithDetails(outBatchNo);
    if (!result.ok) return result;
    const { batch, details } = result.value;
    const detailByNo = new Map(details.map((detail) => [detail.outDetailNo, detail]));
    const statuses: PayoutStatus[] = [];
    for (const outBillNo of outBillNos) {
      const detail = detailByNo.get(outBillNo);
      if (!detail) {
        statuses.push(status(outBillNo, 'created', batch.batchId, `not a detail of batch ${outBatchNo}`));
        continue;
      }
      const channelRef = `${batch.batchId}/${detail.detailId}`;
      let failureReason: string | null = null;
      if (detail.detailStatus === 'FAIL') {
        // The batch listing has no reasons; the detail query does.
        const full = await options.client.queryDetail(outBatchNo, outBillNo);
        failureReason = full.ok ? (full.value.failReason ?? batch.closeReason ?? 'FAIL') : (batch.closeReason ?? describeBatchError(full.error));
      }
      statuses.push(status(outBillNo, stateByDetailStatus[detail.detailStatus], channelRef, failureReason));
    }
    return { ok: true, statuses };
  }

  async function queryBatch(outBatchNo: string, outBillNos: readonly string[]): Promise<PayoutStatus[]> {
    const reading = await readBatch(outBatchNo, outBillNos);
    if (reading.ok) return reading.statuses;
    // Not found: never reached WeChat. Any other error: the batch was sent and may be moving money.
    const state: PayoutState = reading.error.kind === 'not-found' ? 'created' : 'accepted';
    return outBillNos.map((outBillNo) => status(outBillNo, state, null, describeBatchError(reading.error)));
  }

  async function submit(requests: PayoutRequest[], context: SubmitContext): Promise<PayoutStatus[]> {
    assertDistinctOutBillNos(requests.map((request) => request.outBillNo));
    if (!settlementIdPattern.test(context.settlementId)) throw new PayoutInvariantError(`settlementId "${context.settlementId}" must be 1-28 digits or ASCII letters`);
    const statusByBill = new Map<string, PayoutStatus>();
    const requestByBill = new Map(requests.map((request) => [request.outBillNo, request]));

    // 1. Payouts already in a recorded batch: re-send that very batch (or read it if it exists).
    const recordedBatches = new Set<string>();
    const fresh: PayoutRequest[] = [];
    for (const request of requests) {
      const outBatchNo = options.index.batchOf(request.outBillNo);
      if (outBatchNo) recordedBatches.add(outBatchNo);
      else fresh.push(request);
    }
    for (const outBatchNo of recordedBatches) {
      const memberNos = options.index.membersOf(outBatchNo) ?? [];
      const reading = await readBatch(outBatchNo, memberNos);
      let statuses: PayoutStatus[];
      if (reading.ok) {
        statuses = reading.statuses;
      } else {
        // Re-sending the same batch under the same number is idempotent, so it is the way to learn
        // (or finish) what happened; it needs every recorded member, unchanged.
        const members = memberNos.map((outBillNo) => requestByBill.get(outBillNo));
        if (members.every((member) => member !== undefined)) {
          statuses = await sendBatch(outBatchNo, members as PayoutRequest[]);
        } else if (reading.error.kind === 'not-found') {
          throw new PayoutInvariantError(`batch ${outBatchNo} was recorded but never reached WeChat; re-send it with all of its payouts`);
        } else {
          statuses = memberNos.map((outBillNo) => status(outBillNo, 'created', null, describeBatchError(reading.error)));
        }
      }
      for (const one of statuses) if (requestByBill.has(one.outBillNo)) statusByBill.set(one.outBillNo, one);
    }

    // 2. New payouts: refuse the unpayable, group the rest, record, then send.
    const named: PayoutRequest[] = [];
    const plain: PayoutRequest[] = [];
    for (const request of fresh) {
      if (!request.payeeOpenid) statusByBill.set(request.outBillNo, status(request.outBillNo, 'failed', null, 'payee has no WeChat openid'));
      else if (needsName(request) && !request.payeeRealName) statusByBill.set(request.outBillNo, status(request.outBillNo, 'failed', null, 'a verified real name is required from 2,000 yuan'));
      else (needsName(request) ? named : plain).push(request);
    }
    const existingBatches = options.index.batchesOfSettlement(context.settlementId);
    for (const [isNamed, group] of [[true, named], [false, plain]] as const) {
      const sorted = [...group].sort((a, b) => (a.outBillNo < b.outBillNo ? -1 : a.outBillNo > b.outBillNo ? 1 : 0));
      let sequence = existingBatches.filter((outBatchNo) => outBatchNo.slice(context.settlementId.length, context.settlementId.length + 1) === (isNamed ? 'N' : 'P')).length;
      for (const members of chunk(sorted, detailCountMax)) {
        sequence += 1;
        const outBatchNo = batchNumberFor(context.settlementId, isNamed, sequence);
        options.index.record(context.settlementId, outBatchNo, members.map((member) => member.outBillNo));
        for (const one of await sendBatch(outBatchNo, members)) statusByBill.set(one.outBillNo, one);
      }
    }
    return requests.map((request) => {
      const one = statusByBill.get(request.outBillNo);
      if (!one) throw new PayoutInvariantError(`no status for ${request.outBillNo}`);
      return one;
    });
  }

  async function query(outBillNos: string[]): Promise<PayoutStatus[]> {
    const byBatch = new Map<string, string[]>();
    const statusByBill = new Map<string, PayoutStatus>();
    for (const outBillNo of outBillNos) {
      const outBatchNo = options.index.batchOf(outBillNo);
      if (!outBatchNo) statusByBill.set(outBillNo, status(outBillNo, 'created', null, 'never submitted in a batch'));
      else byBatch.set(outBatchNo, [...(byBatch.get(outBatchNo) ?? []), outBillNo]);
    }
    for (const [outBatchNo, members] of byBatch) {
      for (const one of await queryBatch(outBatchNo, members)) statusByBill.set(one.outBillNo, one);
    }
    return outBillNos.map((outBillNo) => statusByBill.get(outBillNo)!);
  }

  return { name: 'wechat-transfer-batches', submit, query };
}
