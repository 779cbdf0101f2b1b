/**
 * The 2025 商家转账 (user-confirm) single-transfer API, FORMATS.md 1.5:
 * POST /v3/fund-app/mch-transfer/transfer-bills, query by out_bill_no, cancel.
 *
 * Never sends a payout twice: retries reuse the out_bill_no, and any non-200 or missing answer to
 * a create is resolved by querying that out_bill_no (WeChat: "请务必不要立即更换商户订单单号重试 ...
 * 通过商户单号查询转账单"). Business errors are typed results, never exceptions.
 */
import { fen, type Fen } from '../../money';
import { createApiClient, integerField, stringField, type ApiCallResult, type ApiClient, type WechatPayApiConfig } from './api-client';
import { encryptSensitiveField } from './signing';
import {
  characterCount,
  isValidOutNumber,
  NAME_REQUIRED_FROM_FEN,
  REMARK_CHARACTER_COUNT_MAX,
  TRANSFER_AMOUNT_MIN_FEN,
  DEFAULT_TRANSFER_AMOUNT_MAX_FEN,
} from './transfer-rules';

export const TRANSFER_BILLS_PATH = '/v3/fund-app/mch-transfer/transfer-bills';

export const TRANSFER_BILL_STATES = [
  'ACCEPTED',
  'PROCESSING',
  'WAIT_USER_CONFIRM',
  'TRANSFERING',
  'SUCCESS',
  'FAIL',
  'CANCELING',
  'CANCELLED',
] as const;
export type TransferBillState = (typeof TRANSFER_BILL_STATES)[number];

export interface SceneReportInfo {
  infoType: string;
  infoContent: string;
}

export interface TransferBillRequest {
  appid: string;
  outBillNo: string;
  transferSceneId: string;
  openid: string;
  /** Plain text; encrypted here with the platform key when sent. */
  userName: string | null;
  amountFen: Fen;
  remark: string;
  notifyUrl?: string;
  userRecvPerception?: string;
  sceneReportInfos: SceneReportInfo[];
}

export interface TransferBill {
  outBillNo: string;
  transferBillNo: string;
  state: TransferBillState;
  /** RFC 3339 as sent by WeChat. */
  createTime: string;
  updateTime: string | null;
  failReason: string | null;
  /** For wx.requestMerchantTransfer while WAIT_USER_CONFIRM. */
  packageInfo: string | null;
  /** Present on query answers; used to detect a different transfer behind the same number. */
  amountFen: Fen | null;
  openid: string | null;
}

export type TransferBillError =
  /** Refused before sending: our input breaks a documented rule. */
  | { kind: 'invalid-request'; reason: string }
  /** The platform refused it (4xx) and no transfer exists under this number. */
  | { kind: 'rejected'; httpStatus: number; code: string; message: string }
  /** Nothing exists under this number (query/cancel). */
  | { kind: 'not-found' }
  /** A transfer exists under this number but with another amount or payee. */
  | { kind: 'conflict'; existing: TransferBill; reason: string }
  /** No trustworthy answer: unknown outcome. Retry later with the SAME out_bill_no. */
  | { kind: 'unknown-outcome'; reason: string };

export type TransferBillResult = { ok: true; bill: TransferBill } | { ok: false; error: TransferBillError };

export interface TransferBillsClientOptions {
  /** Default 20,000 yuan; see DEFAULT_TRANSFER_AMOUNT_MAX_FEN. */
  transferAmountMaxFen?: Fen;
}

export interface TransferBillsClient {
  create(request: TransferBillRequest): Promise<TransferBillResult>;
  query(outBillNo: string): Promise<TransferBillResult>;
  cancel(outBillNo: string): Promise<TransferBillResult>;
}

function isTransferBillState(value: unknown): value is TransferBillState {
  return typeof value === 'string' && (TRANSFER_BILL_STATES as readonly string[]).includes(value);
}

/** Reads a transfer bill from a create, query or cancel answer; null when it is malformed. */
export function parseTransferBill(body: unknown): TransferBill | null {
  const outBillNo = stringField(body, 'out_bill_no');
  const transferBillNo = stringField(body, 'transfer_bill_no');
  const state = stringField(body, 'state');
  if (!outBillNo || !transferBillNo || !isTransferBillState(state)) return null;
  const amount = integerField(body, 'transfer_amount');
  return {
    outBillNo,
    transferBillNo,
    state,
    createTime: stringField(body, 'create_time') ?? '',
    updateTime: stringField(body, 'update_time'),
    failReason: stringField(body, 'fail_reason'),
    packageInfo: stringField(body, 'package_info'),
    amountFen: amount === null ? null : fen(amount),
    openid: stringField(body, 'openid'),
  };
}

export function validateTransferBillRequest(request: TransferBillRequest, amountMaxFen: Fen): string | null {
  if (!isValidOutNumber(request.outBillNo)) return `out_bill_no "${request.outBillNo}" must be 1-32 digits or ASCII letters`;
  if (!request.openid) return 'openid is required';
  if (!request.appid) return 'appid is required';
  if (!request.transferSceneId) return 'transfer_scene_id is required';
  if (!Number.isSafeInteger(request.amountFen) || request.amountFen < TRANSFER_AMOUNT_MIN_FEN) return `amount ${request.amountFen} fen is below the minimum of ${TRANSFER_AMOUNT_MIN_FEN} fen`;
  if (request.amountFen > amountMaxFen) return `amount ${request.amountFen} fen is above the per-transfer maximum of ${amountMaxFen} fen`;
  if (request.amountFen >= NAME_REQUIRED_FROM_FEN && !request.userName) return `a real name is required from ${NAME_REQUIRED_FROM_FEN} fen`;
  if (!request.remark || characterCount(request.remark) > REMARK_CHARACTER_COUNT_MAX) return `remark must be 1-${REMARK_CHARACTER_COUNT_MAX} characters`;
  if (request.sceneReportInfos.length === 0) return 'transfer_scene_report_infos is required';
  return null;
}

function requestBody(request: TransferBillRequest, platformPublicKeyPem: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    appid: request.appid,
    out_bill_no: request.outBillNo,
    transfer_scene_id: request.transferSceneId,
    openid: request.openid,
    transfer_amount: request.amountFen,
    transfer_remark: request.remark,
    transfer_scene_report_infos: request.sceneReportInfos.map((info) => ({ info_type: info.infoType, info_content: info.infoContent })),
  };
  if (request.userName) body.user_name = encryptSensitiveField(request.userName, platformPublicKeyPem);
  if (request.notifyUrl) body.notify_url = request.notifyUrl;
  if (request.userRecvPerception) body.user_recv_perception = request.userRecvPerception;
  return body;
}

function fromAnswer(result: ApiCallResult): TransferBillResult {
  if (result.kind === 'unreachable' || result.kind === 'untrusted') return { ok: false, error: { kind: 'unknown-outcome', reason: result.reason } };
  if (result.httpStatus === 404) return { ok: false, error: { kind: 'not-found' } };
  if (result.httpStatus !== 200) {
    return {
      ok: false,
      error: { kind: 'rejected', httpStatus: result.httpStatus, code: result.error?.code ?? 'UNKNOWN', message: result.error?.message ?? '' },
    };
  }
  const bill = parseTransferBill(result.body);
  if (!bill) return { ok: false, error: { kind: 'unknown-outcome', reason: 'malformed transfer bill in answer' } };
  return { ok: true, bill };
}

export function createTransferBillsClient(config: WechatPayApiConfig, options: TransferBillsClientOptions = {}): TransferBillsClient {
  const api: ApiClient = createApiClient(config);
  const amountMaxFen = options.transferAmountMaxFen ?? DEFAULT_TRANSFER_AMOUNT_MAX_FEN;

  async function query(outBillNo: string): Promise<TransferBillResult> {
    if (!isValidOutNumber(outBillNo)) return { ok: false, error: { kind: 'invalid-request', reason: `bad out_bill_no "${outBillNo}"` } };
    return fromAnswer(await api.call('GET', `${TRANSFER_BILLS_PATH}/out-bill-no/${outBillNo}`, null));
  }

  async function create(request: TransferBillRequest): Promise<TransferBillResult> {
    const invalid = validateTransferBillRequest(request, amountMaxFen);
    if (invalid) return { ok: false, error: { kind: 'invalid-request', reason: invalid } };
    const body = requestBody(request, config.platform.publicKeyPem);
    const headers: Record<string, string> = body.user_name ? { 'Wechatpay-Serial': config.platform.serial } : {};
    const answer = fromAnswer(await api.call('POST', TRANSFER_BILLS_PATH, body, headers));
    if (answer.ok) return answer;
    // No 200: the transfer may or may not exist (timeout after acceptance, "单号已存在", a new
    // error code...). Only the query under the same number tells.
    const existing = await query(request.outBillNo);
    if (existing.ok) {
      const bill = existing.bill;
      if ((bill.amountFen !== null && bill.amountFen !== request.amountFen) || (bill.openid !== null && bill.openid !== request.openid)) {
        return { ok: false, error: { kind: 'conflict', existing: bill, reason: 'a transfer with another amount or payee exists under this out_bill_no' } };
      }
      return existing;
    }
    if (existing.error.kind === 'not-found' && answer.error.kind === 'rejected') return answer;
    const createAnswer = answer.error.kind === 'rejected' ? `HTTP ${answer.error.httpStatus} ${answer.error.code}` : answer.error.kind === 'unknown-outcome' ? answer.error.reason : answer.error.kind;
    const queryAnswer = existing.error.kind === 'rejected' ? `HTTP ${existing.error.httpStatus} ${existing.error.code}` : existing.error.kind;
    const reason = `create: ${createAnswer}; query: ${queryAnswer}`;
    return { ok: false, error: { kind: 'unknown-outcome', reason } };
  }

  async function cancel(outBillNo: string): Promise<TransferBillResult> {
    if (!isValidOutNumber(outBillNo)) return { ok: false, error: { kind: 'invalid-request', reason: `bad out_bill_no "${outBillNo}"` } };
    return fromAnswer(await api.call('POST', `${TRANSFER_BILLS_PATH}/out-bill-no/${outBillNo}/cancel`, null));
  }

  return { create, query, cancel };
}
