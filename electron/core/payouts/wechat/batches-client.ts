/**
 * The legacy 商家转账到零钱 batch API, FORMATS.md 1.4: POST /v3/transfer/batches, batch query by
 * out_batch_no (with paged details) and detail query by out_detail_no.
 *
 * Retries reuse the out_batch_no; a non-200 or missing answer to a create is resolved by querying
 * that out_batch_no ("retry with the same out_batch_no. Never change the number").
 */
import { fen, sumFen, type Fen } from '../../money';
import { createApiClient, integerField, stringField, type ApiCallResult, type WechatPayApiConfig } from './api-client';
import { encryptSensitiveField } from './signing';
import {
  BATCH_DETAIL_COUNT_MAX,
  characterCount,
  DEFAULT_TRANSFER_AMOUNT_MAX_FEN,
  isValidOutNumber,
  NAME_FORBIDDEN_BELOW_FEN,
  NAME_REQUIRED_FROM_FEN,
  REMARK_CHARACTER_COUNT_MAX,
  TRANSFER_AMOUNT_MIN_FEN,
} from './transfer-rules';

export const TRANSFER_BATCHES_PATH = '/v3/transfer/batches';

export const BATCH_STATUSES = ['WAIT_PAY', 'ACCEPTED', 'PROCESSING', 'FINISHED', 'CLOSED'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const DETAIL_STATUSES = ['INIT', 'WAIT_PAY', 'PROCESSING', 'SUCCESS', 'FAIL'] as const;
export type DetailStatus = (typeof DETAIL_STATUSES)[number];

export interface BatchDetailRequest {
  outDetailNo: string;
  amountFen: Fen;
  remark: string;
  openid: string;
  /** Plain text; encrypted when sent. Within one batch: all details or none. */
  userName: string | null;
}

export interface BatchRequest {
  appid: string;
  outBatchNo: string;
  batchName: string;
  batchRemark: string;
  transferSceneId?: string;
  notifyUrl?: string;
  details: BatchDetailRequest[];
}

export interface BatchSummary {
  outBatchNo: string;
  batchId: string;
  batchStatus: BatchStatus;
  createTime: string;
  /** Present on query answers. */
  totalAmountFen: Fen | null;
  totalNum: number | null;
  closeReason: string | null;
}

export interface BatchDetailSummary {
  outDetailNo: string;
  detailId: string;
  detailStatus: DetailStatus;
}

export interface BatchDetail extends BatchDetailSummary {
  failReason: string | null;
  amountFen: Fen | null;
  updateTime: string | null;
}

export type BatchError =
  | { kind: 'invalid-request'; reason: string }
  | { kind: 'rejected'; httpStatus: number; code: string; message: string }
  | { kind: 'not-found' }
  /** Detail queries answer 400 until the batch has finished processing. */
  | { kind: 'not-ready'; message: string }
  | { kind: 'conflict'; existing: BatchSummary; reason: string }
  | { kind: 'unknown-outcome'; reason: string };

export type BatchResult<T> = { ok: true; value: T } | { ok: false; error: BatchError };

export interface BatchesClientOptions {
  transferAmountMaxFen?: Fen;
}

export interface BatchesClient {
  create(request: BatchRequest): Promise<BatchResult<BatchSummary>>;
  /** The batch and every detail (pages through need_query_detail, 100 a page). */
  queryWithDetails(outBatchNo: string): Promise<BatchResult<{ batch: BatchSummary; details: BatchDetailSummary[] }>>;
  queryDetail(outBatchNo: string, outDetailNo: string): Promise<BatchResult<BatchDetail>>;
}

const DETAIL_PAGE_SIZE = 100;

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

export function parseBatchSummary(body: unknown): BatchSummary | null {
  const outBatchNo = stringField(body, 'out_batch_no');
  const batchId = stringField(body, 'batch_id');
  const batchStatus = stringField(body, 'batch_status');
  if (!outBatchNo || !batchId || !isOneOf(BATCH_STATUSES, batchStatus)) return null;
  const totalAmount = integerField(body, 'total_amount');
  return {
    outBatchNo,
    batchId,
    batchStatus,
    createTime: stringField(body, 'create_time') ?? '',
    totalAmountFen: totalAmount === null ? null : fen(totalAmount),
    totalNum: integerField(body, 'total_num'),
    closeReason: stringField(body, 'close_reason'),
  };
}

function parseDetailSummary(body: unknown): BatchDetailSummary | null {
  const outDetailNo = stringField(body, 'out_detail_no');
  const detailId = stringField(body, 'detail_id');
  const detailStatus = stringField(body, 'detail_status');
  if (!outDetailNo || !detailId || !isOneOf(DETAIL_STATUSES, detailStatus)) return null;
  return { outDetailNo, detailId, detailStatus };
}

export function validateBatchRequest(request: BatchRequest, amountMaxFen: Fen): string | null {
  if (!isValidOutNumber(request.outBatchNo)) return `out_batch_no "${request.outBatchNo}" must be 1-32 digits or ASCII letters`;
  if (!request.appid) return 'appid is required';
  if (!request.batchName || characterCount(request.batchName) > 32) return 'batch_name must be 1-32 characters';
  if (!request.batchRemark || characterCount(request.batchRemark) > 32) return 'batch_remark must be 1-32 characters';
  if (request.details.length === 0 || request.details.length > BATCH_DETAIL_COUNT_MAX) return `a batch holds 1-${BATCH_DETAIL_COUNT_MAX} details, not ${request.details.length}`;
  const withName = request.details.filter((detail) => detail.userName).length;
  if (withName !== 0 && withName !== request.details.length) return 'names must be given for every detail of a batch or for none';
  const seen = new Set<string>();
  for (const detail of request.details) {
    const where = `detail ${detail.outDetailNo}`;
    if (!isValidOutNumber(detail.outDetailNo)) return `${where}: out_detail_no must be 1-32 digits or ASCII letters`;
    if (seen.has(detail.outDetailNo)) return `${where}: out_detail_no repeated in the batch`;
    seen.add(detail.outDetailNo);
    if (!detail.openid) return `${where}: openid is required`;
    if (detail.amountFen < TRANSFER_AMOUNT_MIN_FEN) return `${where}: amount below the minimum of ${TRANSFER_AMOUNT_MIN_FEN} fen`;
    if (detail.amountFen > amountMaxFen) return `${where}: amount above the per-transfer maximum of ${amountMaxFen} fen`;
    if (detail.amountFen >= NAME_REQUIRED_FROM_FEN && !detail.userName) return `${where}: a real name is required from ${NAME_REQUIRED_FROM_FEN} fen`;
    if (detail.amountFen < NAME_FORBIDDEN_BELOW_FEN && detail.userName) return `${where}: a name is forbidden below ${NAME_FORBIDDEN_BELOW_FEN} fen`;
    if (!detail.remark || characterCount(detail.remark) > REMARK_CHARACTER_COUNT_MAX) return `${where}: remark must be 1-${REMARK_CHARACTER_COUNT_MAX} characters`;
  }
  return null;
}

function requestBody(request: BatchRequest, platformPublicKeyPem: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    appid: request.appid,
    out_batch_no: request.outBatchNo,
    batch_name: request.batchName,
    batch_remark: request.batchRemark,
    total_amount: sumFen(request.details.map((detail) => detail.amountFen)),
    total_num: request.details.length,
    transfer_detail_list: request.details.map((detail) => {
      const item: Record<string, unknown> = {
        out_detail_no: detail.outDetailNo,
        transfer_amount: detail.amountFen,
        transfer_remark: detail.remark,
        openid: detail.openid,
      };
      if (detail.userName) item.user_name = encryptSensitiveField(detail.userName, platformPublicKeyPem);
      return item;
    }),
  };
  if (request.transferSceneId) body.transfer_scene_id = request.transferSceneId;
  if (request.notifyUrl) body.notify_url = request.notifyUrl;
  return body;
}

function errorOf(result: ApiCallResult): BatchError | null {
  if (result.kind !== 'answered') return { kind: 'unknown-outcome', reason: result.reason };
  if (result.httpStatus === 404) return { kind: 'not-found' };
  if (result.httpStatus !== 200) {
    return { kind: 'rejected', httpStatus: result.httpStatus, code: result.error?.code ?? 'UNKNOWN', message: result.error?.message ?? '' };
  }
  return null;
}

export function createBatchesClient(config: WechatPayApiConfig, options: BatchesClientOptions = {}): BatchesClient {
  const api = createApiClient(config);
  const amountMaxFen = options.transferAmountMaxFen ?? DEFAULT_TRANSFER_AMOUNT_MAX_FEN;

  async function queryPage(outBatchNo: string, offset: number): Promise<BatchResult<{ batch: BatchSummary; details: BatchDetailSummary[] }>> {
    const path = `${TRANSFER_BATCHES_PATH}/out-batch-no/${outBatchNo}?need_query_detail=true&offset=${offset}&limit=${DETAIL_PAGE_SIZE}&detail_status=ALL`;
    const result = await api.call('GET', path, null);
    const error = errorOf(result);
    if (error) return { ok: false, error };
    const body = (result as { body: unknown }).body as { transfer_batch?: unknown; transfer_detail_list?: unknown };
    const batch = parseBatchSummary(body?.transfer_batch);
    if (!batch) return { ok: false, error: { kind: 'unknown-outcome', reason: 'malformed transfer_batch in answer' } };
    const rawDetails = Array.isArray(body.transfer_detail_list) ? body.transfer_detail_list : [];
    const details: BatchDetailSummary[] = [];
    for (const raw of rawDetails) {
      const detail = parseDetailSummary(raw);
      if (!detail) return { ok: false, error: { kind: 'unknown-outcome', reason: 'malformed detail in answer' } };
      details.push(detail);
    }
    return { ok: true, value: { batch, details } };
  }

  async function queryWithDetails(outBatchNo: string): Promise<BatchResult<{ batch: BatchSummary; details: BatchDetailSummary[] }>> {
    if (!isValidOutNumber(outBatchNo)) return { ok: false, error: { kind: 'invalid-request', reason: `bad out_batch_no "${outBatchNo}"` } };
    const first = await queryPage(outBatchNo, 0);
    if (!first.ok) return first;
    const details = [...first.value.details];
    let page = first.value.details;
    while (page.length === DETAIL_PAGE_SIZE) {
      const next = await queryPage(outBatchNo, details.length);
      if (!next.ok) return next;
      page = next.value.details;
      details.push(...page);
    }
    return { ok: true, value: { batch: first.value.batch, details } };
  }

  async function querySummary(outBatchNo: string): Promise<BatchResult<BatchSummary>> {
    const result = await api.call('GET', `${TRANSFER_BATCHES_PATH}/out-batch-no/${outBatchNo}?need_query_detail=false`, null);
    const error = errorOf(result);
    if (error) return { ok: false, error };
    const batch = parseBatchSummary(((result as { body: unknown }).body as { transfer_batch?: unknown })?.transfer_batch);
    return batch ? { ok: true, value: batch } : { ok: false, error: { kind: 'unknown-outcome', reason: 'malformed transfer_batch in answer' } };
  }

  async function create(request: BatchRequest): Promise<BatchResult<BatchSummary>> {
    const invalid = validateBatchRequest(request, amountMaxFen);
    if (invalid) return { ok: false, error: { kind: 'invalid-request', reason: invalid } };
    const body = requestBody(request, config.platform.publicKeyPem);
    // The batch doc lists Wechatpay-Serial as required; it names the key used for user_name.
    const result = await api.call('POST', TRANSFER_BATCHES_PATH, body, { 'Wechatpay-Serial': config.platform.serial });
    const error = errorOf(result);
    if (!error) {
      const batch = parseBatchSummary((result as { body: unknown }).body);
      if (batch) return { ok: true, value: batch };
    }
    const existing = await querySummary(request.outBatchNo);
    if (existing.ok) {
      const batch = existing.value;
      const totalAmountFen = sumFen(request.details.map((detail) => detail.amountFen));
      if ((batch.totalAmountFen !== null && batch.totalAmountFen !== totalAmountFen) || (batch.totalNum !== null && batch.totalNum !== request.details.length)) {
        return { ok: false, error: { kind: 'conflict', existing: batch, reason: 'a batch with other totals exists under this out_batch_no' } };
      }
      return existing;
    }
    if (existing.error.kind === 'not-found' && error?.kind === 'rejected') return { ok: false, error };
    const createAnswer = !error ? 'malformed batch in answer' : error.kind === 'rejected' ? `HTTP ${error.httpStatus} ${error.code}` : error.kind === 'unknown-outcome' ? error.reason : error.kind;
    const queryAnswer = existing.error.kind === 'rejected' ? `HTTP ${existing.error.httpStatus} ${existing.error.code}` : existing.error.kind;
    return { ok: false, error: { kind: 'unknown-outcome', reason: `create: ${createAnswer}; query: ${queryAnswer}` } };
  }

  async function queryDetail(outBatchNo: string, outDetailNo: string): Promise<BatchResult<BatchDetail>> {
    if (!isValidOutNumber(outBatchNo) || !isValidOutNumber(outDetailNo)) return { ok: false, error: { kind: 'invalid-request', reason: 'bad out_batch_no or out_detail_no' } };
    const result = await api.call('GET', `${TRANSFER_BATCHES_PATH}/out-batch-no/${outBatchNo}/details/out-detail-no/${outDetailNo}`, null);
    const error = errorOf(result);
    if (error) {
      if (error.kind === 'rejected' && error.httpStatus === 400 && error.code === 'INVALID_REQUEST') return { ok: false, error: { kind: 'not-ready', message: error.message } };
      return { ok: false, error };
    }
    const body = (result as { body: unknown }).body;
    const summary = parseDetailSummary(body);
    if (!summary) return { ok: false, error: { kind: 'unknown-outcome', reason: 'malformed detail in answer' } };
    const amount = integerField(body, 'transfer_amount');
    return {
      ok: true,
      value: { ...summary, failReason: stringField(body, 'fail_reason'), amountFen: amount === null ? null : fen(amount), updateTime: stringField(body, 'update_time') },
    };
  }

  return { create, queryWithDetails, queryDetail };
}
