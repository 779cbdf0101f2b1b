/**
 * A signed APIv3 HTTP call with timeout and retries. Retries resend the SAME body (so the same
 * out_bill_no / out_batch_no): WeChat asks for "原单重试" on 5xx, 429 and network errors, and a new
 * number risks paying twice. Every 2xx answer must carry a valid platform signature.
 *
 * Transport: node:http(s) over a keep-alive agent per client. A settlement sends thousands of
 * small requests; fetch (undici) spent about 0.5 ms of CPU on each, node:http about 0.1 ms, and
 * a kept-alive connection spares a TCP handshake per request. The keys are parsed once per client.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  headerLookupFromRecord,
  parsePrivateKey,
  parsePublicKey,
  signRequestAsync,
  systemSigningEnvironment,
  verifyResponseSignature,
  hasResponseSignature,
  type MerchantCredentials,
  type PlatformKey,
  type SigningEnvironment,
} from './signing';

export interface WechatPayApiConfig {
  /** e.g. https://api.mch.weixin.qq.com, or the simulator's loopback URL. */
  baseUrl: string;
  merchant: MerchantCredentials;
  platform: PlatformKey;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first one, on network errors, timeouts, 5xx and 429. */
  retryCountMax: number;
  /** Wait before retry number `attempt` (1-based); injectable so tests do not sleep. */
  retryDelayMs?: (attempt: number) => number;
  environment?: SigningEnvironment;
}

export interface WechatPayError {
  code: string;
  message: string;
}

export type ApiCallResult =
  /** The platform answered with this status and a JSON (or empty) body. */
  | { kind: 'answered'; httpStatus: number; body: unknown; error: WechatPayError | null }
  /** No answer after every attempt: network error, timeout, 5xx or 429. The outcome is unknown. */
  | { kind: 'unreachable'; reason: string }
  /** A 2xx answer whose signature is missing or wrong: never trusted. */
  | { kind: 'untrusted'; reason: string };

export interface ApiClient {
  call(method: 'GET' | 'POST', urlPathWithQuery: string, body: unknown, extraHeaders?: Record<string, string>): Promise<ApiCallResult>;
  readonly config: WechatPayApiConfig;
}

const defaultRetryDelayMs = (attempt: number): number => Math.min(200 * 2 ** (attempt - 1), 3000);

function isRetryableStatus(httpStatus: number): boolean {
  return httpStatus >= 500 || httpStatus === 429;
}

function sleep(milliseconds: number): Promise<void> {
  return milliseconds > 0 ? new Promise((resolve) => setTimeout(resolve, milliseconds)) : Promise.resolve();
}

function parseErrorBody(body: unknown): WechatPayError | null {
  if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') {
    const { code, message } = body as { code: string; message?: unknown };
    return { code, message: typeof message === 'string' ? message : '' };
  }
  return null;
}

/** Keep-alive sockets idle longer than this are closed before a server's usual 5 s keep-alive timeout can race a reuse. */
const IDLE_SOCKET_TIMEOUT_MS = 4000;

interface RawAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export function createApiClient(config: WechatPayApiConfig): ApiClient {
  const environment = config.environment ?? systemSigningEnvironment;
  const retryDelayMs = config.retryDelayMs ?? defaultRetryDelayMs;
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const base = new URL(baseUrl);
  const isHttps = base.protocol === 'https:';
  const basePath = base.pathname.replace(/\/+$/, '');
  const agentOptions = { keepAlive: true, maxSockets: 32, timeout: IDLE_SOCKET_TIMEOUT_MS };
  const agent = isHttps ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const send = isHttps ? httpsRequest : httpRequest;
  // Parsed once here, not per request (parsing a PEM costs more than the RSA signature itself).
  const merchant = { ...config.merchant, privateKey: config.merchant.privateKey ?? parsePrivateKey(config.merchant.privateKeyPem) };
  const platform = { ...config.platform, publicKey: config.platform.publicKey ?? parsePublicKey(config.platform.publicKeyPem) };

  type Attempt = ApiCallResult | { kind: 'retryable'; reason: string };

  function exchange(method: 'GET' | 'POST', urlPathWithQuery: string, headers: Record<string, string>, bodyText: string): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const outgoing = send(
        { protocol: base.protocol, hostname: base.hostname, port: base.port || undefined, method, path: basePath + urlPathWithQuery, headers, agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => finish(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') })));
          response.on('error', (failure) => finish(() => reject(failure)));
          response.on('aborted', () => finish(() => reject(new Error('response aborted'))));
        },
      );
      const timer = setTimeout(() => {
        finish(() => reject(Object.assign(new Error(`timed out after ${config.timeoutMs} ms`), { name: 'TimeoutError' })));
        outgoing.destroy();
      }, config.timeoutMs);
      outgoing.on('error', (failure) => finish(() => reject(failure)));
      outgoing.end(bodyText === '' ? undefined : bodyText);
    });
  }

  async function attemptOnce(method: 'GET' | 'POST', urlPathWithQuery: string, bodyText: string, extraHeaders: Record<string, string>): Promise<Attempt> {
    // Signed afresh per attempt (new nonce and timestamp); the body, hence the numbers, stay the same.
    const signed = await signRequestAsync(merchant, method, urlPathWithQuery, bodyText, environment);
    const headers: Record<string, string> = {
      Authorization: signed.authorization,
      Accept: 'application/json',
      'User-Agent': 'Ledgerdesk-payouts',
      ...extraHeaders,
    };
    if (method === 'POST' && bodyText !== '') {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(bodyText, 'utf8'));
    } else if (method === 'POST') {
      headers['Content-Length'] = '0';
    }
    let answer: RawAnswer;
    try {
      answer = await exchange(method, urlPathWithQuery, headers, method === 'POST' ? bodyText : '');
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const reason = name === 'TimeoutError' ? `timed out after ${config.timeoutMs} ms` : `network error: ${String(error instanceof Error ? error.message : error)}`;
      return { kind: 'retryable', reason };
    }
    const responseText = answer.text;
    if (isRetryableStatus(answer.status)) return { kind: 'retryable', reason: `HTTP ${answer.status} ${responseText.slice(0, 200)}` };
    const header = headerLookupFromRecord(answer.headers);
    const isSuccess = answer.status >= 200 && answer.status < 300;
    // A 2xx must be signed. An error answer is checked when signed; an unsigned one is only ever
    // used to decide to query, never to mark a payout paid or failed by itself.
    if (isSuccess || hasResponseSignature(header)) {
      const verification = verifyResponseSignature(header, responseText, platform, environment.now());
      if (!verification.ok) return { kind: 'untrusted', reason: verification.reason };
    }
    let body: unknown = null;
    if (responseText.length > 0) {
      try {
        body = JSON.parse(responseText);
      } catch {
        return { kind: 'untrusted', reason: `HTTP ${answer.status} body is not JSON` };
      }
    }
    return { kind: 'answered', httpStatus: answer.status, body, error: isSuccess ? null : parseErrorBody(body) };
  }

  async function call(method: 'GET' | 'POST', urlPathWithQuery: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiCallResult> {
    // A POST without parameters (cancel) signs and sends an empty body.
    const bodyText = method === 'POST' && body !== null && body !== undefined ? JSON.stringify(body) : '';
    let lastReason = '';
    for (let attempt = 0; attempt <= config.retryCountMax; attempt += 1) {
      if (attempt > 0) await sleep(retryDelayMs(attempt));
      const result = await attemptOnce(method, urlPathWithQuery, bodyText, extraHeaders);
      if (result.kind !== 'retryable') return result;
      lastReason = result.reason;
    }
    return { kind: 'unreachable', reason: `${config.retryCountMax + 1} attempts failed; last: ${lastReason}` };
  }

  return { call, config };
}

/** Reads a string field from an untyped JSON object, or null. */
export function stringField(body: unknown, name: string): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

/** Reads a non-negative safe-integer field (amounts in fen, counts), or null. */
export function integerField(body: unknown, name: string): number | null {
  if (typeof body !== 'object' || body === null) return null;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
