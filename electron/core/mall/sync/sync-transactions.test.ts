import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTempWorkspace, type TempWorkspace } from '../../../../test/support/temp-workspace';
import { trialBalance } from '../../ledger/queries';
import { verifyWorkspace } from '../../workspace';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../demo';
import { loadCheckpoint } from './store';
import { syncFromMall, type SyncOptions } from './sync';

const token = 'multi-page-token';
const instantSleep = async () => undefined;
const pageSize = 50;

let dataset: MallDataset;
const opened: { mall?: DemoMall; temp?: TempWorkspace }[] = [];

beforeAll(() => {
  dataset = generateMallDataset({ seed: 7707, month: '2026-10', orderCount: 600 });
});

afterEach(async () => {
  for (const item of opened.splice(0)) {
    await item.mall?.close();
    item.temp?.cleanup();
  }
});

async function setup() {
  const mall = await startDemoMall({ dataset, token });
  const temp = createTempWorkspace({ booksStartDate: '2026-10-01', now: '2026-11-03T02:00:00.000Z' });
  opened.push({ mall, temp });
  return { mall, temp };
}

function sync(temp: TempWorkspace, url: string, extra: Partial<SyncOptions> = {}) {
  return syncFromMall(temp.workspace, { url, token, actorName: 'admin', pageSize, client: { sleep: instantSleep, timeoutMs: 2000, attemptsMax: 1 }, ...extra });
}

function count(temp: TempWorkspace, sql: string, ...parameters: unknown[]): number {
  return (temp.workspace.sqlite.prepare(sql).get(...parameters) as { n: number }).n;
}

function books(temp: TempWorkspace) {
  const sqlite = temp.workspace.sqlite;
  return {
    entries: count(temp, `SELECT count(*) AS n FROM journal_entries`),
    documents: count(temp, `SELECT count(*) AS n FROM mall_documents`),
    byType: sqlite.prepare(`SELECT entry_type, count(*) AS n FROM journal_entries GROUP BY entry_type ORDER BY entry_type`).all(),
    trialBalance: trialBalance(sqlite).lines.map((line) => `${line.accountCode} ${line.debitFen} ${line.creditFen}`),
  };
}

describe('several pages booked in one transaction', () => {
  it('books the same as one page per transaction, and a re-sync books nothing', async () => {
    const perPage = await setup();
    const onePage = await sync(perPage.temp, perPage.mall.url, { transactionRecordsMax: 1 });
    const batched = await setup();
    const manyPages = await sync(batched.temp, batched.mall.url, { transactionRecordsMax: 400 });
    expect(manyPages.entries_posted).toBe(onePage.entries_posted);
    expect(manyPages.fetched).toEqual(onePage.fetched);
    expect(books(batched.temp)).toEqual(books(perPage.temp));
    expect(verifyWorkspace(batched.temp.workspace.sqlite).ok).toBe(true);
    const again = await sync(batched.temp, batched.mall.url, { transactionRecordsMax: 400 });
    expect(again.entries_posted).toBe(0);
  });

  it('a failure in the middle of a run of pages stores none of them and leaves the cursor before them', async () => {
    const clean = await setup();
    await sync(clean.temp, clean.mall.url);
    const expected = books(clean.temp);

    const { mall, temp } = await setup();
    const sqlite = temp.workspace.sqlite;
    // An order far into the list (the run of pages holding it is not the first) fails to store.
    const orderIds = [...dataset.orders].sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id)).map((order) => order.id);
    const failingId = orderIds[Math.floor(orderIds.length * 0.7)];
    sqlite.exec(`CREATE TEMP TRIGGER fail_one_order BEFORE INSERT ON mall_documents WHEN NEW.id = '${failingId}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`);
    const runRecords = 200; // four pages of 50 per transaction
    await expect(sync(temp, mall.url, { transactionRecordsMax: runRecords })).rejects.toThrow(/injected failure/);

    // Whole runs of orders were stored, the failing run not at all, and the cursor stops at its start.
    const storedOrders = count(temp, `SELECT count(*) AS n FROM mall_documents WHERE resource = 'orders'`);
    expect(storedOrders % runRecords).toBe(0);
    expect(storedOrders).toBeGreaterThan(0);
    expect(storedOrders).toBeLessThan(orderIds.indexOf(failingId) + 1);
    const checkpoint = loadCheckpoint(sqlite, 'orders');
    expect(checkpoint.cursor).not.toBeNull();
    expect(count(temp, `SELECT count(*) AS n FROM journal_entries WHERE source_resource = 'orders' AND source_id = ?`, orderIds[storedOrders])).toBe(0);
    expect(count(temp, `SELECT count(*) AS n FROM journal_entries WHERE source_resource = 'orders' AND source_id = ?`, orderIds[storedOrders - 1])).toBeGreaterThan(0);
    expect(verifyWorkspace(sqlite).ok).toBe(true);

    // Resumed: the same books as one clean sync, nothing booked twice.
    sqlite.exec(`DROP TRIGGER temp.fail_one_order`);
    const resumed = await sync(temp, mall.url, { transactionRecordsMax: runRecords });
    expect(resumed.rejected).toEqual([]);
    expect(books(temp)).toEqual(expected);
    expect(verifyWorkspace(sqlite).ok).toBe(true);
  });

  it('a page that cannot be fetched in the middle of a run books none of the run', async () => {
    const { mall, temp } = await setup();
    // Every 7th request fails and nothing retries it: the pull stops inside a resource's pages.
    mall.setFaults({ serverErrorEvery: 7 });
    await expect(sync(temp, mall.url, { transactionRecordsMax: 10_000 })).rejects.toThrow(/unavailable/);
    const stored = count(temp, `SELECT count(*) AS n FROM mall_documents`);
    // The member-balances pages and some whole resources may have landed; no resource is half stored.
    for (const resource of ['members', 'topups', 'points', 'commissions', 'withdrawals', 'refunds', 'orders'] as const) {
      const n = count(temp, `SELECT count(*) AS n FROM mall_documents WHERE resource = ?`, resource);
      expect([0, dataset[resource].length]).toContain(n);
    }
    expect(stored).toBeLessThan(dataset.orders.length);
    mall.setFaults({});
    await sync(temp, mall.url, { transactionRecordsMax: 10_000 });
    const clean = await setup();
    await sync(clean.temp, clean.mall.url);
    expect(books(temp)).toEqual(books(clean.temp));
  });
});
