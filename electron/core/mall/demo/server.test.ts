import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMallRecord, validateResponse } from '../contract/validate';
import type { MallCommission, MallSyncedResource, MallWithdrawal } from '../contract/types';
import { formatFenAsYuan, sumFen } from '../../money';
import { generateMallDataset, yuanTextToFen } from './generate';
import { startDemoMall, type DemoMall } from './server';
import { computeDailySummaries } from './summaries';
import { datesOfMonth } from './time';

const token = 'demo-token-123';
const month = '2026-10';
const fixedNowMs = Date.parse('2026-11-02T09:00:00+08:00');
const dataset = generateMallDataset({ seed: 11, month, orderCount: 600 });
const resources: MallSyncedResource[] = ['members', 'orders', 'refunds', 'topups', 'points', 'commissions', 'withdrawals'];
const listPathOf = (resource: MallSyncedResource) => `/v1/${resource}`;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

async function call(mall: DemoMall, path: string, init: RequestInit & { auth?: string | null } = {}): Promise<Reply> {
  const headers = new Headers(init.headers);
  if (init.auth !== null) headers.set('authorization', init.auth ?? `Bearer ${token}`);
  const response = await fetch(mall.url + path, { ...init, headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Calls and checks the reply against the contract: every response in these tests goes through here. */
async function contractCall(mall: DemoMall, path: string, init: RequestInit & { auth?: string | null } = {}): Promise<Reply> {
  const reply = await call(mall, path, init);
  const check = validateResponse(path, init.method ?? 'GET', reply.status, reply.body);
  if (!check.ok) throw new Error(`${path} -> ${reply.status}: ${check.reason}`);
  return reply;
}

async function post(mall: DemoMall, path: string, body: unknown, key: string | null): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['idempotency-key'] = key;
  return contractCall(mall, path, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function syncAll(mall: DemoMall, resource: MallSyncedResource, limit: number, updatedSince?: string) {
  const records: Array<{ id: string; updated_at: string; version: number }> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) query.set('cursor', cursor);
    else if (updatedSince !== undefined) query.set('updated_since', updatedSince);
    const reply = await contractCall(mall, `${listPathOf(resource)}?${query}`);
    expect(reply.status).toBe(200);
    const page = reply.body as { data: Array<{ id: string; updated_at: string; version: number }>; next_cursor: string | null };
    expect(page.data.length).toBeLessThanOrEqual(limit);
    records.push(...page.data);
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor !== null);
  return { records, pages };
}

describe('demo mall server', () => {
  let mall: DemoMall;
  beforeAll(async () => {
    mall = await startDemoMall({ dataset, token, host: '127.0.0.1', port: 0, now: () => fixedNowMs });
  });
  afterAll(async () => {
    await mall.close();
  });

  it('answers ping and refuses a missing or wrong token with 401', async () => {
    const ping = await contractCall(mall, '/v1/ping');
    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({ mall_name: dataset.mallName, merchant_id: dataset.merchantId, server_time: '2026-11-02T09:00:00+08:00' });
    for (const auth of [null, 'Bearer wrong', `Basic ${token}`, token]) {
      const reply = await contractCall(mall, '/v1/orders', { auth });
      expect(reply.status).toBe(401);
      expect((reply.body as { code: string }).code).toBe('unauthorized');
    }
    const write = await call(mall, '/v1/withdrawals/w_0000001/decision', { method: 'POST', auth: null, body: '{}' });
    expect(write.status).toBe(401);
  });

  it('pages every resource: each record exactly once, ordered by (updated_at, id)', async () => {
    for (const resource of resources) {
      const { records, pages } = await syncAll(mall, resource, 97);
      const expected = (dataset[resource] as Array<{ id: string }>).map((record) => record.id).sort();
      expect(records.map((record) => record.id).sort()).toEqual(expected);
      expect(pages).toBe(Math.max(1, Math.ceil(expected.length / 97)));
      for (let index = 1; index < records.length; index += 1) {
        const previous = records[index - 1];
        const current = records[index];
        const order = Date.parse(previous.updated_at) - Date.parse(current.updated_at) || (previous.id < current.id ? -1 : 1);
        expect(order).toBeLessThan(0);
      }
      for (const record of records) expect(validateMallRecord(resource, record)).toEqual({ ok: true });
    }
  });

  it('uses a default page size of 500 and rejects limits outside 1..1000, bad cursors and bad instants', async () => {
    const first = await contractCall(mall, '/v1/orders');
    expect((first.body as { data: unknown[] }).data).toHaveLength(500);
    const full = await contractCall(mall, '/v1/orders?limit=1000');
    expect((full.body as { data: unknown[]; next_cursor: string | null }).next_cursor).toBeNull();
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=-1', 'limit=2.5', 'cursor=garbage', 'updated_since=yesterday', 'updated_since=2026-10-01']) {
      const reply = await contractCall(mall, `/v1/orders?${query}`);
      expect(reply.status, query).toBe(422);
    }
    const membersPage = await contractCall(mall, '/v1/members?limit=1');
    const membersCursor = (membersPage.body as { next_cursor: string }).next_cursor;
    expect((await contractCall(mall, `/v1/orders?cursor=${membersCursor}`)).status).toBe(422);
  });

  it('treats updated_since as inclusive', async () => {
    const sorted = [...dataset.orders].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at));
    const since = sorted[Math.floor(sorted.length / 2)].updated_at;
    const { records } = await syncAll(mall, 'orders', 50, since);
    const expected = dataset.orders.filter((order) => Date.parse(order.updated_at) >= Date.parse(since)).map((order) => order.id).sort();
    expect(records.map((record) => record.id).sort()).toEqual(expected);
    expect(records[0].updated_at).toBe(since);
    // The same instant written in UTC selects the same records.
    const utc = new Date(Date.parse(since)).toISOString().replace('.000Z', 'Z');
    expect((await syncAll(mall, 'orders', 1000, utc)).records).toHaveLength(expected.length);
  });

  it('serves member balances as of the books start equal to the opening balances, paged', async () => {
    const collected: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query: URLSearchParams = new URLSearchParams({ as_of: dataset.booksStartAt, limit: '7' });
      if (cursor) query.set('cursor', cursor);
      const reply = await contractCall(mall, `/v1/member-balances?${query}`);
      expect(reply.status).toBe(200);
      const page = reply.body as { data: unknown[]; next_cursor: string | null };
      collected.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(collected).toEqual(dataset.openingBalances);
    expect((await contractCall(mall, '/v1/member-balances')).status).toBe(422);
    expect((await contractCall(mall, '/v1/member-balances?as_of=2026-09-01T00:00:00%2B08:00')).status).toBe(422);
    const later = await contractCall(mall, `/v1/member-balances?as_of=${encodeURIComponent(dataset.periodEndAt)}&limit=1000`);
    expect(later.status).toBe(200);
  });

  it('serves one daily summary per date, zero days included, equal to a recomputation', async () => {
    const reply = await contractCall(mall, '/v1/daily-summaries?from=2026-09-29&to=2026-11-02');
    expect(reply.status).toBe(200);
    const rows = (reply.body as { data: Array<{ date: string; gmv: string; order_count: number }> }).data;
    expect(rows).toHaveLength(35);
    expect(rows[0]).toEqual({ date: '2026-09-29', gmv: '0.00', order_count: 0, paid_amount: '0.00', refund_amount: '0.00', refund_count: 0, topup_amount: '0.00' });
    expect(rows.slice(2, 33)).toEqual(computeDailySummaries(dataset, datesOfMonth(month)));
    for (const query of ['from=2026-10-05', 'from=2026-10-05&to=2026-10-01', 'from=2026-02-30&to=2026-03-01', 'from=2025-01-01&to=2026-10-01']) {
      expect((await contractCall(mall, `/v1/daily-summaries?${query}`)).status, query).toBe(422);
    }
  });

  it('answers 404 for unknown paths and ids', async () => {
    expect((await call(mall, '/v1/nothing')).status).toBe(404);
    const reply = await post(mall, '/v1/withdrawals/w_9999999/decision', { decision: 'approve', reviewed_by: ['a'], decided_at: '2026-11-02T09:00:00+08:00' }, 'k-404');
    expect(reply.status).toBe(404);
  });
});

describe('demo mall write-backs', () => {
  let mall: DemoMall;
  beforeAll(async () => {
    mall = await startDemoMall({ dataset, token, host: '127.0.0.1', now: () => fixedNowMs });
  });
  afterAll(async () => {
    await mall.close();
  });
  const submitted = () => dataset.withdrawals.filter((withdrawal) => withdrawal.status === 'submitted');
  const decision = (choice: 'approve' | 'reject') => ({ decision: choice, reviewed_by: ['ops1', 'fin1'], note: null, decided_at: '2026-11-02T09:00:00+08:00' });

  it('applies a decision once per Idempotency-Key and replays the first result', async () => {
    const target = submitted()[0];
    const path = `/v1/withdrawals/${target.id}/decision`;
    const first = await post(mall, path, decision('approve'), 'key-1');
    expect(first.status).toBe(200);
    const approved = first.body as MallWithdrawal;
    expect(approved.status).toBe('approved');
    expect(approved.version).toBe(target.version + 1);
    expect(Date.parse(approved.updated_at)).toBeGreaterThan(Date.parse(target.updated_at));
    const again = await post(mall, path, decision('approve'), 'key-1');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(approved);
    expect(mall.dataset.withdrawals.find((withdrawal) => withdrawal.id === target.id)!.version).toBe(target.version + 1);
    // A new key is a new request: the withdrawal is no longer submitted.
    const conflict = await post(mall, path, decision('reject'), 'key-2');
    expect(conflict.status).toBe(409);
    // The conflict is remembered under its key as well.
    expect((await post(mall, path, decision('reject'), 'key-2')).body).toEqual(conflict.body);
    expect(mall.writes.map((write) => [write.idempotencyKey, write.status, write.replayed])).toEqual([
      ['key-1', 200, false],
      ['key-1', 200, true],
      ['key-2', 409, false],
      ['key-2', 409, true],
    ]);
    // Incremental sync sees the change.
    const changed = await contractCall(mall, `/v1/withdrawals?updated_since=${encodeURIComponent(approved.updated_at)}`);
    expect((changed.body as { data: MallWithdrawal[] }).data.map((withdrawal) => withdrawal.id)).toEqual([target.id]);
  });

  it('requires the Idempotency-Key header, a valid body, and the same request for a reused key', async () => {
    const target = submitted()[1];
    const path = `/v1/withdrawals/${target.id}/decision`;
    expect((await post(mall, path, decision('approve'), null)).status).toBe(422);
    expect((await post(mall, path, decision('approve'), 'x'.repeat(65))).status).toBe(422);
    expect((await post(mall, path, { ...decision('approve'), decision: 'maybe' }, 'key-3')).status).toBe(422);
    expect((await post(mall, path, { decision: 'approve' }, 'key-3')).status).toBe(422);
    const raw = await contractCall(mall, path, { method: 'POST', headers: { 'idempotency-key': 'key-4' }, body: '{not json' });
    expect(raw.status).toBe(422);
    expect(mall.dataset.withdrawals.find((withdrawal) => withdrawal.id === target.id)!.status).toBe('submitted');
    expect((await post(mall, path, decision('reject'), 'key-5')).status).toBe(200);
    expect((await post(mall, `/v1/withdrawals/${submitted()[2].id}/decision`, decision('reject'), 'key-5')).status).toBe(422);
  });

  it('records payout results only for approved withdrawals', async () => {
    const target = submitted()[3];
    const path = `/v1/withdrawals/${target.id}/payout-result`;
    expect((await post(mall, path, { status: 'paid' }, 'pay-0')).status).toBe(409);
    expect((await post(mall, `/v1/withdrawals/${target.id}/decision`, decision('approve'), 'dec-3')).status).toBe(200);
    const paid = await post(mall, path, { status: 'paid', channel_ref: 'TB1', paid_at: '2026-11-02T09:00:00+08:00', failure_reason: null }, 'pay-1');
    expect(paid.status).toBe(200);
    expect((paid.body as MallWithdrawal).status).toBe('paid');
    expect((paid.body as MallWithdrawal).version).toBe(target.version + 2);
    expect((await post(mall, path, { status: 'failed' }, 'pay-2')).status).toBe(409);
  });

  it('records commission settlements and refuses cancelled or already settled commissions', async () => {
    const settleable = dataset.commissions.filter((commission) => commission.status === 'settleable');
    const distributorId = settleable[0].distributor_id;
    const mine = settleable.filter((commission) => commission.distributor_id === distributorId).slice(0, 3);
    const total = (items: MallCommission[]) => formatFenAsYuan(sumFen(items.map((item) => yuanTextToFen(item.amount))));
    const body = { settlement_no: 'ST-1', distributor_id: distributorId, commission_ids: mine.map((item) => item.id), amount: total(mine), status: 'paid', channel_ref: null, paid_at: null };
    expect((await post(mall, '/v1/commission-settlements', { ...body, amount: '0.01' }, 'st-bad')).status).toBe(422);
    const first = await post(mall, '/v1/commission-settlements', body, 'st-1');
    expect(first.status).toBe(200);
    expect((await post(mall, '/v1/commission-settlements', body, 'st-1')).body).toEqual(first.body);
    const other = await post(mall, '/v1/commission-settlements', { ...body, settlement_no: 'ST-2' }, 'st-2');
    expect(other.status).toBe(409);
    const cancelled = dataset.commissions.find((commission) => commission.status === 'cancelled')!;
    const cancelledBody = { ...body, settlement_no: 'ST-3', distributor_id: cancelled.distributor_id, commission_ids: [cancelled.id], amount: cancelled.amount };
    expect((await post(mall, '/v1/commission-settlements', cancelledBody, 'st-3')).status).toBe(409);
  });

  it('mutate bumps version and updated_at so an incremental sync sees the record again', async () => {
    const { records } = await syncAll(mall, 'orders', 1000);
    const checkpoint = records[records.length - 1].updated_at;
    const target = dataset.orders[5];
    const changed = mall.mutate('orders', target.id, { status: target.status });
    expect(changed.version).toBe(target.version + 1);
    const again = await syncAll(mall, 'orders', 1000, checkpoint);
    const seen = again.records.find((record) => record.id === target.id);
    expect(seen?.version).toBe(target.version + 1);
    expect(() => mall.mutate('orders', 'o_nope', {})).toThrow();
  });
});

describe('demo mall faults', () => {
  let mall: DemoMall;
  beforeAll(async () => {
    mall = await startDemoMall({ dataset, token, host: '127.0.0.1', now: () => fixedNowMs });
  });
  afterAll(async () => {
    await mall.close();
  });

  it('rate limits every n-th request with Retry-After', async () => {
    mall.setFaults({ rateLimitEvery: 2, retryAfterSeconds: 3 });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const reply = await contractCall(mall, '/v1/ping');
      statuses.push(reply.status);
      if (reply.status === 429) expect(reply.headers.get('retry-after')).toBe('3');
    }
    expect(statuses).toEqual([200, 429, 200, 429]);
  });

  it('answers 500 on every n-th request without applying a write', async () => {
    mall.setFaults({ serverErrorEvery: 1 });
    const target = dataset.withdrawals.find((withdrawal) => withdrawal.status === 'submitted')!;
    const reply = await post(mall, `/v1/withdrawals/${target.id}/decision`, { decision: 'approve', reviewed_by: ['a'], decided_at: '2026-11-02T09:00:00+08:00' }, 'f-1');
    expect(reply.status).toBe(500);
    expect(mall.dataset.withdrawals.find((withdrawal) => withdrawal.id === target.id)!.status).toBe('submitted');
    mall.setFaults({ serverErrorEvery: 3 });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await contractCall(mall, '/v1/ping')).status);
    expect(statuses).toEqual([200, 200, 500]);
  });

  it('sends truncated JSON on every n-th successful response', async () => {
    mall.setFaults({ malformedJsonEvery: 2 });
    const good = await call(mall, '/v1/orders?limit=3');
    const bad = await call(mall, '/v1/orders?limit=3');
    expect(good.body).toBeDefined();
    expect(bad.status).toBe(200);
    expect(bad.body).toBeUndefined();
    expect(() => JSON.parse(bad.text)).toThrow();
  });

  it('serves one record with a broken identity on demand', async () => {
    const target = dataset.orders.find((order) => order.paid_at !== null)!;
    mall.setFaults({ breakIdentity: { resource: 'orders', id: target.id } });
    const { records } = await (async () => {
      const reply = await call(mall, '/v1/orders?limit=1000');
      return { records: (reply.body as { data: Array<{ id: string }> }).data };
    })();
    const broken = records.find((record) => record.id === target.id)!;
    const check = validateMallRecord('orders', broken);
    expect(check.ok).toBe(false);
    expect(records.filter((record) => !validateMallRecord('orders', record).ok)).toHaveLength(1);
    mall.setFaults({});
    const healed = (await call(mall, '/v1/orders?limit=1000')).body as { data: Array<{ id: string }> };
    expect(validateMallRecord('orders', healed.data.find((record) => record.id === target.id)).ok).toBe(true);
  });

  it('never answers every n-th request, and closes cleanly with it pending', async () => {
    mall.setFaults({ hangEvery: 2 });
    expect((await call(mall, '/v1/ping')).status).toBe(200);
    await expect(fetch(mall.url + '/v1/ping', { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await call(mall, '/v1/ping')).status).toBe(200);
  });

  it('delays answers but still answers correctly', async () => {
    mall.setFaults({ delayMs: 20 });
    const reply = await contractCall(mall, '/v1/ping');
    expect(reply.status).toBe(200);
    mall.setFaults({});
  });

  it('keeps a hung request from blocking close()', async () => {
    const other = await startDemoMall({ dataset, token, host: '127.0.0.1', faults: { hangEvery: 1 } });
    const pending = fetch(other.url + '/v1/ping', { headers: { authorization: `Bearer ${token}` } }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('demo mall list pages', () => {
  it('serves exactly JSON.stringify of {data, next_cursor}, also after a mutation and with a broken identity', async () => {
    const dataset = generateMallDataset({ seed: 99, month: '2026-10', orderCount: 120 });
    const mall = await startDemoMall({ dataset, token: 'render-token', now: () => Date.parse('2026-11-03T02:00:00Z') });
    try {
      const read = async (path: string) => {
        const response = await fetch(`${mall.url}${path}`, { headers: { authorization: 'Bearer render-token' } });
        return response.text();
      };
      const expectedPage = (resource: 'orders' | 'refunds', start: number, limit: number, patch?: (record: Record<string, unknown>) => Record<string, unknown>) => {
        const sorted = [...mall.dataset[resource]].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const page = sorted.slice(start, start + limit) as unknown as Record<string, unknown>[];
        return page.map((record) => JSON.stringify(patch ? patch(record) : record));
      };
      const first = await read('/v1/orders?limit=50');
      const parsed = JSON.parse(first) as { data: unknown[]; next_cursor: string | null };
      expect(first).toBe(JSON.stringify(parsed));
      expect(parsed.data.map((record) => JSON.stringify(record))).toEqual(expectedPage('orders', 0, 50));
      expect(parsed.next_cursor).not.toBeNull();

      // A mutated record is served at its new version (the remembered text is dropped).
      const target = mall.dataset.orders[3];
      mall.mutate('orders', target.id, { status: 'closed' });
      const all = JSON.parse(await read('/v1/orders?limit=1000')) as { data: { id: string; version: number; status: string }[] };
      const served = all.data.find((record) => record.id === target.id)!;
      expect(served.status).toBe('closed');
      expect(served.version).toBe(target.version);
      expect(all.data.map((record) => JSON.stringify(record))).toEqual(expectedPage('orders', 0, 1000));

      // A broken identity is served on the copy only, and the clean text comes back when it is lifted.
      const broken = mall.dataset.orders[5];
      mall.setFaults({ breakIdentity: { resource: 'orders', id: broken.id } });
      const withBroken = JSON.parse(await read('/v1/orders?limit=1000')) as { data: { id: string; paid_amount: string }[] };
      expect(withBroken.data.find((record) => record.id === broken.id)!.paid_amount).not.toBe(broken.paid_amount);
      mall.setFaults({});
      const healed = JSON.parse(await read('/v1/orders?limit=1000')) as { data: { id: string; paid_amount: string }[] };
      expect(healed.data.find((record) => record.id === broken.id)!.paid_amount).toBe(broken.paid_amount);
    } finally {
      await mall.close();
    }
  });
});
