/**
 * A signed APIv3 HTTP call with timeout and retries. Retries resend the SAME body (so the same
 * out_bill_no / out_batch_no): WeChat asks for "原单重试" on 5xx, 429 and network errors, and a new
 * number risks paying twice. Every 2xx answer must carry a valid platform signature.
 */
import {
  signRequest,
  systemSigningEnvironment,
  verifyResponseSignature,
  hasResponseSignature,
  type MerchantCredentials,
  type PlatformKey,
  type SigningEnvironment,
  type HeaderLookup,
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

export function createApiClient(config: WechatPayApiConfig): ApiClient {
  const environment = config.environment ?? systemSigningEnvironment;
  const retryDelayMs = config.retryDelayMs ?? defaultRetryDelayMs;
  const baseUrl = config.baseUrl.replace(/\/+$/, '');

  type Attempt = ApiCallResult | { kind: 'retryable'; reason: string };

  async function attemptOnce(method: 'GET' | 'POST', urlPathWithQuery: string, bodyText: string, extraHeaders: Record<string, string>): Promise<Attempt> {
    // Signed afresh per attempt (new nonce and timestamp); the body, hence the numbers, stay the same.
    const signed = signRequest(config.merchant, method, urlPathWithQuery, bodyText, environment);
    const headers: Record<string, string> = {
      Authorization: signed.authorization,
      Accept: 'application/json',
      'User-Agent': 'Ledgerdesk-payouts',
      ...extraHeaders,
    };
    if (method === 'POST' && bodyText !== '') headers['Content-Type'] = 'application/json';
    let response: Response;
    let responseText: string;
    try {
      response = await fetch(baseUrl + urlPathWithQuery, {
        method,
        headers,
        body: method === 'POST' && bodyText !== '' ? bodyText : undefined,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      responseText = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const reason = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${config.timeoutMs} ms` : `network error: ${String(error instanceof Error ? (error.cause ?? error.message) : error)}`;
      return { kind: 'retryable', reason };
    }
    if (isRetryableStatus(response.status)) return { kind: 'retryable', reason: `HTTP ${response.status} ${responseText.slice(0, 200)}` };
    const header: HeaderLookup = (name) => response.headers.get(name) ?? undefined;
    const isSuccess = response.status >= 200 && response.status < 300;
    // A 2xx must be signed. An error answer is checked when signed; an unsigned one is only ever
    // used to decide to query, never to mark a payout paid or failed by itself.
    if (isSuccess || hasResponseSignature(header)) {
      const verification = verifyResponseSignature(header, responseText, config.platform, environment.now());
      if (!verification.ok) return { kind: 'untrusted', reason: verification.reason };
    }
    let body: unknown = null;
    if (responseText.length > 0) {
      try {
        body = JSON.parse(responseText);
      } catch {
        return { kind: 'untrusted', reason: `HTTP ${response.status} body is not JSON` };
      }
    }
    return { kind: 'answered', httpStatus: response.status, body, error: isSuccess ? null : parseErrorBody(body) };
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
