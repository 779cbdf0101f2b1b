import { LedgerdeskError } from '../../errors';

/**
 * The mall API client: bearer token, timeouts, and retries with exponential backoff and jitter
 * for the failures the contract calls transient (429 with Retry-After, 5xx), plus timeouts,
 * dropped connections and cut-off JSON bodies. The token never appears in a message.
 */
export interface MallClientOptions {
  url: string;
  token: string;
  /** Per attempt, covering the whole response body (default 20 s). */
  timeoutMs?: number;
  /** Attempts per request before giving up with mall_unavailable (default 6). */
  attemptsMax?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A Retry-After longer than this is capped (default 120 s). */
  retryAfterMaxMs?: number;
  /** Injectable so tests do not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  fetch?: typeof fetch;
  /** Cancels the whole request (not retried). */
  signal?: AbortSignal;
  /** Called before each retry, for progress display and tests. */
  onRetry?: (event: { path: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface MallResponse {
  status: number;
  body: unknown;
}

export interface MallClient {
  readonly url: string;
  /** GET returning the JSON body of a 2xx answer; anything else throws a MallRequestError. */
  getJson(path: string, query?: Record<string, string | number | null | undefined>): Promise<unknown>;
  /** POST with an Idempotency-Key; 2xx and final 4xx answers (409, 422, 404) are returned, not thrown. */
  post(path: string, body: unknown, idempotencyKey: string): Promise<MallResponse>;
}

/** A typed failure talking to the mall: 'mall_unauthorized' (401) or 'mall_unavailable'. */
export class MallRequestError extends LedgerdeskError {
  constructor(
    code: 'mall_unauthorized' | 'mall_unavailable',
    message: string,
    readonly status: number | null,
    readonly mallCode: string | null,
  ) {
    super(code, message, { status, mall_code: mallCode });
    this.name = 'MallRequestError';
  }
}

class RetryableProblem extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

const defaults = {
  timeoutMs: 20_000,
  attemptsMax: 6,
  backoffBaseMs: 250,
  backoffMaxMs: 30_000,
  retryAfterMaxMs: 120_000,
};

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(exponential / 2 + random() * (exponential / 2));
}

function errorBodyCode(body: unknown): { code: string | null; message: string | null } {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    return {
      code: typeof record.code === 'string' ? record.code : null,
      message: typeof record.message === 'string' ? record.message : null,
    };
  }
  return { code: null, message: null };
}

function buildUrl(base: string, path: string, query: Record<string, string | number | null | undefined> = {}): string {
  const url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  // Paths in the contract are absolute (/v1/...): keep any base path prefix the user configured.
  const basePath = new URL(base).pathname.replace(/\/$/, '');
  url.pathname = `${basePath}${path}`;
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

export function createMallClient(options: MallClientOptions): MallClient {
  const timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  const attemptsMax = options.attemptsMax ?? defaults.attemptsMax;
  const backoffBaseMs = options.backoffBaseMs ?? defaults.backoffBaseMs;
  const backoffMaxMs = options.backoffMaxMs ?? defaults.backoffMaxMs;
  const retryAfterMaxMs = options.retryAfterMaxMs ?? defaults.retryAfterMaxMs;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;
  try {
    new URL(options.url);
  } catch {
    throw new LedgerdeskError('invalid_input', `the mall URL "${options.url}" is not a URL`);
  }
  if (!options.token) throw new LedgerdeskError('invalid_input', 'a mall API token is required');

  /** One attempt: a final answer, or a RetryableProblem. */
  async function attempt(method: 'GET' | 'POST', url: string, path: string, body: unknown, idempotencyKey: string | null): Promise<MallResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
      response = await doFetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (timeout.aborted) throw new RetryableProblem(`no answer within ${timeoutMs} ms`);
      throw new RetryableProblem(`connection failed: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
    }
    if (response.status === 401) {
      throw new MallRequestError(
        'mall_unauthorized',
        `the mall at ${options.url} refused the API token (401 Unauthorized): check the token with the mall administrator and run sync again with --mall-token-env`,
        401,
        errorBodyCode(safeJson(text)).code,
      );
    }
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), Date.now());
      throw new RetryableProblem(`rate limited (429) on ${path}`, retryAfterMs === null ? null : Math.min(retryAfterMs, retryAfterMaxMs));
    }
    if (response.status >= 500) throw new RetryableProblem(`server error ${response.status} on ${path}`);
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // A body cut off in transit: the request is repeated (reads are safe, writes idempotent).
      throw new RetryableProblem(`malformed JSON from ${path} (${text.length} bytes)`);
    }
    return { status: response.status, body: parsed };
  }

  async function request(method: 'GET' | 'POST', path: string, url: string, body: unknown, idempotencyKey: string | null): Promise<MallResponse> {
    let lastReason = '';
    for (let attemptNo = 1; attemptNo <= attemptsMax; attemptNo += 1) {
      try {
        return await attempt(method, url, path, body, idempotencyKey);
      } catch (error) {
        if (!(error instanceof RetryableProblem)) throw error;
        lastReason = error.message;
        if (attemptNo === attemptsMax) break;
        const delayMs = error.retryAfterMs ?? backoffDelayMs(attemptNo, backoffBaseMs, backoffMaxMs, random);
        options.onRetry?.({ path, attempt: attemptNo, delayMs, reason: error.message });
        await sleep(delayMs, options.signal);
      }
    }
    throw new MallRequestError('mall_unavailable', `the mall at ${options.url} is unavailable: ${method} ${path} failed ${attemptsMax} times (last: ${lastReason})`, null, null);
  }

  return {
    url: options.url,
    async getJson(path, query) {
      const result = await request('GET', path, buildUrl(options.url, path, query), undefined, null);
      if (result.status < 200 || result.status >= 300) {
        const { code, message } = errorBodyCode(result.body);
        throw new MallRequestError('mall_unavailable', `the mall refused GET ${path}: ${result.status} ${code ?? ''} ${message ?? ''}`.trim(), result.status, code);
      }
      return result.body;
    },
    async post(path, body, idempotencyKey) {
      return request('POST', path, buildUrl(options.url, path), body, idempotencyKey);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
