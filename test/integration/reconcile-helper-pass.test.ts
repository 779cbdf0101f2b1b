import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth';
import { importChannelFiles } from '../../electron/core/imports';
import { generateMallDataset, startDemoMall, writeDemoChannelFiles, type DemoMall } from '../../electron/core/mall/demo';
import { syncFromMall } from '../../electron/core/mall/sync';
import { runReconciliation, useReconcilePassWorker, type ReconcilePassWorkerFactory, type ReconcileSummary } from '../../electron/core/reconcile';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

/*
 * A large run decides half its channel rows on a worker thread with its own connection (the CLI,
 * the bench and the app register the bundle; vitest's global setup builds it). With or without
 * the worker, a run must store exactly the same items, pairs and figures; a worker that fails
 * must fail the run and leave the workspace as it was, and no scratch file behind.
 */

const WORKER_BUNDLE = join(__dirname, '..', '..', 'out', 'cli', 'reconcile-pass-worker.cjs');
const token = 'demo-token-for-helper-pass';
const admin: Actor = { userName: 'admin', role: 'admin' };

let mall: DemoMall;
let filesDir: string;
let channelFiles: string[];
let temp: TempWorkspace;
let workerStarts = 0;

const bundledWorker: ReconcilePassWorkerFactory = (request) => {
  workerStarts += 1;
  return new Worker(WORKER_BUNDLE, { workerData: request });
};

beforeAll(async () => {
  expect(existsSync(WORKER_BUNDLE), `${WORKER_BUNDLE} (built by test/support/global-setup.ts)`).toBe(true);
  const dataset = generateMallDataset({ seed: 20262, month: '2026-10', orderCount: 400 });
  mall = await startDemoMall({ dataset, port: 0, token });
  filesDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-helper-pass-files-'));
  channelFiles = writeDemoChannelFiles(dataset, filesDir).files;
  temp = createTempWorkspace({ booksStartDate: '2026-10-01', now: '2026-11-03T02:00:00.000Z' });
  const synced = await syncFromMall(temp.workspace, { url: mall.url, token, actorName: 'admin', pageSize: 200, client: { sleep: async () => undefined, timeoutMs: 5000 } });
  expect(synced.rejected).toEqual([]);
  const imported = await importChannelFiles(temp.workspace, channelFiles, { actor: admin });
  expect(imported.filter((result) => result.error !== null)).toEqual([]);
});

afterEach(() => useReconcilePassWorker(null));

afterAll(async () => {
  temp?.cleanup();
  await mall?.close();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
});

/** Everything a run stores, in a fixed order, without run ids. */
function stored(): { items: unknown[]; pairs: unknown[]; days: unknown[] } {
  const sqlite = temp.workspace.sqlite;
  return {
    items: sqlite
      .prepare(
        `SELECT item_key, kind, channel, status, category, mall_resource, mall_id, order_no, refund_no, channel_trade_no, channel_transaction_id,
           mall_amount_fen, channel_amount_fen, difference_fen, expected_fee_fen, channel_fee_fen, business_date FROM reconciliation_results ORDER BY item_key`,
      )
      .all(),
    pairs: sqlite.prepare(`SELECT * FROM reconciliation_matches ORDER BY channel_transaction_id`).all(),
    days: sqlite.prepare(`SELECT * FROM reconciliation_match_days ORDER BY business_date, channel, kind`).all(),
  };
}

function forgetRuns(): void {
  temp.workspace.sqlite.exec(`DELETE FROM reconciliation_results; DELETE FROM reconciliation_matches; DELETE FROM reconciliation_match_days;`);
}

function figures(summary: ReconcileSummary): Omit<ReconcileSummary, 'runId'> {
  const { runId: _runId, ...rest } = summary;
  return rest;
}

function scratchFiles(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`ledgerdesk-reconcile-${process.pid}-`));
}

describe('the matching pass split with a worker thread', () => {
  it('stores the same items, pairs and figures as a run on one thread, and a rerun writes nothing', () => {
    forgetRuns();
    const alone = runReconciliation(temp.workspace, admin);
    const aloneStored = stored();
    expect(alone.matched).toBeGreaterThan(300);
    expect(alone.openDiscrepancies).toBeGreaterThan(5);

    forgetRuns();
    useReconcilePassWorker(bundledWorker, { rowsMin: 1 });
    const startsBefore = workerStarts;
    const split = runReconciliation(temp.workspace, admin);
    expect(workerStarts).toBe(startsBefore + 1);
    expect(figures(split)).toEqual(figures(alone));
    expect(stored()).toEqual(aloneStored);
    expect(runReconciliation(temp.workspace, admin).changes).toEqual({ written: 0, removed: 0 });
    expect(scratchFiles()).toEqual([]);
  });

  it('leaves the set to one thread when it is smaller than the worker is worth, or inside a caller\'s transaction', () => {
    useReconcilePassWorker(bundledWorker);
    const startsBefore = workerStarts;
    runReconciliation(temp.workspace, admin);
    expect(workerStarts).toBe(startsBefore);
    // A worker's connection would not see the caller's uncommitted writes (here: a pair deleted).
    useReconcilePassWorker(bundledWorker, { rowsMin: 1 });
    const sqlite = temp.workspace.sqlite;
    const summary = sqlite.transaction(() => {
      sqlite.exec(`DELETE FROM reconciliation_matches WHERE channel_transaction_id = (SELECT min(channel_transaction_id) FROM reconciliation_matches)`);
      return runReconciliation(temp.workspace, admin);
    })();
    expect(workerStarts).toBe(startsBefore);
    expect(summary.changes).toEqual({ written: 1, removed: 0 });
  });

  it('fails the run when the worker fails, with its reason, and leaves the workspace and no scratch file', () => {
    forgetRuns();
    runReconciliation(temp.workspace, admin);
    const before = stored();
    const runs = (temp.workspace.sqlite.prepare(`SELECT count(*) AS n FROM reconciliation_runs`).get() as { n: number }).n;
    useReconcilePassWorker((request) => new Worker(WORKER_BUNDLE, { workerData: { ...request, passphrase: 'not the passphrase' } }), { rowsMin: 1 });
    temp.workspace.sqlite.exec(`DELETE FROM reconciliation_matches WHERE channel_transaction_id IN (SELECT channel_transaction_id FROM reconciliation_matches LIMIT 3)`);
    const damaged = stored();
    expect(() => runReconciliation(temp.workspace, admin)).toThrow(/reconciliation pass worker failed: .*not a database/);
    expect(stored()).toEqual(damaged);
    expect(damaged.pairs.length).toBe(before.pairs.length - 3);
    expect((temp.workspace.sqlite.prepare(`SELECT count(*) AS n FROM reconciliation_runs`).get() as { n: number }).n).toBe(runs);
    expect(scratchFiles()).toEqual([]);
    expect(temp.workspace.sqlite.prepare(`SELECT name FROM pragma_database_list ORDER BY seq`).all()).toEqual([{ name: 'main' }]);
  });
});
