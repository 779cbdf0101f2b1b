import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { MALL_PAGE_WORKER_RESOURCE_LIMITS, syncFromMall, useMallPageWorker, type MallPageWorkerFactory, type SyncOptions } from '../../electron/core/mall/sync';
import { verifyWorkspace } from '../../electron/core/workspace';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

/*
 * A sync reads a pass of more than one page ahead on a worker thread (the CLI, the bench and the
 * app register the bundle; vitest's global setup builds it). With or without the worker the
 * workspace must end up byte for byte the same ledger; a failure on the worker must fail the
 * sync with the same typed error and leave whole runs only, and the worker must not outlive it.
 */

const WORKER_BUNDLE = join(__dirname, '..', '..', 'out', 'cli', 'mall-page-worker.cjs');
const token = 'demo-token-for-page-worker';
const instantSleep = async () => undefined;
const pageSize = 100;

let dataset: MallDataset;
const opened: { mall?: DemoMall; temp?: TempWorkspace }[] = [];
const started: Worker[] = [];
let pagesFromWorkers = 0;

const bundledWorker: MallPageWorkerFactory = (data) => {
  const worker = new Worker(WORKER_BUNDLE, { workerData: data, resourceLimits: MALL_PAGE_WORKER_RESOURCE_LIMITS });
  worker.on('message', (message: { type: string }) => {
    if (message.type === 'page') pagesFromWorkers += 1;
  });
  started.push(worker);
  return worker;
};

beforeAll(() => {
  expect(existsSync(WORKER_BUNDLE), `${WORKER_BUNDLE} (built by test/support/global-setup.ts)`).toBe(true);
  dataset = generateMallDataset({ seed: 20263, month: '2026-10', orderCount: 400 });
});

beforeEach(() => {
  started.length = 0;
  pagesFromWorkers = 0;
  useMallPageWorker(bundledWorker);
});

afterEach(async () => {
  for (const item of opened.splice(0)) {
    await item.mall?.close();
    item.temp?.cleanup();
  }
});

afterAll(() => useMallPageWorker(null));

async function setup(faults = {}) {
  const mall = await startDemoMall({ dataset, token, faults });
  const temp = createTempWorkspace({ booksStartDate: '2026-10-01', now: '2026-11-03T02:00:00.000Z' });
  opened.push({ mall, temp });
  return { mall, temp };
}

/** Client settings made of numbers only: these may cross to the worker. */
function syncOnWorker(temp: TempWorkspace, url: string, extra: Partial<SyncOptions> = {}) {
  return syncFromMall(temp.workspace, { url, token, actorName: 'admin', pageSize, client: { timeoutMs: 5000 }, ...extra });
}

/** An injected sleep cannot cross to a thread: this sync reads every page itself. */
function syncHere(temp: TempWorkspace, url: string, extra: Partial<SyncOptions> = {}) {
  return syncFromMall(temp.workspace, { url, token, actorName: 'admin', pageSize, client: { sleep: instantSleep, timeoutMs: 5000 }, ...extra });
}

/** The whole ledger and the stored documents, in order (the clock is fixed: hashes compare too). */
function ledger(temp: TempWorkspace) {
  const sqlite = temp.workspace.sqlite;
  return {
    entries: sqlite.prepare(`SELECT entry_no, entry_type, source_resource, source_id, occurred_at, hash FROM journal_entries ORDER BY id`).all(),
    postings: sqlite.prepare(`SELECT entry_id, line_no, account_code, party_id, debit_fen, credit_fen FROM postings ORDER BY id`).all(),
    documents: sqlite.prepare(`SELECT resource, id, version, document_no, business_date, body_json FROM mall_documents ORDER BY resource, id`).all(),
    checkpoints: sqlite.prepare(`SELECT resource, updated_since, cursor, high_water FROM mall_checkpoints ORDER BY resource`).all(),
    rejected: sqlite.prepare(`SELECT resource, record_id, version, reason FROM mall_rejected_records ORDER BY resource, record_id`).all(),
  };
}

function workerExits(): Promise<unknown[]> {
  return Promise.all(started.map((worker) => (worker.threadId === -1 ? Promise.resolve() : new Promise((resolve) => worker.once('exit', resolve)))));
}

describe('sync pages read ahead on a worker thread', () => {
  it('books exactly the ledger the one-thread sync books, and a second sync books nothing', async () => {
    const here = await setup();
    const expected = await syncHere(here.temp, here.mall.url);
    expect(started).toHaveLength(0);

    const ahead = await setup();
    const result = await syncOnWorker(ahead.temp, ahead.mall.url, { transactionRecordsMax: 250 });
    expect(started).toHaveLength(1); // one worker for the whole sync, started by the first pass of several pages
    expect(pagesFromWorkers).toBeGreaterThan(dataset.orders.length / pageSize - 2);
    expect(result).toEqual(expected);
    expect(ledger(ahead.temp)).toEqual(ledger(here.temp));
    expect(verifyWorkspace(ahead.temp.workspace.sqlite).ok).toBe(true);
    await workerExits();
    expect(started.every((worker) => worker.threadId === -1)).toBe(true);

    const again = await syncOnWorker(ahead.temp, ahead.mall.url);
    expect(again.entries_posted).toBe(0);
    expect(ledger(ahead.temp).entries).toEqual(ledger(here.temp).entries);
  });

  it('rejects a broken record and an unknown enum value on the worker exactly as on one thread', async () => {
    const order = dataset.orders.find((candidate) => candidate.status === 'completed')!;
    const refund = dataset.refunds[0];
    const here = await setup({ breakIdentity: { resource: 'orders', id: order.id } });
    here.mall.mutate('refunds', refund.id, { status: 'disputed' as never });
    const expected = await syncHere(here.temp, here.mall.url);
    expect(expected.rejected.map((item) => item.id).sort()).toEqual([order.id, refund.id].sort());

    const ahead = await setup({ breakIdentity: { resource: 'orders', id: order.id } });
    ahead.mall.mutate('refunds', refund.id, { status: 'disputed' as never });
    const result = await syncOnWorker(ahead.temp, ahead.mall.url);
    expect(pagesFromWorkers).toBeGreaterThan(0);
    expect(result.rejected).toEqual(expected.rejected);
    // The two malls stamp the changed refund with their own clock: the checkpoints' high-water marks differ.
    const { checkpoints: _aheadCheckpoints, ...aheadBooks } = ledger(ahead.temp);
    const { checkpoints: _hereCheckpoints, ...hereBooks } = ledger(here.temp);
    expect(aheadBooks).toEqual(hereBooks);
  });

  it('a page the worker cannot fetch fails the sync as mall_unavailable, stores whole runs only, and the resumed sync books the rest', async () => {
    const clean = await setup();
    await syncHere(clean.temp, clean.mall.url);

    // Every 9th request fails and is not retried: some fail on the worker, inside a resource's pages.
    const { mall, temp } = await setup({ serverErrorEvery: 9 });
    await expect(syncOnWorker(temp, mall.url, { client: { timeoutMs: 5000, attemptsMax: 1 } })).rejects.toMatchObject({
      code: 'mall_unavailable',
      message: expect.stringContaining('500'),
    });
    expect(started).toHaveLength(1);
    expect(pagesFromWorkers).toBeGreaterThan(0);
    await workerExits();
    const sqlite = temp.workspace.sqlite;
    for (const resource of ['members', 'topups', 'points', 'commissions', 'withdrawals', 'refunds', 'orders'] as const) {
      const stored = (sqlite.prepare(`SELECT count(*) AS n FROM mall_documents WHERE resource = ?`).get(resource) as { n: number }).n;
      expect([0, dataset[resource].length], resource).toContain(stored);
    }
    expect(verifyWorkspace(sqlite).ok).toBe(true);

    mall.setFaults({});
    await syncOnWorker(temp, mall.url);
    expect(ledger(temp).entries).toEqual(ledger(clean.temp).entries);
    expect(ledger(temp).documents).toEqual(ledger(clean.temp).documents);
  });

  it("the worker's retries reach the caller's onRetry and change nothing in the books", async () => {
    const clean = await setup();
    await syncHere(clean.temp, clean.mall.url);
    const { mall, temp } = await setup({ serverErrorEvery: 4, malformedJsonEvery: 5, rateLimitEvery: 7, retryAfterSeconds: 1 });
    const retries: { path: string; delayMs: number }[] = [];
    await syncOnWorker(temp, mall.url, {
      client: { timeoutMs: 5000, attemptsMax: 8, backoffBaseMs: 1, backoffMaxMs: 4, retryAfterMaxMs: 5, onRetry: (event) => retries.push(event) },
    });
    expect(pagesFromWorkers).toBeGreaterThan(0);
    expect(retries.length).toBeGreaterThan(5);
    expect(retries.some((event) => event.delayMs === 5)).toBe(true); // a capped Retry-After, decided on the worker
    expect(ledger(temp)).toEqual(ledger(clean.temp));
  });

  it('an aborted sync stops waiting for the worker and stops it; the next sync completes the books', async () => {
    const clean = await setup();
    await syncHere(clean.temp, clean.mall.url);
    const { mall, temp } = await setup({ delayMs: 30 });
    const controller = new AbortController();
    const aborting = syncOnWorker(temp, mall.url, {
      signal: controller.signal,
      transactionRecordsMax: 100,
      onProgress: (progress) => {
        // While the worker reads the next order pages (each answer takes 30 ms), the user stops.
        if (progress.phase === 'resource' && progress.resource === 'orders' && !controller.signal.aborted) setTimeout(() => controller.abort(new Error('stopped by the user')), 5);
      },
    });
    await expect(aborting).rejects.toThrow('stopped by the user');
    expect(started).toHaveLength(1);
    await workerExits();
    const storedOrders = (temp.workspace.sqlite.prepare(`SELECT count(*) AS n FROM mall_documents WHERE resource = 'orders'`).get() as { n: number }).n;
    expect(storedOrders).toBeGreaterThan(0);
    expect(storedOrders).toBeLessThan(dataset.orders.length);

    mall.setFaults({});
    await syncOnWorker(temp, mall.url);
    expect(verifyWorkspace(temp.workspace.sqlite).ok).toBe(true);
    expect(ledger(temp).documents).toEqual(ledger(clean.temp).documents);
    expect(ledger(temp).postings.length).toBe(ledger(clean.temp).postings.length);
  });

  it('a worker that dies in the middle of a pass, or at its start, leaves the reading to the sync: the same ledger', async () => {
    const here = await setup();
    await syncHere(here.temp, here.mall.url);

    // Stopped after its fifth page (as an out-of-memory worker would stop): the sync reads on itself.
    let pagesSent = 0;
    useMallPageWorker((data) => {
      const worker = bundledWorker(data);
      worker.on('message', (message: { type: string }) => {
        if (message.type === 'page' && (pagesSent += 1) === 5) void worker.terminate();
      });
      return worker;
    });
    const dying = await setup();
    const result = await syncOnWorker(dying.temp, dying.mall.url, { transactionRecordsMax: 250 });
    expect(pagesSent).toBeGreaterThanOrEqual(5);
    expect(started).toHaveLength(1);
    expect(result.rejected).toEqual([]);
    expect(ledger(dying.temp)).toEqual(ledger(here.temp));

    // A worker that exits before its first page.
    started.length = 0;
    useMallPageWorker((data) => {
      const worker = new Worker('process.exit(3)', { eval: true, workerData: data });
      started.push(worker);
      return worker;
    });
    const dead = await setup();
    await syncOnWorker(dead.temp, dead.mall.url);
    expect(started).toHaveLength(1);
    expect(ledger(dead.temp)).toEqual(ledger(here.temp));
    expect(verifyWorkspace(dead.temp.workspace.sqlite).ok).toBe(true);
  });

  it('a sync whose passes fit in one page, or with an injected sleep, starts no worker', async () => {
    const small = await setup();
    await syncOnWorker(small.temp, small.mall.url, { pageSize: 1000 });
    expect(started).toHaveLength(0);
    const injected = await setup();
    await syncHere(injected.temp, injected.mall.url);
    expect(started).toHaveLength(0);
  });

  it('a stored cursor the mall no longer accepts restarts the pass from its updated_since, here and on the worker', async () => {
    const { mall, temp } = await setup();
    await syncOnWorker(temp, mall.url);
    const paid = dataset.orders.find((candidate) => candidate.status === 'paid')!;
    const changed = mall.mutate('orders', paid.id, { status: 'completed', completed_at: '2026-10-31T20:00:00+08:00' });
    const sqlite = temp.workspace.sqlite;
    // The first pass (members) holds a bad cursor: refused on this thread, restarted from the
    // beginning, 80 members in pages of 10, so the worker starts and reads orders' bad cursor too.
    sqlite.prepare(`UPDATE mall_checkpoints SET updated_since = NULL, cursor = 'not-a-cursor-this-mall-issued' WHERE resource IN ('members', 'orders')`).run();
    started.length = 0;
    pagesFromWorkers = 0;
    const result = await syncOnWorker(temp, mall.url, { pageSize: 10 });
    expect(started).toHaveLength(1);
    expect(result.fetched.members).toBe(dataset.members.length);
    expect(pagesFromWorkers).toBeGreaterThanOrEqual(dataset.members.length / 10 - 1);
    expect(result.fetched.orders).toBeGreaterThan(0);
    expect(result.entries_posted).toBeGreaterThan(0);
    const stored = sqlite.prepare(`SELECT version FROM mall_documents WHERE resource = 'orders' AND id = ?`).get(paid.id) as { version: number };
    expect(stored.version).toBe(changed.version);
    expect(sqlite.prepare(`SELECT resource, cursor FROM mall_checkpoints WHERE resource IN ('members', 'orders') ORDER BY resource`).all()).toEqual([
      { resource: 'members', cursor: null },
      { resource: 'orders', cursor: null },
    ]);
    expect(verifyWorkspace(sqlite).ok).toBe(true);
  });
});
