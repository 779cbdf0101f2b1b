import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatFenAsYuan, fen } from '../../money';
import { validateRequestBody } from '../contract/validate';
import type { MallError, MallMemberBalance, MallRecordByResource, MallSyncedResource, MallWithdrawal } from '../contract/types';
import { yuanTextToFen, type MallDataset } from './generate';
import { computeDailySummaries, computeMemberBalances, type RecordedSettlementPayout } from './summaries';
import { DAY_MS, formatShanghaiInstant, parseInstantMs, SECOND_MS, shanghaiDate, shanghaiDateStartMs } from './time';

/** Resources whose records carry an amount identity that breakIdentity can break. */
export type IdentityResource = 'orders' | 'refunds' | 'commissions' | 'withdrawals';

export interface DemoMallFaults {
  /** Every n-th request is answered 429 with Retry-After. */
  rateLimitEvery?: number;
  /** Seconds in the Retry-After header of a 429 (default 1). */
  retryAfterSeconds?: number;
  /** Every n-th request is answered 500. */
  serverErrorEvery?: number;
  /** Every request waits this long before it is answered. */
  delayMs?: number;
  /** Every n-th request that would succeed is answered 200 with a truncated JSON body. */
  malformedJsonEvery?: number;
  /** This record is served with one amount off by 0.01, breaking its identity. */
  breakIdentity?: { resource: IdentityResource; id: string };
  /** Every n-th request is never answered (for client timeout tests). */
  hangEvery?: number;
}

export interface WriteLog {
  /** Server time the write was handled, RFC 3339 +08:00. */
  at: string;
  method: 'POST';
  path: string;
  idempotencyKey: string;
  body: unknown;
  status: number;
  response: unknown;
  /** True when the key had been seen and the first result was returned unchanged. */
  replayed: boolean;
}

export interface DemoMallOptions {
  dataset: MallDataset;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  token: string;
  faults?: DemoMallFaults;
  /** The server's clock in epoch ms (tests pass a fixed one); default Date.now. */
  now?: () => number;
}

export interface DemoMall {
  url: string;
  close(): Promise<void>;
  setFaults(faults: DemoMallFaults): void;
  /** Changes a record as the mall would: applies the patch, bumps version and updated_at. */
  mutate<R extends MallSyncedResource>(resource: R, id: string, patch: Partial<MallRecordByResource[R]>): MallRecordByResource[R];
  /** Every write-back the server handled, in order (replays included). */
  writes: WriteLog[];
  /** The server's own copy of the data, with every write and mutation applied. */
  dataset: MallDataset;
  /** Requests received since start or the last setFaults (the counter the fault switches use). */
  requestCount(): number;
}

const listPaths: Record<string, MallSyncedResource> = {
  '/v1/members': 'members',
  '/v1/orders': 'orders',
  '/v1/refunds': 'refunds',
  '/v1/topups': 'topups',
  '/v1/points': 'points',
  '/v1/commissions': 'commissions',
  '/v1/withdrawals': 'withdrawals',
};

const limitDefault = 500;
const limitMax = 1000;
const bodyBytesMax = 1_000_000;
const idempotencyKeyLengthMax = 64;
const summaryDaysMax = 366;

interface SortedRecord {
  updatedAtMs: number;
  id: string;
  record: { id: string; updated_at: string; version: number };
}

interface StoredResult {
  fingerprint: string;
  status: number;
  body: unknown;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function compareKeys(aMs: number, aId: string, bMs: number, bId: string): number {
  if (aMs !== bMs) return aMs - bMs;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

function encodeCursor(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

function decodeCursor(text: string, kind: string): Record<string, unknown> {
  try {
    const payload = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (payload && payload.k === kind) return payload;
  } catch {
    // fall through to the error below
  }
  throw new HttpProblem(422, 'invalid_cursor', 'cursor is not one this server issued for this list');
}

/** JSON with sorted keys, so a retried write whose body was rebuilt in another key order still matches. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function parseLimit(text: string | null): number {
  if (text === null) return limitDefault;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > limitMax) {
    throw new HttpProblem(422, 'invalid_limit', `limit must be an integer from 1 to ${limitMax}`);
  }
  return Number(text);
}

function requireInstant(text: string | null, name: string): number {
  const instant = text === null ? Number.NaN : parseInstantMs(text);
  if (Number.isNaN(instant)) throw new HttpProblem(422, `invalid_${name}`, `${name} must be an RFC 3339 date-time with offset`);
  return instant;
}

/** Serves the demo dataset over the mall contract (openapi.yaml) with node:http. */
export async function startDemoMall(options: DemoMallOptions): Promise<DemoMall> {
  const dataset: MallDataset = structuredClone(options.dataset);
  const now = options.now ?? (() => Date.now());
  let faults: DemoMallFaults = { ...(options.faults ?? {}) };
  let requestCounter = 0;
  const writes: WriteLog[] = [];
  const idempotentResults = new Map<string, StoredResult>();
  const settlementOfCommission = new Map<string, string>();
  const paidSettlements = new Set<string>();
  const settlementPayouts: RecordedSettlementPayout[] = [];
  const hungResponses = new Set<ServerResponse>();
  const sortedCache = new Map<MallSyncedResource, SortedRecord[]>();
  const balancesCache = new Map<number, MallMemberBalance[]>();
  const recordIndex = new Map<MallSyncedResource, Map<string, SortedRecord['record']>>();
  const booksStartMs = parseInstantMs(dataset.booksStartAt);

  let lastIssuedMs = 0;
  for (const resource of Object.values(listPaths)) {
    const index = new Map<string, SortedRecord['record']>();
    for (const record of dataset[resource] as SortedRecord['record'][]) {
      index.set(record.id, record);
      lastIssuedMs = Math.max(lastIssuedMs, parseInstantMs(record.updated_at));
    }
    recordIndex.set(resource, index);
  }

  /** updated_at for a change: never before anything already served, so incremental clients see it. */
  function nextChangeInstant(): string {
    const secondMs = Math.floor(now() / SECOND_MS) * SECOND_MS;
    lastIssuedMs = Math.max(secondMs, lastIssuedMs + SECOND_MS);
    return formatShanghaiInstant(lastIssuedMs);
  }

  function recordChanged(resource: MallSyncedResource): void {
    sortedCache.delete(resource);
    balancesCache.clear();
  }

  function sortedRecords(resource: MallSyncedResource): SortedRecord[] {
    let sorted = sortedCache.get(resource);
    if (sorted === undefined) {
      sorted = (dataset[resource] as SortedRecord['record'][]).map((record) => ({
        updatedAtMs: parseInstantMs(record.updated_at),
        id: record.id,
        record,
      }));
      sorted.sort((a, b) => compareKeys(a.updatedAtMs, a.id, b.updatedAtMs, b.id));
      sortedCache.set(resource, sorted);
    }
    return sorted;
  }

  /** The first position whose key is after (or at, when inclusive) the given key. */
  function lowerBound(sorted: SortedRecord[], keyMs: number, keyId: string | null): number {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = sorted[middle];
      const before = keyId === null ? entry.updatedAtMs < keyMs : compareKeys(entry.updatedAtMs, entry.id, keyMs, keyId) <= 0;
      if (before) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  function served<T extends { id: string }>(resource: MallSyncedResource, record: T): T {
    const broken = faults.breakIdentity;
    if (broken === undefined || broken.resource !== resource || broken.id !== record.id) return record;
    const field: Record<IdentityResource, string> = {
      orders: 'paid_amount',
      refunds: 'channel_amount',
      commissions: 'amount',
      withdrawals: 'net_amount',
    };
    const name = field[broken.resource];
    const copy = { ...record } as Record<string, unknown>;
    copy[name] = formatFenAsYuan(fen(yuanTextToFen(String(copy[name])) + 1));
    return copy as T;
  }

  function listPage(resource: MallSyncedResource, query: URLSearchParams): unknown {
    const limit = parseLimit(query.get('limit'));
    const sorted = sortedRecords(resource);
    let start: number;
    const cursorText = query.get('cursor');
    if (cursorText !== null) {
      const cursor = decodeCursor(cursorText, resource);
      if (typeof cursor.m !== 'number' || typeof cursor.i !== 'string') throw new HttpProblem(422, 'invalid_cursor', 'malformed cursor');
      start = lowerBound(sorted, cursor.m, cursor.i);
    } else if (query.get('updated_since') !== null) {
      start = lowerBound(sorted, requireInstant(query.get('updated_since'), 'updated_since'), null);
    } else {
      start = 0;
    }
    const page = sorted.slice(start, start + limit);
    const last = page[page.length - 1];
    const more = start + limit < sorted.length;
    return {
      data: page.map((entry) => served(resource, entry.record as { id: string })),
      next_cursor: more && last ? encodeCursor({ k: resource, m: last.updatedAtMs, i: last.id }) : null,
    };
  }

  function memberBalancesPage(query: URLSearchParams): unknown {
    const asOfMs = requireInstant(query.get('as_of'), 'as_of');
    if (asOfMs < booksStartMs) {
      throw new HttpProblem(422, 'as_of_before_history', `the demo mall keeps balances from ${dataset.booksStartAt} on`);
    }
    const limit = parseLimit(query.get('limit'));
    let balances = balancesCache.get(asOfMs);
    if (balances === undefined) {
      balances = computeMemberBalances(dataset, asOfMs, settlementPayouts);
      balancesCache.set(asOfMs, balances);
    }
    let start = 0;
    const cursorText = query.get('cursor');
    if (cursorText !== null) {
      const cursor = decodeCursor(cursorText, 'member_balances');
      const afterId = String(cursor.i);
      start = balances.findIndex((balance) => balance.member_id > afterId);
      if (start < 0) start = balances.length;
    }
    const page = balances.slice(start, start + limit);
    const more = start + limit < balances.length;
    return {
      data: page,
      next_cursor: more ? encodeCursor({ k: 'member_balances', i: page[page.length - 1].member_id }) : null,
    };
  }

  function dailySummaries(query: URLSearchParams): unknown {
    const from = query.get('from') ?? '';
    const to = query.get('to') ?? '';
    const fromMs = shanghaiDateStartMs(from);
    const toMs = shanghaiDateStartMs(to);
    if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new HttpProblem(422, 'invalid_date', 'from and to must be dates (YYYY-MM-DD)');
    if (toMs < fromMs) throw new HttpProblem(422, 'invalid_range', 'from must not be after to');
    if ((toMs - fromMs) / DAY_MS + 1 > summaryDaysMax) throw new HttpProblem(422, 'range_too_long', `at most ${summaryDaysMax} days per request`);
    const dates: string[] = [];
    for (let at = fromMs; at <= toMs; at += DAY_MS) dates.push(shanghaiDate(at));
    return { data: computeDailySummaries(dataset, dates) };
  }

  function findWithdrawal(id: string): MallWithdrawal {
    const withdrawal = recordIndex.get('withdrawals')!.get(id) as MallWithdrawal | undefined;
    if (withdrawal === undefined) throw new HttpProblem(404, 'not_found', `no withdrawal with id ${id}`);
    return withdrawal;
  }

  function changeWithdrawal(withdrawal: MallWithdrawal, status: MallWithdrawal['status']): MallWithdrawal {
    withdrawal.status = status;
    withdrawal.version += 1;
    withdrawal.updated_at = nextChangeInstant();
    recordChanged('withdrawals');
    return served('withdrawals', withdrawal);
  }

  function decide(id: string, body: { decision: 'approve' | 'reject' }): unknown {
    const withdrawal = findWithdrawal(id);
    if (withdrawal.status !== 'submitted') {
      throw new HttpProblem(409, 'state_conflict', `withdrawal ${withdrawal.withdrawal_no} is ${withdrawal.status}, not submitted`);
    }
    return changeWithdrawal(withdrawal, body.decision === 'approve' ? 'approved' : 'rejected');
  }

  function payoutResult(id: string, body: { status: 'paid' | 'failed' }): unknown {
    const withdrawal = findWithdrawal(id);
    if (withdrawal.status !== 'approved') {
      throw new HttpProblem(409, 'state_conflict', `withdrawal ${withdrawal.withdrawal_no} is ${withdrawal.status}, not approved`);
    }
    return changeWithdrawal(withdrawal, body.status);
  }

  function settle(body: {
    settlement_no: string;
    distributor_id: string;
    commission_ids: string[];
    amount: string;
    status: 'paid' | 'failed';
    paid_at?: string | null;
  }): unknown {
    const commissions = recordIndex.get('commissions')!;
    let totalFen = 0;
    for (const commissionId of body.commission_ids) {
      const commission = commissions.get(commissionId) as MallRecordByResource['commissions'] | undefined;
      if (commission === undefined) throw new HttpProblem(422, 'unknown_commission', `no commission with id ${commissionId}`);
      if (commission.distributor_id !== body.distributor_id) {
        throw new HttpProblem(422, 'wrong_distributor', `commission ${commissionId} belongs to ${commission.distributor_id}`);
      }
      totalFen += yuanTextToFen(commission.amount);
    }
    if (new Set(body.commission_ids).size !== body.commission_ids.length) throw new HttpProblem(422, 'duplicate_commission', 'a commission id is listed twice');
    if (yuanTextToFen(body.amount) !== totalFen) {
      throw new HttpProblem(422, 'amount_mismatch', `amount ${body.amount} != sum of the commissions ${formatFenAsYuan(fen(totalFen))}`);
    }
    for (const commissionId of body.commission_ids) {
      const commission = commissions.get(commissionId) as MallRecordByResource['commissions'];
      if (commission.status === 'cancelled') throw new HttpProblem(409, 'commission_cancelled', `commission ${commissionId} is cancelled`);
      const owner = settlementOfCommission.get(commissionId);
      if (owner !== undefined && owner !== body.settlement_no) {
        throw new HttpProblem(409, 'already_settled', `commission ${commissionId} is already settled by ${owner}`);
      }
    }
    if (body.status === 'paid' && !paidSettlements.has(body.settlement_no)) {
      paidSettlements.add(body.settlement_no);
      for (const commissionId of body.commission_ids) settlementOfCommission.set(commissionId, body.settlement_no);
      const paidAtMs = body.paid_at ? parseInstantMs(body.paid_at) : now();
      settlementPayouts.push({ distributorId: body.distributor_id, amountFen: totalFen, paidAtMs });
      balancesCache.clear();
    }
    return {
      settlement_no: body.settlement_no,
      distributor_id: body.distributor_id,
      commission_ids: body.commission_ids,
      amount: body.amount,
      status: body.status,
    };
  }

  async function readJsonBody(request: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of request) {
      length += (chunk as Buffer).length;
      if (length > bodyBytesMax) throw new HttpProblem(422, 'body_too_large', 'request body too large');
      chunks.push(chunk as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpProblem(422, 'invalid_json', 'request body is not JSON');
    }
  }

  async function handleWrite(request: IncomingMessage, path: string): Promise<{ status: number; body: unknown }> {
    const keyHeader = request.headers['idempotency-key'];
    const key = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
    if (key === undefined || key.length === 0 || key.length > idempotencyKeyLengthMax) {
      throw new HttpProblem(422, 'idempotency_key_required', `an Idempotency-Key header of 1 to ${idempotencyKeyLengthMax} characters is required`);
    }
    const body = await readJsonBody(request);
    const fingerprint = `${path} ${canonicalJson(body)}`;
    const log = (status: number, response: unknown, replayed: boolean) =>
      writes.push({ at: formatShanghaiInstant(now()), method: 'POST', path, idempotencyKey: key, body, status, response, replayed });
    const stored = idempotentResults.get(key);
    if (stored !== undefined) {
      if (stored.fingerprint !== fingerprint) {
        throw new HttpProblem(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request');
      }
      log(stored.status, stored.body, true);
      return { status: stored.status, body: stored.body };
    }
    const check = validateRequestBody(path, 'POST', body);
    if (!check.ok) throw new HttpProblem(422, 'invalid_body', check.reason);
    let result: { status: number; body: unknown };
    try {
      const segments = path.split('/');
      if (path === '/v1/commission-settlements') result = { status: 200, body: settle(body as Parameters<typeof settle>[0]) };
      else if (segments[4] === 'decision') result = { status: 200, body: decide(decodeURIComponent(segments[3]), body as Parameters<typeof decide>[1]) };
      else result = { status: 200, body: payoutResult(decodeURIComponent(segments[3]), body as Parameters<typeof payoutResult>[1]) };
    } catch (error) {
      // A state conflict or an unknown id is the write's result too: a retry must see the same answer.
      if (!(error instanceof HttpProblem) || (error.status !== 409 && error.status !== 404)) throw error;
      result = { status: error.status, body: { code: error.code, message: error.message } satisfies MallError };
    }
    idempotentResults.set(key, { fingerprint, status: result.status, body: result.body });
    log(result.status, result.body, false);
    return result;
  }

  async function route(request: IncomingMessage, url: URL): Promise<{ status: number; body: unknown }> {
    const path = url.pathname;
    const method = request.method ?? 'GET';
    const isWrite = path === '/v1/commission-settlements' || /^\/v1\/withdrawals\/[^/]+\/(decision|payout-result)$/.test(path);
    if (isWrite) {
      if (method !== 'POST') throw new HttpProblem(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
      return handleWrite(request, path);
    }
    const isRead = path === '/v1/ping' || path === '/v1/member-balances' || path === '/v1/daily-summaries' || path in listPaths;
    if (!isRead) throw new HttpProblem(404, 'not_found', `no such path ${path}`);
    if (method !== 'GET') throw new HttpProblem(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    if (path === '/v1/ping') {
      return { status: 200, body: { mall_name: dataset.mallName, merchant_id: dataset.merchantId, server_time: formatShanghaiInstant(now()) } };
    }
    if (path === '/v1/member-balances') return { status: 200, body: memberBalancesPage(url.searchParams) };
    if (path === '/v1/daily-summaries') return { status: 200, body: dailySummaries(url.searchParams) };
    return { status: 200, body: listPage(listPaths[path], url.searchParams) };
  }

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, malformed = false): void {
    let text = JSON.stringify(body);
    // A body cut in the middle, as a broken proxy or a dropped connection would deliver it.
    if (malformed) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    response.end(text);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    requestCounter += 1;
    const sequence = requestCounter;
    const active = faults;
    const every = (n: number | undefined) => n !== undefined && n > 0 && sequence % n === 0;
    if (every(active.hangEvery)) {
      hungResponses.add(response);
      response.on('close', () => hungResponses.delete(response));
      return;
    }
    if (active.delayMs !== undefined && active.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, active.delayMs));
    if (every(active.rateLimitEvery)) {
      send(response, 429, { code: 'rate_limited', message: 'too many requests' }, { 'retry-after': String(active.retryAfterSeconds ?? 1) });
      return;
    }
    if (every(active.serverErrorEvery)) {
      send(response, 500, { code: 'internal_error', message: 'injected server error' });
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.token}`) {
      send(response, 401, { code: 'unauthorized', message: 'missing or invalid bearer token' });
      return;
    }
    try {
      const url = new URL(request.url ?? '/', 'http://demo-mall.invalid');
      const result = await route(request, url);
      send(response, result.status, result.body, {}, result.status === 200 && every(active.malformedJsonEvery));
    } catch (error) {
      if (error instanceof HttpProblem) send(response, error.status, { code: error.code, message: error.message });
      else send(response, 500, { code: 'internal_error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    writes,
    dataset,
    requestCount: () => requestCounter,
    setFaults(next: DemoMallFaults): void {
      faults = { ...next };
      requestCounter = 0;
    },
    mutate<R extends MallSyncedResource>(resource: R, id: string, patch: Partial<MallRecordByResource[R]>): MallRecordByResource[R] {
      const record = recordIndex.get(resource)?.get(id);
      if (record === undefined) throw new Error(`demo mall: no ${resource} record with id ${id}`);
      Object.assign(record, patch);
      record.version += 1;
      record.updated_at = nextChangeInstant();
      recordChanged(resource);
      return record as unknown as MallRecordByResource[R];
    },
    close(): Promise<void> {
      for (const response of hungResponses) response.destroy();
      hungResponses.clear();
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
