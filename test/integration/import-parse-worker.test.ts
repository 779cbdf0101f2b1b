import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openWorkspaceDatabase } from '../../db/open';
import { wechatTradeBill } from '../../electron/core/channels/bill-writers';
import { importChannelFile, importChannelFiles, useChannelParseWorker, type ChannelParseWorkerFactory } from '../../electron/core/imports';
import { PARSE_ON_WORKER_FILE_BYTES_MIN } from '../../electron/core/imports/parsed-file';
import { generateMallDataset, writeDemoChannelFiles } from '../../electron/core/mall/demo';
import { writeAlipayTradeZip, writeWechatTradeBill } from '../bench/data/channel-bills';
import { createTempWorkspace, TEST_PASSPHRASE, type TempWorkspace } from '../support/temp-workspace';

/*
 * Imports parse on a worker thread in the CLI, the bench and the app (the bundle the CLI build
 * writes beside itself; vitest's global setup builds it), and on the importing thread where no
 * worker is registered. Both must store exactly the same thing and refuse exactly the same files.
 */

const WORKER_BUNDLE = join(__dirname, '..', '..', 'out', 'cli', 'channel-parse-worker.cjs');
const admin = { userName: 'admin', role: 'admin' as const };
const workspaces: TempWorkspace[] = [];
let workerStarts = 0;

const bundledWorker: ChannelParseWorkerFactory = (request) => {
  workerStarts += 1;
  return new Worker(WORKER_BUNDLE, { workerData: request });
};

beforeAll(() => {
  expect(existsSync(WORKER_BUNDLE), `${WORKER_BUNDLE} (built by test/support/global-setup.ts)`).toBe(true);
});

afterEach(() => {
  useChannelParseWorker(null);
  for (const workspace of workspaces.splice(0)) workspace.cleanup();
});

function freshWorkspace(): TempWorkspace {
  const temp = createTempWorkspace();
  workspaces.push(temp);
  return temp;
}

/** Everything an import writes, ids included (both workspaces start empty and number alike). */
function storedState(temp: TempWorkspace) {
  const sqlite = temp.workspace.sqlite;
  const all = (sql: string) => sqlite.prepare(sql).all();
  return {
    files: all(`SELECT * FROM import_files ORDER BY id`),
    rows: all(`SELECT * FROM channel_transactions ORDER BY id`),
    blocks: all(`SELECT id, file_id, first_line_number, line_count, hex(data) AS data FROM channel_file_blocks ORDER BY id`),
    balances: all(`SELECT * FROM channel_balances ORDER BY id`),
    postings: all(`SELECT p.account_code, p.debit_fen, p.credit_fen, e.source_resource, e.source_id FROM postings p JOIN journal_entries e ON e.id = p.entry_id ORDER BY p.id`),
  };
}

async function importBothWays(files: (directory: string) => string[]) {
  const here = freshWorkspace();
  const hereResults = await importChannelFiles(here.workspace, files(here.directory), { actor: admin });
  // Every file, however small, goes to the worker here.
  useChannelParseWorker(bundledWorker, { fileBytesMin: 0 });
  const startsBefore = workerStarts;
  const onWorker = freshWorkspace();
  const workerResults = await importChannelFiles(onWorker.workspace, files(onWorker.directory), { actor: admin });
  useChannelParseWorker(null);
  const withoutDirectory = (results: typeof hereResults, directory: string): typeof hereResults => JSON.parse(JSON.stringify(results).replaceAll(directory, '<dir>'));
  return {
    here: { results: withoutDirectory(hereResults, here.directory), state: storedState(here) },
    worker: { results: withoutDirectory(workerResults, onWorker.directory), state: storedState(onWorker) },
    workerStarts: workerStarts - startsBefore,
  };
}

describe('parsing on a worker thread', () => {
  it('stores the demo files (WeChat trade and fund flow, Alipay, camt.053) exactly as parsing here does', async () => {
    const dataset = generateMallDataset({ seed: 11, month: '2026-10', orderCount: 400 });
    // One day's file of each kind, and the month's bank statement: a worker start costs ~0.25 s.
    const someOfEachKind = (files: string[]) => files.filter((file) => /20261001|20261015|camt053/.test(file));
    const outcome = await importBothWays((directory) => someOfEachKind(writeDemoChannelFiles(dataset, join(directory, 'files')).files));
    expect(outcome.here.results.length).toBe(7);
    expect(outcome.workerStarts).toBe(outcome.here.results.length);
    for (const result of outcome.worker.results) expect(result.error, result.file).toBeNull();
    expect(outcome.worker.state.rows.length).toBeGreaterThan(50);
    expect(outcome.worker.results).toEqual(outcome.here.results);
    expect(outcome.worker.state).toEqual(outcome.here.state);
  });

  it('stores large files alike: a 12,000-row WeChat bill (many batches) and a 10,000-row Alipay zip member (one batch of lines, split)', async () => {
    const outcome = await importBothWays((directory) => {
      const wechat = join(directory, 'wechat.csv');
      const alipay = join(directory, 'alipay.csv.zip');
      writeWechatTradeBill(wechat, { seed: 3, rowCount: 12_000 });
      writeAlipayTradeZip(alipay, { seed: 4, rowCount: 10_000 });
      return [wechat, alipay];
    });
    expect(outcome.worker.results.map((result) => [result.rows, result.error])).toEqual([
      [12_000, null],
      [10_000, null],
    ]);
    expect(outcome.worker.state.blocks.length).toBeGreaterThan(10);
    expect(outcome.worker.state).toEqual(outcome.here.state);
  });

  it('refuses the same bad files with the same file, line and reason, leaving the workspace unchanged', async () => {
    const good = [
      { time: '2026-10-05 10:00:00', tradeNo: '4200000001', orderNo: 'SO1', status: 'SUCCESS' as const, settledFen: 2990, orderFen: 2990, feeFen: 18 },
      { time: '2026-10-05 11:00:00', tradeNo: '4200000002', orderNo: 'SO2', status: 'SUCCESS' as const, settledFen: 1000, orderFen: 1000, feeFen: 6 },
    ];
    const bad: [string, string | Buffer][] = [
      ['totals.csv', wechatTradeBill('ALL', good, { summaryOverride: { 应结订单总金额: '39.91' } })],
      ['broken-amount.csv', wechatTradeBill('ALL', good).replace('`29.90', '`29.9x')],
      ['truncated.csv', wechatTradeBill('ALL', good).split('\n').slice(0, 3).join('\n')],
      ['unknown.csv', 'a,b,c\n1,2,3\n'],
      ['garbage.csv', Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x81, 0x30, 0xc3, 0x28, 0xa0, 0xa1])],
      ['missing.csv', ''],
    ];
    const outcome = await importBothWays((directory) =>
      bad.map(([name, content]) => {
        const path = join(directory, name);
        if (name !== 'missing.csv') writeFileSync(path, content);
        return path;
      }),
    );
    expect(outcome.worker.results.every((result) => result.error !== null)).toBe(true);
    expect(outcome.worker.results.find((result) => result.file.endsWith('broken-amount.csv'))?.error?.line).toBe(2);
    expect(outcome.worker.results).toEqual(outcome.here.results);
    expect(outcome.worker.state).toEqual(outcome.here.state);
    expect(outcome.worker.state.files).toEqual([]);
  });

  it('sends only files of PARSE_ON_WORKER_FILE_BYTES_MIN or more to the worker: a day\'s small bill parses here', async () => {
    const temp = freshWorkspace();
    const small = join(temp.directory, 'small.csv');
    const large = join(temp.directory, 'large.csv');
    writeWechatTradeBill(small, { seed: 5, rowCount: 100 });
    writeWechatTradeBill(large, { seed: 6, rowCount: 20_000 });
    expect(statSync(large).size).toBeGreaterThanOrEqual(PARSE_ON_WORKER_FILE_BYTES_MIN);
    useChannelParseWorker(bundledWorker);
    const startsBefore = workerStarts;
    const [smallResult, largeResult] = await importChannelFiles(temp.workspace, [small, large], { actor: admin });
    expect([smallResult.rows, largeResult.rows, smallResult.error, largeResult.error]).toEqual([100, 20_000, null, null]);
    expect(workerStarts - startsBefore).toBe(1);
  });

  it('stops its worker when the import cannot begin (another writer holds the workspace), so no thread is left running', async () => {
    const temp = freshWorkspace();
    const path = join(temp.directory, 'bill.csv');
    writeFileSync(path, wechatTradeBill('ALL', []));
    let exited = false;
    useChannelParseWorker(
      (request) => {
        const worker = bundledWorker(request);
        worker.on('exit', () => (exited = true));
        return worker;
      },
      { fileBytesMin: 0 },
    );
    const other = openWorkspaceDatabase({ path: temp.path, passphrase: TEST_PASSPHRASE });
    if (!other.ok) throw new Error(other.error.message);
    other.database.sqlite.exec('BEGIN IMMEDIATE');
    temp.workspace.sqlite.pragma('busy_timeout = 0');
    try {
      await expect(importChannelFile(temp.workspace, path, { actor: admin })).rejects.toThrow(/locked|busy/i);
      await vi.waitFor(() => expect(exited).toBe(true));
    } finally {
      other.database.sqlite.exec('ROLLBACK');
      other.database.sqlite.close();
    }
    expect(storedState(temp).files).toEqual([]);
  });

  it('a worker that dies mid-file is our failure, not the file\'s: the import throws and the transaction is rolled back', async () => {
    const temp = freshWorkspace();
    const path = join(temp.directory, 'bill.csv');
    writeFileSync(path, wechatTradeBill('ALL', []));
    const before = storedState(temp);
    useChannelParseWorker(
      () =>
        new Worker(
          `const { parentPort } = require('node:worker_threads');
           parentPort.postMessage({ type: 'opened', kind: 'wechat_trade_all', channel: 'wechat', encoding: 'utf-8' });
           setTimeout(() => process.exit(3), 20);`,
          { eval: true },
        ),
      { fileBytesMin: 0 },
    );
    await expect(importChannelFile(temp.workspace, path, { actor: admin })).rejects.toThrow(/parse worker/);
    expect(temp.workspace.sqlite.inTransaction).toBe(false);
    expect(storedState(temp)).toEqual(before);
  });
});
