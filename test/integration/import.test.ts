import { copyFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openChannelFile } from '../../electron/core/channels';
import { wechatTradeBill } from '../../electron/core/channels/bill-writers';
import { importChannelFile, importChannelFiles } from '../../electron/core/imports';
import { withRawLines } from '../../electron/core/imports/raw-lines';
import { generateMallDataset, writeDemoChannelFiles } from '../../electron/core/mall/demo';
import { trialBalance } from '../../electron/core/ledger/queries';
import { verifyWorkspace } from '../../electron/core/workspace';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const admin = { userName: 'admin', role: 'admin' as const };
let temp: TempWorkspace;
afterEach(() => temp?.cleanup());

function count(sqlite: TempWorkspace['workspace']['sqlite'], table: string): number {
  return (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function snapshot(t: TempWorkspace) {
  const sqlite = t.workspace.sqlite;
  return ['import_files', 'channel_transactions', 'channel_file_blocks', 'channel_balances', 'journal_entries', 'postings'].map((table) => count(sqlite, table));
}

describe('channel file import', () => {
  it('imports the demo mall files, posts channel fees, and skips a second import of the same file', async () => {
    temp = createTempWorkspace();
    const dataset = generateMallDataset({ seed: 7, month: '2026-10', orderCount: 300 });
    const written = writeDemoChannelFiles(dataset, join(temp.directory, 'files'));
    const results = await importChannelFiles(temp.workspace, written.files, { actor: admin });
    for (const result of results) expect(result.error, result.file).toBeNull();
    const kinds = new Set(results.map((result) => result.kind));
    expect(kinds).toEqual(new Set(['wechat_trade_all', 'wechat_fundflow', 'alipay_trade', 'bank_camt053']));
    const totalRows = results.reduce((sum, result) => sum + result.rows, 0);
    expect(count(temp.workspace.sqlite, 'channel_transactions')).toBe(totalRows);
    // Every stored row points back to its raw text: its line of the stored file, or its own copy
    // (camt.053 entries span lines). Both give back exactly what the parser read.
    const stored = temp.workspace.sqlite.prepare(`SELECT file_id AS fileId, line_number AS lineNumber, raw_line AS rawLine, natural_key AS naturalKey FROM channel_transactions`).all() as
      { fileId: number; lineNumber: number; rawLine: string | null; naturalKey: string }[];
    const storedText = new Map(withRawLines(temp.workspace.sqlite, stored).map((row) => [row.naturalKey, row.rawLine]));
    for (const file of written.files) {
      const opened = await openChannelFile(file);
      if (!opened.ok) throw new Error(opened.error.reason);
      for await (const row of opened.reader.rows()) expect(storedText.get(row.naturalKey), `${file}:${row.lineNumber}`).toBe(row.rawLine);
    }
    const fromBlocks = stored.filter((row) => row.rawLine === null).length;
    expect(fromBlocks).toBeGreaterThan(stored.length / 2);
    // Fees are posted: 6601 carries the bills' fees.
    const fees = trialBalance(temp.workspace.sqlite).lines.find((line) => line.accountCode === '6601');
    const feeSum = (temp.workspace.sqlite.prepare(`SELECT sum(fee_fen) AS s FROM channel_transactions WHERE channel != 'bank'`).get() as { s: number }).s;
    expect(fees?.balanceFen).toBe(feeSum);
    expect(count(temp.workspace.sqlite, 'channel_balances')).toBeGreaterThan(0);
    const before = snapshot(temp);
    const again = await importChannelFile(temp.workspace, written.files[0], { actor: admin });
    expect(again.skippedDuplicate).toBe(true);
    expect(snapshot(temp)).toEqual(before);
    expect(verifyWorkspace(temp.workspace.sqlite).ok).toBe(true);
  });

  it('stores a channel row found in two overlapping files once', async () => {
    temp = createTempWorkspace();
    const rows = [
      { time: '2026-10-05 10:00:00', tradeNo: '4200000001', orderNo: 'SO1', status: 'SUCCESS' as const, settledFen: 2990, orderFen: 2990, feeFen: 18 },
      { time: '2026-10-05 11:00:00', tradeNo: '4200000002', orderNo: 'SO2', status: 'SUCCESS' as const, settledFen: 1000, orderFen: 1000, feeFen: 6 },
    ];
    const first = join(temp.directory, 'a.csv');
    const second = join(temp.directory, 'b.csv');
    writeFileSync(first, wechatTradeBill('ALL', rows));
    writeFileSync(second, wechatTradeBill('SUCCESS', rows.slice(1)));
    const [a, b] = await importChannelFiles(temp.workspace, [first, second], { actor: admin });
    expect(a).toMatchObject({ rows: 2, overlappingRows: 0, error: null });
    expect(b).toMatchObject({ kind: 'wechat_trade_success', rows: 1, overlappingRows: 1, error: null });
    expect(count(temp.workspace.sqlite, 'channel_transactions')).toBe(2);
    // The overlapping fee is not posted twice.
    expect(trialBalance(temp.workspace.sqlite).lines.find((line) => line.accountCode === '6601')?.balanceFen).toBe(24);
  });

  it('rejects a bad file whole, with file, line and reason, and leaves the workspace unchanged', async () => {
    temp = createTempWorkspace();
    const good = [
      { time: '2026-10-05 10:00:00', tradeNo: '4200000001', orderNo: 'SO1', status: 'SUCCESS' as const, settledFen: 2990, orderFen: 2990, feeFen: 18 },
      { time: '2026-10-05 11:00:00', tradeNo: '4200000002', orderNo: 'SO2', status: 'SUCCESS' as const, settledFen: 1000, orderFen: 1000, feeFen: 6 },
    ];
    const before = snapshot(temp);
    const cases: { name: string; content: string | Buffer; line: number | null }[] = [
      { name: 'totals.csv', content: wechatTradeBill('ALL', good, { summaryOverride: { 应结订单总金额: '39.91' } }), line: null },
      { name: 'broken-amount.csv', content: wechatTradeBill('ALL', good).replace('`29.90', '`29.9x'), line: 2 },
      { name: 'truncated.csv', content: wechatTradeBill('ALL', good).split('\n').slice(0, 3).join('\n'), line: null },
      { name: 'unknown.csv', content: 'a,b,c\n1,2,3\n', line: null },
      { name: 'gbk-garbage.csv', content: Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x81, 0x30, 0xc3, 0x28, 0xa0, 0xa1]), line: null },
    ];
    for (const bad of cases) {
      const path = join(temp.directory, bad.name);
      writeFileSync(path, bad.content);
      const result = await importChannelFile(temp.workspace, path, { actor: admin });
      expect(result.error, bad.name).not.toBeNull();
      expect(result.error?.file).toBe(path);
      expect(result.error?.reason.length).toBeGreaterThan(5);
      if (bad.line !== null) expect(result.error?.line, bad.name).toBe(bad.line);
      expect(snapshot(temp), bad.name).toEqual(before);
    }
    expect(temp.workspace.sqlite.inTransaction).toBe(false);
  });

  it('refuses an auditor', async () => {
    temp = createTempWorkspace();
    const path = join(temp.directory, 'x.csv');
    writeFileSync(path, wechatTradeBill('ALL', []));
    await expect(importChannelFile(temp.workspace, path, { actor: { userName: 'eve', role: 'auditor' } })).rejects.toThrow(/may not/);
  });
});

const samplesDirectory = join(__dirname, '..', '..', '..', 'shared', 'formats', 'samples');
const samplesPresent = (() => {
  try {
    return statSync(samplesDirectory).isDirectory();
  } catch {
    return false;
  }
})();

/** What the parsers alone say about a file: its rows, or the error that rejects it. */
async function parseDirectly(path: string): Promise<{ rows: number } | { error: string }> {
  const opened = await openChannelFile(path);
  if (!opened.ok) return { error: opened.error.reason };
  let rows = 0;
  try {
    for await (const _row of opened.reader.rows()) rows += 1;
    opened.reader.finish();
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { rows };
}

describe.skipIf(!samplesPresent)('the real sample files in ../shared/formats/samples', () => {
  it('imports each sample whole or rejects it whole, as its parser decides (no copy kept in the repository)', async () => {
    temp = createTempWorkspace();
    const names = readdirSync(samplesDirectory).sort();
    let imported = 0;
    for (const name of names) {
      const local = join(temp.directory, name);
      copyFileSync(join(samplesDirectory, name), local);
      const expected = await parseDirectly(local);
      const before = snapshot(temp);
      const result = await importChannelFile(temp.workspace, local, { actor: admin });
      if ('rows' in expected) {
        expect(result.error, `${name}: ${JSON.stringify(result.error)}`).toBeNull();
        expect(result.rows, name).toBe(expected.rows);
        imported += 1;
      } else {
        expect(result.error, name).not.toBeNull();
        expect(snapshot(temp), name).toEqual(before);
      }
    }
    // The WeChat/Alipay captures and the CN bank exports import; trimmed captures and unbalanced library fixtures are rejected whole.
    expect(imported).toBeGreaterThanOrEqual(10);
    expect(verifyWorkspace(temp.workspace.sqlite).ok).toBe(true);
  });
});
