import { describe, expect, it } from 'vitest';
import { backoffDelayMs, createMallClient, MallRequestError, parseRetryAfterMs } from './client';

type Answer = { status: number; body: string; headers?: Record<string, string> } | 'network-error' | 'hang';

/** A scripted fetch: each call takes the next answer; records what was asked. */
function scriptedFetch(answers: Answer[]) {
  const calls: { url: string; headers: Record<string, string>; body?: string }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), headers: init?.headers as Record<string, string>, body: init?.body as string | undefined });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more scripted answers');
    if (answer === 'network-error') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  }) as typeof fetch;
  return { fetchImpl, calls };
}

function client(answers: Answer[], extra: Partial<Parameters<typeof createMallClient>[0]> = {}) {
  const scripted = scriptedFetch(answers);
  const sleeps: number[] = [];
  const mallClient = createMallClient({
    url: 'http://mall.test/base',
    token: 'secret-token',
    fetch: scripted.fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    timeoutMs: 50,
    ...extra,
  });
  return { mallClient, sleeps, calls: scripted.calls };
}

const ok = (body: unknown): Answer => ({ status: 200, body: JSON.stringify(body) });

describe('mall client', () => {
  it('sends the bearer token, keeps a base path and encodes the query', async () => {
    const { mallClient, calls } = client([ok({ data: [], next_cursor: null })]);
    await mallClient.getJson('/v1/orders', { updated_since: '2026-10-01T00:00:00+08:00', limit: 10, cursor: null });
    expect(calls[0].url).toBe('http://mall.test/base/v1/orders?updated_since=2026-10-01T00%3A00%3A00%2B08%3A00&limit=10');
    expect(calls[0].headers.authorization).toBe('Bearer secret-token');
  });

  it('retries 429 honouring Retry-After, and 5xx with growing backoff', async () => {
    const { mallClient, sleeps } = client([
      { status: 429, body: '{"code":"rate_limited","message":"slow down"}', headers: { 'retry-after': '3' } },
      { status: 500, body: '{"code":"x","message":"y"}' },
      { status: 503, body: 'not json' },
      ok({ fine: true }),
    ]);
    expect(await mallClient.getJson('/v1/ping')).toEqual({ fine: true });
    expect(sleeps[0]).toBe(3000);
    // Equal jitter with random 0.5: 3/4 of the exponential step (250, 500).
    expect(sleeps.slice(1)).toEqual([375, 750]);
  });

  it('retries a body cut off in transit, a dropped connection and a timeout', async () => {
    const { mallClient, sleeps } = client(['network-error', { status: 200, body: '{"data":[{"id"' }, 'hang', ok({ ok: 1 })]);
    expect(await mallClient.getJson('/v1/orders')).toEqual({ ok: 1 });
    expect(sleeps).toHaveLength(3);
  });

  it('gives up with mall_unavailable after attemptsMax, naming the last failure', async () => {
    const { mallClient } = client(['network-error', 'network-error', 'network-error'], { attemptsMax: 3 });
    const failure = await mallClient.getJson('/v1/orders').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MallRequestError);
    expect(failure).toMatchObject({ code: 'mall_unavailable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('401 is mall_unauthorized at once, without retries and without the token in the message', async () => {
    const { mallClient, sleeps } = client([{ status: 401, body: '{"code":"unauthorized","message":"bad token"}' }]);
    const failure = (await mallClient.getJson('/v1/orders').catch((error: unknown) => error)) as MallRequestError;
    expect(failure.code).toBe('mall_unauthorized');
    expect(failure.message).toContain('401');
    expect(failure.message).not.toContain('secret-token');
    expect(sleeps).toEqual([]);
  });

  it('a 4xx on GET is a typed error carrying the mall code; on POST it is returned', async () => {
    const { mallClient } = client([
      { status: 422, body: '{"code":"invalid_cursor","message":"no"}' },
      { status: 409, body: '{"code":"state_conflict","message":"not submitted"}' },
    ]);
    const failure = (await mallClient.getJson('/v1/orders').catch((error: unknown) => error)) as MallRequestError;
    expect(failure).toMatchObject({ code: 'mall_unavailable', status: 422, mallCode: 'invalid_cursor' });
    expect(await mallClient.post('/v1/withdrawals/w1/decision', { decision: 'approve' }, 'key-1')).toEqual({ status: 409, body: { code: 'state_conflict', message: 'not submitted' } });
  });

  it('an aborted sync is not retried', async () => {
    const controller = new AbortController();
    const { mallClient } = client(['hang'], { signal: controller.signal, timeoutMs: 10_000 });
    const pending = mallClient.getJson('/v1/orders');
    controller.abort(new Error('user stopped'));
    await expect(pending).rejects.toThrow('user stopped');
  });

  it('refuses a bad URL or an empty token', () => {
    expect(() => createMallClient({ url: 'not a url', token: 't' })).toThrow(/not a URL/);
    expect(() => createMallClient({ url: 'http://x', token: '' })).toThrow(/token/);
  });
});

describe('retry helpers', () => {
  it('parses Retry-After seconds and HTTP dates; ignores garbage', () => {
    expect(parseRetryAfterMs('2', 0)).toBe(2000);
    expect(parseRetryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfterMs('soon', 0)).toBeNull();
    expect(parseRetryAfterMs(null, 0)).toBeNull();
  });

  it('backoff grows exponentially, stays within [half, full] of the step and is capped', () => {
    expect(backoffDelayMs(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelayMs(3, 100, 10_000, () => 0.999)).toBeLessThanOrEqual(400);
    expect(backoffDelayMs(20, 100, 10_000, () => 0.999)).toBeLessThanOrEqual(10_000);
  });
});
