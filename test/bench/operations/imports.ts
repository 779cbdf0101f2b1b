import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { importChannelFile } from '../../../electron/core/imports';
import { artifactPath } from '../artifacts';
import { BENCH_ADMIN, createBenchWorkspace } from '../data/ledger';
import type { Scale } from '../scales';
import { countLabel, timed, type BenchOperation, type OperationContext, type TimedRun } from './types';

function freshImportWorkspace(context: OperationContext) {
  return createBenchWorkspace(join(context.workDir, 'books.ldw'), '2026-10-01');
}

async function measureImport(context: OperationContext, path: string, expectedRowCount: number): Promise<TimedRun> {
  const workspace = freshImportWorkspace(context);
  try {
    const { value: result, seconds, cpuSeconds } = await timed(() => importChannelFile(workspace, path, { actor: BENCH_ADMIN }));
    if (result.error) throw new Error(`import failed: ${JSON.stringify(result.error)}`);
    if (result.rows !== expectedRowCount) throw new Error(`import read ${result.rows} rows, the bill has ${expectedRowCount}`);
    return { seconds, cpuSeconds, rowCount: result.rows };
  } finally {
    workspace.close();
  }
}

/*
 * The floor (DESIGN.md section 12): a naive split-parse of the same file plus a bare prepared
 * INSERT of the same rows (the same 19 values channel_transactions stores for a bill row) into a
 * fresh encrypted workspace in one transaction, then one index on the natural key. The import
 * keeps a bill row's text once per file in deflated line blocks (channel_file_blocks), its row
 * raw_line is null: the floor stores no raw text at all and so does not pay for those blocks.
 */
const floorColumns = [
  'line_number', 'natural_key', 'channel', 'kind', 'merchant_order_no', 'merchant_refund_no', 'channel_trade_no',
  'channel_refund_no', 'amount_fen', 'order_amount_fen', 'fee_fen', 'currency', 'occurred_at', 'business_date', 'status',
  'account', 'counterparty', 'memo', 'file_id',
];
type FloorRow = (string | number | null)[];

/** '12.34' or '-0.18000' to integer fen by string surgery: a floor, not a validating parser. */
function naiveFen(text: string): number {
  const point = text.indexOf('.');
  if (point === -1) return Number(text) * 100;
  return Number(text.slice(0, point) + text.slice(point + 1, point + 3).padEnd(2, '0'));
}

function wechatFloorRow(line: string, lineNumber: number): FloorRow | null {
  if (line.charCodeAt(0) !== 0x60) return null; // header and summary lines have no backtick
  const fields = line.split(',').map((field) => field.slice(1));
  if (fields.length < 27) return null; // the summary's value row
  const refund = fields[9] === 'REFUND';
  const amount = refund ? -naiveFen(fields[16]) : naiveFen(fields[12]);
  return [
    lineNumber, refund ? `wechat:refund:${fields[14]}` : `wechat:pay:${fields[5]}`, 'wechat', refund ? 'refund' : 'payment',
    fields[6], refund ? fields[15] : null, fields[5], refund ? fields[14] : null, amount, refund ? -naiveFen(fields[25]) : naiveFen(fields[24]),
    naiveFen(fields[22]), 'CNY', `${fields[0].replace(' ', 'T')}+08:00`, fields[0].slice(0, 10), fields[9], fields[3] === '0' ? fields[2] : fields[3], fields[7], fields[20], 1,
  ];
}

function alipayFloorRow(line: string, lineNumber: number): FloorRow | null {
  if (line.charCodeAt(0) === 0x23 || line.startsWith('支付宝交易号')) return null; // '#' preamble and footer, header
  const fields = line.split(',').map((field) => field.trim());
  const refund = fields[2] === '退款';
  const amount = naiveFen(fields[12]);
  return [
    lineNumber, `alipay:${refund ? `refund:${fields[21]}` : `pay:${fields[0]}`}`, 'alipay', refund ? 'refund' : 'payment',
    fields[1], refund ? fields[21] : null, fields[0], null, amount, naiveFen(fields[11]), -naiveFen(fields[22]), 'CNY',
    `${fields[5].replace(' ', 'T')}+08:00`, fields[5].slice(0, 10), fields[2], null, fields[10], fields[24], 1,
  ];
}

async function* wechatLines(path: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const text = pending + decoder.write(chunk as Buffer);
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  pending += decoder.end();
  if (pending) yield pending;
}

/** The zip's first member (the 业务明细), inflated and decoded from GBK: the naive way. */
function* alipayLines(path: string): Generator<string> {
  const zip = readFileSync(path);
  if (zip.readUInt32LE(0) !== 0x04034b50) throw new Error('not a zip');
  const compressedSize = zip.readUInt32LE(18);
  const dataStart = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  const text = iconv.decode(inflateRawSync(zip.subarray(dataStart, dataStart + compressedSize)), 'gbk');
  for (const line of text.split('\r\n')) if (line) yield line;
}

async function measureImportFloor(
  context: OperationContext,
  lines: () => AsyncIterable<string> | Iterable<string>,
  toRow: (line: string, lineNumber: number) => FloorRow | null,
): Promise<TimedRun> {
  const parseOnly = await timed(async () => {
    let count = 0;
    let lineNumber = 0;
    for await (const line of lines()) if (toRow(line, (lineNumber += 1)) !== null) count += 1;
    return count;
  });
  const workspace = freshImportWorkspace(context);
  try {
    const sqlite = workspace.sqlite;
    sqlite.exec(`CREATE TABLE floor_rows (${floorColumns.join(', ')})`);
    const insert = sqlite.prepare(`INSERT INTO floor_rows VALUES (${floorColumns.map(() => '?').join(', ')})`);
    const parseAndInsert = await timed(async () => {
      let count = 0;
      let lineNumber = 0;
      sqlite.exec('BEGIN IMMEDIATE');
      for await (const line of lines()) {
        const row = toRow(line, (lineNumber += 1));
        if (row === null) continue;
        // Spread, as the import binds: an array argument costs about 1 s more per million rows here.
        insert.run(...row);
        count += 1;
      }
      sqlite.exec('COMMIT');
      sqlite.exec('CREATE UNIQUE INDEX floor_rows_natural_key ON floor_rows (natural_key)');
      return count;
    });
    if (parseAndInsert.value !== parseOnly.value) throw new Error('floor passes disagree on the row count');
    return {
      seconds: parseAndInsert.seconds,
      cpuSeconds: parseAndInsert.cpuSeconds,
      rowCount: parseAndInsert.value,
      note: `floor = naive split-parse (${parseOnly.seconds.toFixed(2)} s alone) + bare prepared insert (no raw text: the import keeps it in deflated blocks, the floor not at all) + 1 index, encrypted`,
    };
  } finally {
    workspace.close();
  }
}

export const importWechatOperation: BenchOperation = {
  name: 'import WeChat trade bill',
  size: (scale: Scale) => countLabel(scale.wechatBillRowCount, 'rows'),
  target: { secondsMax: 10, ratioToFloorMax: 2, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: ['wechat-bill'],
  measure: (context) => measureImport(context, artifactPath(context.dataDir, 'wechat-bill'), context.scale.wechatBillRowCount),
  floor: (context) => measureImportFloor(context, () => wechatLines(artifactPath(context.dataDir, 'wechat-bill')), wechatFloorRow),
};

export const importAlipayOperation: BenchOperation = {
  name: 'import Alipay zip',
  size: (scale: Scale) => countLabel(scale.alipayZipRowCount, 'rows'),
  // DESIGN.md section 12 sets no target for the Alipay zip: measured and shown beside its floor.
  target: { secondsMax: null, ratioToFloorMax: null, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: ['alipay-zip'],
  measure: (context) => measureImport(context, artifactPath(context.dataDir, 'alipay-zip'), context.scale.alipayZipRowCount),
  floor: (context) => measureImportFloor(context, () => alipayLines(artifactPath(context.dataDir, 'alipay-zip')), alipayFloorRow),
};
