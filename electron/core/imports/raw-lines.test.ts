import { writeFileSync } from 'node:fs';
import { strToU8, zipSync } from 'fflate';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempWorkspace, type TempWorkspace } from '../../../test/support/temp-workspace';
import { wechatTradeBill, type WechatTradeRowSpec } from '../channels/bill-writers';
import { importChannelFile } from './import-files';
import { decodeLineBlock, encodeLineBlock, LineBlockPacker, readRawLine, readRawLines, withRawLines, type StoredLineBlock } from './raw-lines';

const admin = { userName: 'admin', role: 'admin' as const };
let temp: TempWorkspace | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function blocksOf(t: TempWorkspace, fileId: number) {
  return t.workspace.sqlite
    .prepare(`SELECT first_line_number AS first, line_count AS count FROM channel_file_blocks WHERE file_id = ? ORDER BY first_line_number`)
    .all(fileId) as { first: number; count: number }[];
}

function importFileRow(t: TempWorkspace, fileName: string): number {
  const sqlite = t.workspace.sqlite;
  return Number(
    sqlite
      .prepare(`INSERT INTO import_files (file_name, content_sha256, kind, channel, encoding, row_count, inserted_count, overlapping_count, totals_checked, imported_at, imported_by)
        VALUES (?, ?, 'wechat_trade_all', 'wechat', 'utf-8', 0, 0, 0, 0, '2026-10-15T04:00:00.000Z', 'admin')`)
      .run(fileName, `sha-${fileName}`).lastInsertRowid,
  );
}

function insertBlocks(t: TempWorkspace, fileId: number, blocks: StoredLineBlock[]): void {
  const insert = t.workspace.sqlite.prepare(`INSERT INTO channel_file_blocks (file_id, first_line_number, line_count, data) VALUES (?, ?, ?, ?)`);
  for (const block of blocks) insert.run(fileId, block.firstLineNumber, block.lineCount, block.data);
}

function tradeRows(count: number, firstNumber = 1): WechatTradeRowSpec[] {
  return Array.from({ length: count }, (_, index) => {
    const number = firstNumber + index;
    return { time: '2026-10-05 10:00:00', tradeNo: `42000000${number}`, orderNo: `SO${number}`, status: 'SUCCESS' as const, settledFen: 1000 + number, orderFen: 1000 + number, feeFen: 6 };
  });
}

describe('line blocks', () => {
  it('round-trip any lines: empty, CJK, emoji, and line breaks inside a line (xlsx cells)', () => {
    const lines = ['', '交易时间,微信订单号', '😀 a\u0000b', 'cell "one\ntwo",x', '\r', 'x'.repeat(70_000), ''];
    expect(decodeLineBlock(encodeLineBlock(lines))).toEqual(lines);
    expect(decodeLineBlock(encodeLineBlock([]))).toEqual([]);
  });

  it('finds the first and last line of every block, and nothing past the stored lines', () => {
    temp = createTempWorkspace();
    const sqlite = temp.workspace.sqlite;
    const fileId = importFileRow(temp, 'a.csv');
    const otherFileId = importFileRow(temp, 'b.csv');
    // 6,000 lines of 100 characters: several 128 Ki-character blocks, fed in uneven batches.
    const lines = Array.from({ length: 6000 }, (_, index) => `${index + 1}:`.padEnd(100, index % 2 === 0 ? 'a' : '微'));
    const packer = new LineBlockPacker();
    const packed: StoredLineBlock[] = [];
    for (let start = 0; start < lines.length; start += 777) packed.push(...packer.add(lines.slice(start, start + 777), start + 1));
    packed.push(...packer.finish());
    expect(packed.reduce((sum, block) => sum + block.lineCount, 0)).toBe(6000);
    expect(new LineBlockPacker().finish()).toEqual([]);
    insertBlocks(temp, fileId, packed);

    const blocks = blocksOf(temp, fileId);
    expect(blocks.length).toBeGreaterThan(2);
    expect(blocks[0].first).toBe(1);
    for (let index = 1; index < blocks.length; index += 1) expect(blocks[index].first).toBe(blocks[index - 1].first + blocks[index - 1].count);
    for (const block of blocks) {
      expect(readRawLine(sqlite, fileId, block.first)).toBe(lines[block.first - 1]);
      expect(readRawLine(sqlite, fileId, block.first + block.count - 1)).toBe(lines[block.first + block.count - 2]);
    }
    expect(readRawLine(sqlite, fileId, 6001)).toBeNull();
    expect(readRawLine(sqlite, fileId, 0)).toBeNull();
    expect(readRawLine(sqlite, otherFileId, 1)).toBeNull();
    const wanted = [1, 6000, 1500, 2, 1500].map((lineNumber) => ({ fileId, lineNumber }));
    expect(readRawLines(sqlite, wanted)).toEqual([lines[0], lines[5999], lines[1499], lines[1], lines[1499]]);
  });

  it('refuses lines out of order (a bug in the caller, not bad input)', () => {
    const packer = new LineBlockPacker();
    expect(packer.add(['one'], 1)).toEqual([]);
    expect(() => packer.add(['three'], 3)).toThrow(/out of order/);
  });
});

describe('raw lines of imported files', () => {
  it('keeps every line of a bill without a final newline (CRLF), rows pointing at theirs', async () => {
    temp = createTempWorkspace();
    const text = wechatTradeBill('ALL', tradeRows(1200), { eol: '\r\n', finalNewline: false });
    const path = join(temp.directory, 'bill.csv');
    writeFileSync(path, text);
    const result = await importChannelFile(temp.workspace, path, { actor: admin });
    expect(result.error).toBeNull();
    const sqlite = temp.workspace.sqlite;
    const fileLines = text.split('\r\n');
    const fileId = (sqlite.prepare(`SELECT id FROM import_files`).get() as { id: number }).id;
    const stored = blocksOf(temp, fileId);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.at(-1)!.first + stored.at(-1)!.count - 1).toBe(fileLines.length);
    expect(readRawLine(sqlite, fileId, fileLines.length)).toBe(fileLines.at(-1)); // the summary row, no newline after it
    expect(readRawLine(sqlite, fileId, 1)).toBe(fileLines[0]);
    const rows = sqlite.prepare(`SELECT file_id AS fileId, line_number AS lineNumber, raw_line AS rawLine, merchant_order_no AS orderNo FROM channel_transactions ORDER BY id`).all() as
      { fileId: number; lineNumber: number; rawLine: string | null; orderNo: string }[];
    expect(rows).toHaveLength(1200);
    expect(rows.every((row) => row.rawLine === null)).toBe(true);
    for (const row of withRawLines(sqlite, rows)) {
      expect(row.rawLine).toBe(fileLines[row.lineNumber - 1]);
      expect(row.rawLine).toContain(`\`${row.orderNo},`);
    }
  });

  it('re-importing overlapping bills stores each row once; rows keep pointing at the file that brought them', async () => {
    temp = createTempWorkspace();
    const first = join(temp.directory, 'a.csv');
    const second = join(temp.directory, 'b.csv');
    writeFileSync(first, wechatTradeBill('ALL', tradeRows(300, 1), { eol: '\n', finalNewline: true }));
    writeFileSync(second, wechatTradeBill('ALL', tradeRows(300, 201), { eol: '\n', finalNewline: true }));
    expect((await importChannelFile(temp.workspace, first, { actor: admin })).rows).toBe(300);
    const overlapping = await importChannelFile(temp.workspace, second, { actor: admin });
    expect(overlapping).toMatchObject({ rows: 300, overlappingRows: 100, error: null });
    const again = await importChannelFile(temp.workspace, second, { actor: admin });
    expect(again.skippedDuplicate).toBe(true);
    const sqlite = temp.workspace.sqlite;
    expect((sqlite.prepare(`SELECT count(*) AS n FROM channel_transactions`).get() as { n: number }).n).toBe(500);
    expect((sqlite.prepare(`SELECT count(DISTINCT natural_key) AS n FROM channel_transactions`).get() as { n: number }).n).toBe(500);
    const rows = sqlite.prepare(`SELECT c.file_id AS fileId, c.line_number AS lineNumber, c.raw_line AS rawLine, c.merchant_order_no AS orderNo, f.file_name AS fileName
      FROM channel_transactions c JOIN import_files f ON f.id = c.file_id`).all() as { fileId: number; lineNumber: number; rawLine: string | null; orderNo: string; fileName: string }[];
    for (const row of withRawLines(sqlite, rows)) {
      expect(row.rawLine).toContain(`\`${row.orderNo},`);
      expect(row.fileName).toBe(Number(row.orderNo.slice(2)) <= 300 ? 'a.csv' : 'b.csv');
    }
  });

  it('a zip of two bills: the first member\'s lines are stored once, rows of the second keep their own text', async () => {
    temp = createTempWorkspace();
    const firstBill = wechatTradeBill('ALL', tradeRows(50, 1), { eol: '\n' });
    const secondBill = wechatTradeBill('ALL', tradeRows(50, 101), { eol: '\n' });
    const path = join(temp.directory, 'bills.zip');
    writeFileSync(path, zipSync({ 'a.csv': strToU8(firstBill), 'b.csv': strToU8(secondBill) }));
    const result = await importChannelFile(temp.workspace, path, { actor: admin });
    expect(result).toMatchObject({ rows: 100, error: null });
    const sqlite = temp.workspace.sqlite;
    const rows = sqlite.prepare(`SELECT file_id AS fileId, line_number AS lineNumber, raw_line AS rawLine, merchant_order_no AS orderNo FROM channel_transactions ORDER BY id`).all() as
      { fileId: number; lineNumber: number; rawLine: string | null; orderNo: string }[];
    expect(rows.filter((row) => row.rawLine === null).map((row) => row.orderNo)).toEqual(tradeRows(50, 1).map((row) => row.orderNo));
    const firstLines = firstBill.split('\n');
    const secondLines = secondBill.split('\n');
    for (const row of withRawLines(sqlite, rows)) {
      const fromFirst = Number(row.orderNo.slice(2)) <= 50;
      expect(row.rawLine).toBe((fromFirst ? firstLines : secondLines)[row.lineNumber - 1]);
    }
  });

  it('a rejected bill leaves no blocks behind', async () => {
    temp = createTempWorkspace();
    const lines = wechatTradeBill('ALL', tradeRows(500), { eol: '\n' }).split('\n');
    lines[450] = lines[450].replace('`SUCCESS', '`BOGUS');
    const path = join(temp.directory, 'bad.csv');
    writeFileSync(path, lines.join('\n'));
    const result = await importChannelFile(temp.workspace, path, { actor: admin });
    expect(result.error).toMatchObject({ line: 451 });
    const sqlite = temp.workspace.sqlite;
    for (const table of ['import_files', 'channel_transactions', 'channel_file_blocks']) {
      expect((sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n, table).toBe(0);
    }
  });
});
