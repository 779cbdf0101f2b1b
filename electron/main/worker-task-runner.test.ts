import { build, type Plugin } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/calendar/shanghai';
import { LedgerdeskError } from '../core/errors';
import { PARSE_ON_WORKER_FILE_BYTES_MIN } from '../core/imports/parsed-file';
import { writeWechatTradeBill } from '../../test/bench/data/channel-bills';
import { generateMallDataset, startDemoMall } from '../core/mall/demo';
import { saveMallConnection } from '../core/mall/sync';
import { createWorkspace, openWorkspace } from '../core/workspace';
import type { TaskRunner } from './tasks';
import { createWorkerTaskRunner, TASK_WORKER_YOUNG_GENERATION_MB } from './worker-task-runner';

/**
 * The long operations in a real worker thread, as the Electron shell runs them: task-worker.ts is
 * bundled the way electron-vite bundles it (CommonJS, node_modules external), then the close,
 * backup and verify tasks run in it. Results and errors must cross the thread boundary as plain
 * data (structured clone), with progress on the way.
 */
const NOW = '2026-11-02T02:00:00.000Z';
const PASSPHRASE = 'worker passphrase 2026';
const actor = { userName: 'admin', role: 'admin' as const };

const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
} as const;

/**
 * electron-vite's `?nodeWorker` imports, the way it builds them: the imported file becomes a
 * bundle of its own and the import a factory of Workers running it. Each start is written to
 * `marker`, so a test can see that the nested worker really ran.
 */
function nodeWorkerImports(outDirectory: string, marker: string): Plugin {
  return {
    name: 'node-worker-imports',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /\?nodeWorker$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.replace(/\?nodeWorker$/, '.ts')), namespace: 'node-worker' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'node-worker' }, async (args) => {
        const outfile = join(outDirectory, `${basename(args.path, '.ts')}.cjs`);
        await build({ ...bundleOptions, entryPoints: [args.path], outfile });
        return {
          contents: `const { Worker } = require('node:worker_threads');
            module.exports = (options) => { require('node:fs').appendFileSync(${JSON.stringify(marker)}, 'start\\n'); return new Worker(${JSON.stringify(outfile)}, options); };`,
          loader: 'js',
        };
      });
    },
  };
}

describe('worker task runner (real worker_threads)', () => {
  let parseWorkerMarker: string;
  let bundleDirectory: string;
  let directory: string;
  let workspacePath: string;
  let runner: TaskRunner;

  beforeAll(async () => {
    // Inside the project, so the bundle finds node_modules (the native SQLite module) like out/main does.
    mkdirSync(resolve('out'), { recursive: true });
    bundleDirectory = mkdtempSync(join(resolve('out'), 'test-task-worker-'));
    const workerFile = join(bundleDirectory, 'task-worker.cjs');
    parseWorkerMarker = join(bundleDirectory, 'parse-worker-starts.txt');
    await build({ ...bundleOptions, entryPoints: ['electron/main/task-worker.ts'], outfile: workerFile, plugins: [nodeWorkerImports(bundleDirectory, parseWorkerMarker)] });
    runner = createWorkerTaskRunner((options) => new Worker(workerFile, options));
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-worker-runner-'));
    workspacePath = join(directory, 'books.ldw');
    createWorkspace({ path: workspacePath, passphrase: PASSPHRASE, companyName: '示例商城', adminName: 'admin', adminPassword: 'admin-password-1', booksStartDate: '2026-10-01', clock: fixedClock(NOW) }).close();
  }, 120_000);

  afterAll(() => {
    if (bundleDirectory) rmSync(bundleDirectory, { recursive: true, force: true });
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('closes a month in the worker and reports progress; the answer is plain data', async () => {
    const progress: string[] = [];
    const result = await runner.run('close', { path: workspacePath, passphrase: PASSPHRASE, actor, now: NOW, month: '2026-10' }, (label) => progress.push(label));
    expect(result.figures.month).toBe('2026-10');
    expect(typeof result.closed).toBe('boolean');
    expect(progress).toContain('close');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('backs up in the worker; a refusal comes back as the coded error, not a crash', async () => {
    const outFile = join(directory, 'books.ldbak');
    const backup = await runner.run('backup', { path: workspacePath, passphrase: PASSPHRASE, actor, now: NOW, outFile }, () => undefined);
    expect(backup.file).toBe(outFile);
    expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = runner.run('backup', { path: workspacePath, passphrase: PASSPHRASE, actor, now: NOW, outFile }, () => undefined);
    await expect(again).rejects.toBeInstanceOf(LedgerdeskError);
    await expect(again).rejects.toMatchObject({ code: 'conflict' });
    const wrong = runner.run('verify', { path: workspacePath, passphrase: 'not the passphrase' }, () => undefined);
    await expect(wrong).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });

  it('imports a large bill in the task worker, parsing it on a worker of its own', async () => {
    const bill = join(directory, 'wechat-tradebill-ALL-20261001.csv');
    writeWechatTradeBill(bill, { seed: 9, rowCount: 20_000 });
    expect(statSync(bill).size).toBeGreaterThanOrEqual(PARSE_ON_WORKER_FILE_BYTES_MIN);
    const progress: number[] = [];
    const result = await runner.run('import', { path: workspacePath, passphrase: PASSPHRASE, actor, now: NOW, files: [bill] }, (_label, done) => progress.push(done));
    expect(result.files).toMatchObject([{ kind: 'wechat_trade_all', rows: 20_000, error: null }]);
    expect(progress.length).toBeGreaterThan(0);
    expect(readFileSync(parseWorkerMarker, 'utf8')).toBe('start\n');
  });

  it('syncs in the task worker, reading the long passes on a worker of its own', async () => {
    const token = 'task-worker-sync-token';
    // 1,200 orders: the orders pass has two pages of 1,000, so the sync starts its page worker.
    const mall = await startDemoMall({ dataset: generateMallDataset({ seed: 1204, month: '2026-10', orderCount: 1200 }), token });
    try {
      const syncPath = join(directory, 'synced.ldw');
      const created = createWorkspace({ path: syncPath, passphrase: PASSPHRASE, companyName: '示例商城', adminName: 'admin', adminPassword: 'admin-password-1', booksStartDate: '2026-10-01', clock: fixedClock(NOW) });
      saveMallConnection(created, { url: mall.url, token }, 'admin');
      created.close();
      const startsBefore = readFileSync(parseWorkerMarker, 'utf8').length;
      const progress: string[] = [];
      const result = await runner.run('sync', { path: syncPath, passphrase: PASSPHRASE, actor, now: NOW }, (label) => progress.push(label));
      expect(result.fetched.orders).toBe(1200);
      expect(result.rejected).toEqual([]);
      expect(progress).toContain('sync:orders');
      expect(readFileSync(parseWorkerMarker, 'utf8').length - startsBefore).toBe('start\n'.length);
      const synced = openWorkspace({ path: syncPath, passphrase: PASSPHRASE, clock: fixedClock(NOW) });
      try {
        expect(synced.sqlite.prepare(`SELECT count(*) AS n FROM mall_documents WHERE resource = 'orders'`).get()).toEqual({ n: 1200 });
      } finally {
        synced.close();
      }
    } finally {
      await mall.close();
    }
  }, 60_000);

  it('verifies the backup copy in the worker', async () => {
    const result = await runner.run('verify', { path: join(directory, 'books.ldbak'), passphrase: PASSPHRASE }, () => undefined);
    expect(result.ok).toBe(true);
    writeFileSync(join(directory, 'not-a-workspace.ldw'), 'plain text');
    await expect(runner.run('verify', { path: join(directory, 'not-a-workspace.ldw'), passphrase: PASSPHRASE }, () => undefined)).rejects.toMatchObject({ code: expect.stringMatching(/^(not_a_workspace|wrong_passphrase|workspace_damaged)$/) });
  });
});

describe('task worker options', () => {
  it('gives every task worker the larger young generation', async () => {
    const seen: unknown[] = [];
    const runner = createWorkerTaskRunner((options) => {
      seen.push(options.resourceLimits);
      // A worker that answers at once, so the runner's promise settles.
      return new Worker('require("node:worker_threads").parentPort.postMessage({ type: "result", value: 1 })', { ...options, eval: true });
    });
    await expect(runner.run('verify', { path: 'unused', passphrase: 'unused' }, () => undefined)).resolves.toBe(1);
    expect(seen).toEqual([{ maxYoungGenerationSizeMb: TASK_WORKER_YOUNG_GENERATION_MB }]);
    expect(TASK_WORKER_YOUNG_GENERATION_MB).toBeGreaterThan(48); // above V8's default (3 x 16 MB)
  });
});
