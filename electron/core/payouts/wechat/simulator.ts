/**
 * A loopback simulator of the WeChat Pay payout endpoints (transfer-bills and legacy batches) for
 * tests and benchmarks. It verifies every request signature, applies the documented field rules,
 * is idempotent per out_bill_no / out_batch_no, signs its answers with the platform key, and can be
 * told to fail, hang after accepting, answer 500/429, leave transfers unconfirmed or expire them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fen, sumFen, type Fen } from '../../money';
import { decryptSensitiveField, parsePrivateKey, parsePublicKey, signResponseAsync, verifyRequestSignature, type SigningEnvironment } from './signing';
import {
  BATCH_DETAIL_COUNT_MAX,
  characterCount,
  DEFAULT_TRANSFER_AMOUNT_MAX_FEN,
  formatRfc3339Shanghai,
  isValidOutNumber,
  NAME_FORBIDDEN_BELOW_FEN,
  NAME_REQUIRED_FROM_FEN,
  REMARK_CHARACTER_COUNT_MAX,
  TRANSFER_AMOUNT_MIN_FEN,
  USER_CONFIRMATION_WINDOW_MS,
} from './transfer-rules';
import type { TransferBillState } from './transfer-bills-client';
import type { BatchStatus, DetailStatus } from './batches-client';

export interface SimulatorBehaviour {
  /** Where new transfers (and batch details) end up. Batches have no user confirmation: 'wait_user_confirm' means success there. */
  outcome: 'success' | 'fail' | 'wait_user_confirm';
  /** fail_reason when outcome is 'fail'. */
  failReason: string;
  /** A new transfer / batch stays ACCEPTED for this many queries before reaching its outcome. */
  queriesBeforeOutcome: number;
  /** Per out_bill_no / out_detail_no failures (reason), whatever the outcome. */
  failByOutNumber: Record<string, string>;
  /**
   * Answer the next `remaining` requests with this status. Without `afterCreate` nothing is
   * processed; with it, a create is carried out and only then answered with the error.
   */
  httpFailure: { status: 500 | 429; remaining: number; afterCreate?: boolean } | null;
  /** Carry out the next N creates, then never answer (the crash-between-send-and-response case). */
  hangAfterCreateRemaining: number;
  /** The payee confirms just before our cancel arrives: the cancel is refused and the transfer succeeds. */
  confirmBeforeCancel: boolean;
  /** A cancelled transfer shows CANCELING for this many queries before CANCELLED (WeChat cancels asynchronously). */
  cancelingQueries: number;
}

export interface SimulatedTransfer {
  outBillNo: string;
  transferBillNo: string;
  appid: string;
  openid: string;
  amountFen: Fen;
  remark: string;
  transferSceneId: string;
  userName: string | null;
  state: TransferBillState;
  failReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  queryCount: number;
  /** Fixed at creation from the behaviour then in force. */
  queriesBeforeOutcome: number;
  finalState: TransferBillState;
  finalFailReason: string | null;
  fingerprint: string;
  /** Queries left before a CANCELING transfer shows CANCELLED. */
  cancelingQueriesLeft: number;
}

export interface SimulatedDetail {
  outDetailNo: string;
  detailId: string;
  amountFen: Fen;
  remark: string;
  openid: string;
  userName: string | null;
  status: DetailStatus;
  failReason: string | null;
  finalStatus: DetailStatus;
  finalFailReason: string | null;
}

export interface SimulatedBatch {
  outBatchNo: string;
  batchId: string;
  appid: string;
  batchName: string;
  batchRemark: string;
  totalAmountFen: Fen;
  status: BatchStatus;
  createdAt: Date;
  updatedAt: Date;
  queryCount: number;
  queriesBeforeOutcome: number;
  details: SimulatedDetail[];
  fingerprint: string;
}

export interface WechatPaySimulatorOptions {
  port: number;
  merchant: { mchid: string; merchantPublicKeyPem: string; serial: string };
  platformPrivateKeyPem: string;
  platformSerial: string;
  clock?: () => Date;
  transferAmountMaxFen?: Fen;
}

export interface WechatPaySimulator {
  url: string;
  close(): Promise<void>;
  setBehaviour(behaviour: Partial<SimulatorBehaviour>): void;
  readonly transfers: ReadonlyMap<string, SimulatedTransfer>;
  readonly batches: ReadonlyMap<string, SimulatedBatch>;
  /** Every HTTP request received, including refused and hung ones. */
  readonly requestCount: number;
  /** Requests refused with 401 SIGN_ERROR. */
  readonly signatureRejectionCount: number;
  /** TCP connections accepted: fewer than requests when the client keeps connections alive. */
  readonly connectionCount: number;
  /** Requests whose signature verified (every one that reached the endpoint logic). */
  readonly verifiedRequestCount: number;
  /** The payee confirms in WeChat: WAIT_USER_CONFIRM -> SUCCESS. False when not confirmable. */
  confirmByUser(outBillNo: string): boolean;
  /** Moves the simulator's clock on (on top of the injected clock). */
  advanceClock(milliseconds: number): void;
  now(): Date;
}

const defaultBehaviour: SimulatorBehaviour = {
  outcome: 'success',
  failReason: 'PAYEE_ACCOUNT_ABNORMAL',
  queriesBeforeOutcome: 0,
  failByOutNumber: {},
  httpFailure: null,
  hangAfterCreateRemaining: 0,
  confirmBeforeCancel: false,
  cancelingQueries: 0,
};

interface Answer {
  status: number;
  body: unknown;
}

const error = (status: number, code: string, message: string): Answer => ({ status, body: { code, message } });
const paramError = (message: string): Answer => error(400, 'PARAM_ERROR', message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function startWechatPaySimulator(options: WechatPaySimulatorOptions): Promise<WechatPaySimulator> {
  const baseClock = options.clock ?? (() => new Date());
  let clockOffsetMs = 0;
  const now = (): Date => new Date(baseClock().getTime() + clockOffsetMs);
  let nonceCounter = 0;
  const environment: SigningEnvironment = { now, nonce: () => `SIMNONCE${(nonceCounter += 1).toString().padStart(12, '0')}` };
  const amountMaxFen = options.transferAmountMaxFen ?? DEFAULT_TRANSFER_AMOUNT_MAX_FEN;
  // Parsed once: the simulator verifies and signs every request with the same two keys.
  const merchantKey = { mchid: options.merchant.mchid, serialNo: options.merchant.serial, publicKeyPem: parsePublicKey(options.merchant.merchantPublicKeyPem) };
  const platformPrivateKey = parsePrivateKey(options.platformPrivateKeyPem);

  let behaviour: SimulatorBehaviour = { ...defaultBehaviour };
  const transfers = new Map<string, SimulatedTransfer>();
  const batches = new Map<string, SimulatedBatch>();
  let requestCount = 0;
  let signatureRejectionCount = 0;
  let connectionCount = 0;
  let verifiedRequestCount = 0;
  let idCounter = 0;
  const hungResponses = new Set<ServerResponse>();

  const nextId = (prefix: string): string => `${prefix}${(idCounter += 1).toString().padStart(20, '0')}`;

  function decryptName(cipherText: unknown): { ok: true; value: string | null } | { ok: false; answer: Answer } {
    if (cipherText === undefined || cipherText === null || cipherText === '') return { ok: true, value: null };
    if (typeof cipherText !== 'string') return { ok: false, answer: paramError('user_name 格式错误') };
    const decrypted = decryptSensitiveField(cipherText, platformPrivateKey);
    if (!decrypted.ok) return { ok: false, answer: paramError(`user_name 解密失败: ${decrypted.reason}`) };
    return { ok: true, value: decrypted.value };
  }

  // ---- transfer-bills ----

  function expireIfOverdue(transfer: SimulatedTransfer): void {
    if (transfer.state === 'WAIT_USER_CONFIRM' && now().getTime() - transfer.createdAt.getTime() >= USER_CONFIRMATION_WINDOW_MS) {
      transfer.state = 'CANCELLED';
      transfer.updatedAt = new Date(transfer.createdAt.getTime() + USER_CONFIRMATION_WINDOW_MS);
    }
  }

  function settleTransfer(transfer: SimulatedTransfer): void {
    if (transfer.state === 'CANCELING' && transfer.cancelingQueriesLeft <= 0) {
      transfer.state = 'CANCELLED';
      transfer.updatedAt = now();
    }
    if (transfer.state === 'ACCEPTED' && transfer.queryCount >= transfer.queriesBeforeOutcome) {
      transfer.state = transfer.finalState;
      transfer.failReason = transfer.finalFailReason;
      transfer.updatedAt = now();
    }
    expireIfOverdue(transfer);
  }

  function transferView(transfer: SimulatedTransfer): Record<string, unknown> {
    const view: Record<string, unknown> = {
      mch_id: options.merchant.mchid,
      out_bill_no: transfer.outBillNo,
      transfer_bill_no: transfer.transferBillNo,
      appid: transfer.appid,
      state: transfer.state,
      transfer_amount: transfer.amountFen,
      transfer_remark: transfer.remark,
      openid: transfer.openid,
      create_time: formatRfc3339Shanghai(transfer.createdAt),
      update_time: formatRfc3339Shanghai(transfer.updatedAt),
    };
    if (transfer.failReason) view.fail_reason = transfer.failReason;
    if (transfer.state === 'WAIT_USER_CONFIRM') view.package_info = `SIMPACKAGE_${transfer.transferBillNo}`;
    return view;
  }

  function createTransfer(body: unknown, wechatpaySerial: string | undefined): Answer | { created: SimulatedTransfer } {
    if (!isRecord(body)) return paramError('请求体不是 JSON 对象');
    const { appid, out_bill_no: outBillNo, transfer_scene_id: sceneId, openid, transfer_amount: amount, transfer_remark: remark } = body;
    if (typeof appid !== 'string' || !appid) return paramError('appid 必填');
    if (!isValidOutNumber(outBillNo)) return paramError('out_bill_no 只能由数字、大小写字母组成, 最长32位');
    if (typeof sceneId !== 'string' || !sceneId) return paramError('transfer_scene_id 必填');
    if (typeof openid !== 'string' || !openid) return paramError('openid 必填');
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return paramError('transfer_amount 必须为整数(分)');
    if (amount < TRANSFER_AMOUNT_MIN_FEN) return paramError('转账金额低于最低限额0.1元');
    if (amount > amountMaxFen) return paramError('转账金额超过单笔上限');
    if (typeof remark !== 'string' || !remark || characterCount(remark) > REMARK_CHARACTER_COUNT_MAX) return paramError('transfer_remark 必填, 最多32个字符');
    if (!Array.isArray(body.transfer_scene_report_infos) || body.transfer_scene_report_infos.length === 0) return paramError('transfer_scene_report_infos 必填');
    const name = decryptName(body.user_name);
    if (!name.ok) return name.answer;
    if (name.value !== null && wechatpaySerial !== options.platformSerial) return paramError('Wechatpay-Serial 与加密所用公钥不符');
    if (amount >= NAME_REQUIRED_FROM_FEN && name.value === null) return paramError('转账金额>=2000元时, user_name 必填');
    // Idempotency compares meaning, not bytes: OAEP makes every encryption of a name different.
    const fingerprint = JSON.stringify([appid, sceneId, openid, amount, remark, name.value]);
    const existing = transfers.get(outBillNo);
    if (existing) {
      if (existing.fingerprint !== fingerprint) return error(400, 'INVALID_REQUEST', '单号已存在但信息不一致,请查单后比较确认');
      settleTransfer(existing);
      return { created: existing };
    }
    const failReason = behaviour.failByOutNumber[outBillNo] ?? (behaviour.outcome === 'fail' ? behaviour.failReason : null);
    const finalState: TransferBillState = failReason ? 'FAIL' : behaviour.outcome === 'wait_user_confirm' ? 'WAIT_USER_CONFIRM' : 'SUCCESS';
    const createdAt = now();
    const transfer: SimulatedTransfer = {
      outBillNo,
      transferBillNo: nextId('1330000'),
      appid,
      openid,
      amountFen: fen(amount),
      remark,
      transferSceneId: sceneId,
      userName: name.value,
      state: 'ACCEPTED',
      failReason: null,
      createdAt,
      updatedAt: createdAt,
      queryCount: 0,
      queriesBeforeOutcome: behaviour.queriesBeforeOutcome,
      finalState,
      finalFailReason: failReason,
      fingerprint,
      cancelingQueriesLeft: 0,
    };
    settleTransfer(transfer);
    transfers.set(outBillNo, transfer);
    return { created: transfer };
  }

  function createAnswer(transfer: SimulatedTransfer): Answer {
    const view = transferView(transfer);
    const answer: Record<string, unknown> = {
      out_bill_no: view.out_bill_no,
      transfer_bill_no: view.transfer_bill_no,
      create_time: view.create_time,
      state: view.state,
    };
    if (view.package_info) answer.package_info = view.package_info;
    if (view.fail_reason) answer.fail_reason = view.fail_reason;
    return { status: 200, body: answer };
  }

  function queryTransfer(outBillNo: string): Answer {
    const transfer = transfers.get(outBillNo);
    if (!transfer) return error(404, 'NOT_FOUND', '记录不存在');
    transfer.queryCount += 1;
    if (transfer.state === 'CANCELING') transfer.cancelingQueriesLeft -= 1;
    settleTransfer(transfer);
    return { status: 200, body: transferView(transfer) };
  }

  function cancelTransfer(outBillNo: string): Answer {
    const transfer = transfers.get(outBillNo);
    if (!transfer) return error(404, 'NOT_FOUND', '记录不存在');
    settleTransfer(transfer);
    if (transfer.state === 'WAIT_USER_CONFIRM' && behaviour.confirmBeforeCancel) {
      transfer.state = 'SUCCESS';
      transfer.finalState = 'SUCCESS';
      transfer.updatedAt = now();
    }
    if (transfer.state !== 'WAIT_USER_CONFIRM' && transfer.state !== 'ACCEPTED') return error(400, 'INVALID_REQUEST', '当前单据状态不允许撤销');
    // WeChat answers CANCELING and finishes asynchronously; a later query shows CANCELLED.
    transfer.cancelingQueriesLeft = behaviour.cancelingQueries;
    transfer.state = behaviour.cancelingQueries > 0 ? 'CANCELING' : 'CANCELLED';
    transfer.finalState = 'CANCELLED';
    transfer.updatedAt = now();
    return {
      status: 200,
      body: { out_bill_no: transfer.outBillNo, transfer_bill_no: transfer.transferBillNo, state: 'CANCELING', update_time: formatRfc3339Shanghai(transfer.updatedAt) },
    };
  }

  // ---- legacy batches ----

  function settleBatch(batch: SimulatedBatch): void {
    if (batch.status !== 'ACCEPTED' || batch.queryCount < batch.queriesBeforeOutcome) return;
    for (const detail of batch.details) {
      detail.status = detail.finalStatus;
      detail.failReason = detail.finalFailReason;
    }
    batch.status = 'FINISHED';
    batch.updatedAt = now();
  }

  function batchView(batch: SimulatedBatch): Record<string, unknown> {
    const succeeded = batch.details.filter((detail) => detail.status === 'SUCCESS');
    const failed = batch.details.filter((detail) => detail.status === 'FAIL');
    return {
      mchid: options.merchant.mchid,
      out_batch_no: batch.outBatchNo,
      batch_id: batch.batchId,
      appid: batch.appid,
      batch_status: batch.status,
      batch_type: 'API',
      batch_name: batch.batchName,
      batch_remark: batch.batchRemark,
      total_amount: batch.totalAmountFen,
      total_num: batch.details.length,
      success_amount: sumFen(succeeded.map((detail) => detail.amountFen)),
      success_num: succeeded.length,
      fail_amount: sumFen(failed.map((detail) => detail.amountFen)),
      fail_num: failed.length,
      create_time: formatRfc3339Shanghai(batch.createdAt),
      update_time: formatRfc3339Shanghai(batch.updatedAt),
    };
  }

  function createBatch(body: unknown, wechatpaySerial: string | undefined): Answer | { created: SimulatedBatch } {
    if (!isRecord(body)) return paramError('请求体不是 JSON 对象');
    const { appid, out_batch_no: outBatchNo, batch_name: batchName, batch_remark: batchRemark, total_amount: totalAmount, total_num: totalNum } = body;
    const list = body.transfer_detail_list;
    if (typeof appid !== 'string' || !appid) return paramError('appid 必填');
    if (!isValidOutNumber(outBatchNo)) return paramError('out_batch_no 只能由数字、大小写字母组成, 最长32位');
    if (typeof batchName !== 'string' || !batchName || characterCount(batchName) > 32) return paramError('batch_name 必填, 最多32个字符');
    if (typeof batchRemark !== 'string' || !batchRemark || characterCount(batchRemark) > 32) return paramError('batch_remark 必填, 最多32个字符');
    if (!Array.isArray(list) || list.length === 0) return paramError('transfer_detail_list 必填');
    if (list.length > BATCH_DETAIL_COUNT_MAX) return paramError('一个转账批次单最多发起一千笔转账');
    if (totalNum !== list.length) return paramError('转账总笔数与明细笔数不一致');
    const details: SimulatedDetail[] = [];
    const seen = new Set<string>();
    let namedCount = 0;
    for (const raw of list) {
      if (!isRecord(raw)) return paramError('明细格式错误');
      const { out_detail_no: outDetailNo, transfer_amount: amount, transfer_remark: remark, openid } = raw;
      if (!isValidOutNumber(outDetailNo) || seen.has(outDetailNo)) return paramError('out_detail_no 格式错误或重复');
      seen.add(outDetailNo);
      if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return paramError(`明细 ${outDetailNo} 转账金额必须为正整数(分)`);
      if (typeof remark !== 'string' || !remark || characterCount(remark) > REMARK_CHARACTER_COUNT_MAX) return paramError(`明细 ${outDetailNo} transfer_remark 必填, 最多32个字符`);
      if (typeof openid !== 'string' || !openid) return paramError(`明细 ${outDetailNo} openid 必填`);
      const name = decryptName(raw.user_name);
      if (!name.ok) return name.answer;
      if (name.value !== null) {
        namedCount += 1;
        if (amount < NAME_FORBIDDEN_BELOW_FEN) return paramError(`明细 ${outDetailNo} 金额低于0.3元时不允许填写 user_name`);
      } else if (amount >= NAME_REQUIRED_FROM_FEN) {
        return paramError(`明细 ${outDetailNo} 金额>=2000元时 user_name 必填`);
      }
      // Below the minimum or above the quota: accepted, then the detail fails (as seen in the field).
      const quotaFailure = amount < TRANSFER_AMOUNT_MIN_FEN || amount > amountMaxFen ? 'TRANSFER_QUOTA_EXCEED' : null;
      const failReason = quotaFailure ?? behaviour.failByOutNumber[outDetailNo] ?? (behaviour.outcome === 'fail' ? behaviour.failReason : null);
      details.push({
        outDetailNo,
        detailId: '',
        amountFen: fen(amount),
        remark,
        openid,
        userName: name.value,
        status: 'PROCESSING',
        failReason: null,
        finalStatus: failReason ? 'FAIL' : 'SUCCESS',
        finalFailReason: failReason,
      });
    }
    if (namedCount !== 0 && namedCount !== details.length) return paramError('同一批次内收款用户姓名需全部填写或全部不填');
    if (namedCount > 0 && wechatpaySerial !== options.platformSerial) return paramError('Wechatpay-Serial 与加密所用公钥不符');
    if (totalAmount !== sumFen(details.map((detail) => detail.amountFen))) return paramError('转账总金额与明细金额之和不一致');
    const fingerprint = JSON.stringify([appid, batchName, batchRemark, body.transfer_scene_id ?? null, details.map((d) => [d.outDetailNo, d.amountFen, d.remark, d.openid, d.userName])]);
    const existing = batches.get(outBatchNo);
    if (existing) {
      if (existing.fingerprint !== fingerprint) return error(400, 'INVALID_REQUEST', '单号已存在但信息不一致,请查单后比较确认');
      return { created: existing };
    }
    const createdAt = now();
    const batch: SimulatedBatch = {
      outBatchNo,
      batchId: nextId('1310004'),
      appid,
      batchName,
      batchRemark,
      totalAmountFen: fen(totalAmount as number),
      status: 'ACCEPTED',
      createdAt,
      updatedAt: createdAt,
      queryCount: 0,
      queriesBeforeOutcome: behaviour.queriesBeforeOutcome,
      details: details.map((detail) => ({ ...detail, detailId: nextId('1320004') })),
      fingerprint,
    };
    // Even with no queries needed, the first answer is ACCEPTED, as in the real API.
    batches.set(outBatchNo, batch);
    return { created: batch };
  }

  function queryBatch(outBatchNo: string, query: URLSearchParams): Answer {
    const batch = batches.get(outBatchNo);
    if (!batch) return error(404, 'NOT_FOUND', '记录不存在');
    const offset = Number(query.get('offset') ?? '0');
    const limit = Number(query.get('limit') ?? '20');
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 20 || limit > 100) return paramError('offset / limit 不合法');
    const detailStatus = query.get('detail_status') ?? 'ALL';
    if (!['ALL', 'SUCCESS', 'FAIL', 'WAIT_PAY'].includes(detailStatus)) return paramError('传入的转账明细状态无效');
    if (offset === 0) batch.queryCount += 1;
    settleBatch(batch);
    const answer: Record<string, unknown> = { transfer_batch: batchView(batch) };
    if (query.get('need_query_detail') === 'true') {
      const matching = batch.details.filter((detail) => detailStatus === 'ALL' || detail.status === detailStatus);
      answer.transfer_detail_list = matching
        .slice(offset, offset + limit)
        .map((detail) => ({ detail_id: detail.detailId, out_detail_no: detail.outDetailNo, detail_status: detail.status }));
    }
    return { status: 200, body: answer };
  }

  function queryDetail(outBatchNo: string, outDetailNo: string): Answer {
    const batch = batches.get(outBatchNo);
    const detail = batch?.details.find((candidate) => candidate.outDetailNo === outDetailNo);
    if (!batch || !detail) return error(404, 'NOT_FOUND', '记录不存在');
    if (batch.status !== 'FINISHED' && batch.status !== 'CLOSED') return error(400, 'INVALID_REQUEST', '请等待批次处理完成后再查询明细单据');
    const view: Record<string, unknown> = {
      mchid: options.merchant.mchid,
      out_batch_no: batch.outBatchNo,
      batch_id: batch.batchId,
      appid: batch.appid,
      out_detail_no: detail.outDetailNo,
      detail_id: detail.detailId,
      detail_status: detail.status,
      transfer_amount: detail.amountFen,
      transfer_remark: detail.remark,
      openid: detail.openid,
      initiate_time: formatRfc3339Shanghai(batch.createdAt),
      update_time: formatRfc3339Shanghai(batch.updatedAt),
    };
    if (detail.failReason) view.fail_reason = detail.failReason;
    return { status: 200, body: view };
  }

  // ---- HTTP ----

  /** The answer is fixed now (state already changed); only its signature is computed on the thread pool. */
  function send(response: ServerResponse, answer: Answer): void {
    const text = JSON.stringify(answer.body);
    const requestId = nextId('SIMREQ');
    signResponseAsync(text, platformPrivateKey, options.platformSerial, environment).then(
      (signatureHeaders) => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8', 'Request-ID': requestId, ...signatureHeaders });
        response.end(text);
      },
      (failure: unknown) => response.destroy(failure instanceof Error ? failure : new Error(String(failure))),
    );
  }

  function readBody(request: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      request.on('error', reject);
    });
  }

  const transferBillPath = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)$/;
  const cancelPath = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)\/cancel$/;
  const batchPath = /^\/v3\/transfer\/batches\/out-batch-no\/([^/]+)$/;
  const detailPath = /^\/v3\/transfer\/batches\/out-batch-no\/([^/]+)\/details\/out-detail-no\/([^/]+)$/;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requestCount += 1;
    const bodyText = await readBody(request);
    const rawUrl = request.url ?? '/';
    const method = request.method ?? 'GET';
    const failure = behaviour.httpFailure;
    if (failure && failure.remaining > 0 && !failure.afterCreate) {
      failure.remaining -= 1;
      send(response, failure.status === 429 ? error(429, 'FREQUENCY_LIMITED', '频率超限') : error(500, 'SYSTEM_ERROR', '系统错误'));
      return;
    }
    const header = (name: string): string | undefined => {
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    };
    const verification = verifyRequestSignature({ method, urlPathWithQuery: rawUrl, body: bodyText, authorization: header('Authorization') }, merchantKey, now());
    if (!verification.ok) {
      signatureRejectionCount += 1;
      send(response, error(401, 'SIGN_ERROR', `签名错误: ${verification.reason}`));
      return;
    }
    verifiedRequestCount += 1;
    let parsedBody: unknown = null;
    if (bodyText) {
      try {
        parsedBody = JSON.parse(bodyText);
      } catch {
        send(response, paramError('请求体不是合法的 JSON'));
        return;
      }
    }
    const url = new URL(rawUrl, 'http://simulator.invalid');
    const path = url.pathname;
    const isCreate =
      method === 'POST' && (path === '/v3/fund-app/mch-transfer/transfer-bills' || path === '/v3/transfer/batches');
    if (isCreate) {
      const outcome = path === '/v3/transfer/batches' ? createBatch(parsedBody, header('Wechatpay-Serial')) : createTransfer(parsedBody, header('Wechatpay-Serial'));
      if (!('created' in outcome)) {
        send(response, outcome);
        return;
      }
      if (behaviour.hangAfterCreateRemaining > 0) {
        behaviour.hangAfterCreateRemaining -= 1;
        hungResponses.add(response);
        return;
      }
      if (failure && failure.remaining > 0 && failure.afterCreate) {
        failure.remaining -= 1;
        send(response, failure.status === 429 ? error(429, 'FREQUENCY_LIMITED', '频率超限') : error(500, 'SYSTEM_ERROR', '系统错误'));
        return;
      }
      const created = outcome.created;
      if ('batchId' in created) {
        send(response, { status: 200, body: { out_batch_no: created.outBatchNo, batch_id: created.batchId, create_time: formatRfc3339Shanghai(created.createdAt), batch_status: created.status } });
      } else {
        send(response, createAnswer(created));
      }
      return;
    }
    let match: RegExpExecArray | null;
    if (method === 'GET' && (match = transferBillPath.exec(path))) return send(response, queryTransfer(decodeURIComponent(match[1])));
    if (method === 'POST' && (match = cancelPath.exec(path))) return send(response, cancelTransfer(decodeURIComponent(match[1])));
    if (method === 'GET' && (match = batchPath.exec(path))) return send(response, queryBatch(decodeURIComponent(match[1]), url.searchParams));
    if (method === 'GET' && (match = detailPath.exec(path))) return send(response, queryDetail(decodeURIComponent(match[1]), decodeURIComponent(match[2])));
    send(response, error(404, 'NOT_FOUND', `no such endpoint: ${method} ${path}`));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((failure: unknown) => {
      // A simulator bug: answer 500 so the test sees it, and keep serving.
      if (!response.headersSent) send(response, error(500, 'SYSTEM_ERROR', `simulator bug: ${String(failure)}`));
    });
  });
  server.on('connection', () => {
    connectionCount += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hungResponses) response.destroy();
        hungResponses.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    setBehaviour: (partial) => {
      behaviour = { ...behaviour, ...partial };
    },
    transfers,
    batches,
    get requestCount() {
      return requestCount;
    },
    get signatureRejectionCount() {
      return signatureRejectionCount;
    },
    get connectionCount() {
      return connectionCount;
    },
    get verifiedRequestCount() {
      return verifiedRequestCount;
    },
    confirmByUser: (outBillNo) => {
      const transfer = transfers.get(outBillNo);
      if (!transfer) return false;
      settleTransfer(transfer);
      if (transfer.state !== 'WAIT_USER_CONFIRM') return false;
      transfer.state = 'SUCCESS';
      transfer.finalState = 'SUCCESS';
      transfer.updatedAt = now();
      return true;
    },
    advanceClock: (milliseconds) => {
      clockOffsetMs += milliseconds;
    },
    now,
  };
}
