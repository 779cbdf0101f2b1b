import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import { toStoredInstant } from '../calendar/shanghai';
import {
  ChannelFileParseError,
  openChannelFile,
  type BankColumnMapping,
  type ChannelFileError,
  type ChannelFileKind,
  type ChannelName,
  type ChannelRow,
  type ChannelRowBatch,
} from '../channels';
import { PeriodClosedError, postEntry } from '../ledger/post';
import { channelFeeEntry } from '../ledger/rules';
import { fen } from '../money';
import type { Workspace } from '../workspace';
import { RawLineBlockWriter } from './raw-lines';
import { StoredInstantCache } from './stored-instant';

export interface ImportedFileResult {
  file: string;
  kind: ChannelFileKind | null;
  channel: ChannelName | null;
  rows: number;
  /** Rows already known from an overlapping file, stored once. */
  overlappingRows: number;
  skippedDuplicate: boolean;
  error: ChannelFileError | null;
}

export interface ImportOptions {
  actor: Actor;
  bankMapping?: BankColumnMapping;
  onProgress?: (file: string, rowsDone: number) => void;
}

/** Progress is reported after about this many rows. */
const PROGRESS_ROW_COUNT = 5000;

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function feeDayKey(row: ChannelRow): string {
  return `${row.channel}|${row.businessDate}`;
}

/**
 * Imports one file in one transaction: every row or none. A duplicate file (same content hash)
 * is reported and skipped; rows already stored from an overlapping file are stored once.
 * Channel fees of the new rows are posted per channel and business date (Dr 6601, Cr clearing).
 */
export async function importChannelFile(workspace: Workspace, path: string, options: ImportOptions): Promise<ImportedFileResult> {
  requirePermission(options.actor, 'import.run');
  const fileName = basename(path);
  const result: ImportedFileResult = { file: path, kind: null, channel: null, rows: 0, overlappingRows: 0, skippedDuplicate: false, error: null };
  const sqlite = workspace.sqlite;
  let contentSha256: string;
  try {
    contentSha256 = await sha256OfFile(path);
  } catch (error) {
    result.error = { file: path, line: null, reason: `cannot read the file: ${(error as Error).message}` };
    return result;
  }
  const known = sqlite.prepare(`SELECT kind, channel, row_count FROM import_files WHERE content_sha256 = ?`).get(contentSha256) as
    | { kind: ChannelFileKind; channel: ChannelName; row_count: number }
    | undefined;
  if (known) {
    return { ...result, kind: known.kind, channel: known.channel, rows: known.row_count, skippedDuplicate: true };
  }
  const opened = await openChannelFile(path, { bankMapping: options.bankMapping });
  if (!opened.ok) return { ...result, error: { ...opened.error, file: path } };
  const reader = opened.reader;
  result.kind = reader.kind;
  result.channel = reader.channel;

  const now = workspace.clock.now();
  const insertFile = sqlite.prepare(
    `INSERT INTO import_files (file_name, content_sha256, kind, channel, encoding, row_count, inserted_count, overlapping_count,
       totals_checked, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?)`,
  );
  const insertRow = sqlite.prepare(
    `INSERT OR IGNORE INTO channel_transactions (file_id, line_number, raw_line, natural_key, channel, kind, merchant_order_no,
       merchant_refund_no, channel_trade_no, channel_refund_no, amount_fen, order_amount_fen, fee_fen, currency, occurred_at,
       business_date, status, account, counterparty, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const storedInstants = new StoredInstantCache();

  /** Inserts a batch's rows; the row keeps its own text only when it is not simply its line of the stored file. */
  function insertRows(fileId: number, batch: ChannelRowBatch, feesByDay: Map<string, number>): number {
    let inserted = 0;
    for (const row of batch.rows) {
      const ownText = batch.partIndex === 0 && batch.lines[row.lineNumber - batch.firstLineNumber] === row.rawLine ? null : row.rawLine;
      const change = insertRow.run(
        fileId,
        row.lineNumber,
        ownText,
        row.naturalKey,
        row.channel,
        row.kind,
        row.merchantOrderNo,
        row.merchantRefundNo,
        row.channelTradeNo,
        row.channelRefundNo,
        row.amountFen,
        row.orderAmountFen,
        row.feeFen,
        row.currency,
        storedInstants.of(row.occurredAt),
        row.businessDate,
        row.status,
        row.account,
        row.counterparty,
        row.memo,
      );
      if (change.changes === 1) {
        inserted += 1;
        if (row.feeFen !== 0 && row.channel !== 'bank') feesByDay.set(feeDayKey(row), (feesByDay.get(feeDayKey(row)) ?? 0) + row.feeFen);
      }
    }
    return inserted;
  }

  // One file, one transaction: BEGIN here and COMMIT only after the file's own totals check out.
  let rawLines: RawLineBlockWriter | null = null;
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const fileId = Number(insertFile.run(fileName, contentSha256, reader.kind, reader.channel, reader.encoding, now.toISOString(), options.actor.userName).lastInsertRowid);
    // The file's text is kept once (its first part: a plain file, or a zip's first detail member).
    const blocks = new RawLineBlockWriter(sqlite, fileId);
    rawLines = blocks;
    const feesByDay = new Map<string, number>();
    let rowCount = 0;
    let insertedCount = 0;
    let firstDate: string | null = null;
    let lastDate: string | null = null;
    let rowsSinceProgress = 0;
    for await (const batch of reader.rowBatches()) {
      if (batch.partIndex === 0 && batch.lines.length > 0) await blocks.add(batch.lines, batch.firstLineNumber);
      for (const row of batch.rows) {
        if (firstDate === null || row.businessDate < firstDate) firstDate = row.businessDate;
        if (lastDate === null || row.businessDate > lastDate) lastDate = row.businessDate;
      }
      rowCount += batch.rows.length;
      insertedCount += insertRows(fileId, batch, feesByDay);
      rowsSinceProgress += batch.rows.length;
      if (rowsSinceProgress >= PROGRESS_ROW_COUNT) {
        rowsSinceProgress = 0;
        options.onProgress?.(path, rowCount);
      }
    }
    await blocks.finish();
    const summary = reader.finish();
    sqlite
      .prepare(`UPDATE import_files SET row_count = ?, inserted_count = ?, overlapping_count = ?, totals_checked = ?, first_business_date = ?, last_business_date = ? WHERE id = ?`)
      .run(rowCount, insertedCount, rowCount - insertedCount, summary.totalsChecked ? 1 : 0, firstDate, lastDate, fileId);
    const insertBalance = sqlite.prepare(`INSERT INTO channel_balances (file_id, channel, account, balance_fen, at) VALUES (?, ?, ?, ?, ?)`);
    for (const balance of summary.closingBalances) insertBalance.run(fileId, reader.channel, balance.account, balance.balanceFen, toStoredInstant(balance.at));
    postChannelFees(workspace, options.actor, fileId, fileName, feesByDay);
    appendAudit(
      sqlite,
      { userName: options.actor.userName, action: 'import.file', objectType: 'import_file', objectId: String(fileId), detail: { file: fileName, kind: reader.kind, rows: rowCount, inserted: insertedCount, sha256: contentSha256 } },
      now,
    );
    sqlite.exec('COMMIT');
    options.onProgress?.(path, rowCount);
    return { ...result, rows: rowCount, overlappingRows: rowCount - insertedCount };
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    if (error instanceof ChannelFileParseError) return { ...result, error: { ...error.detail, file: path } };
    if (isDiskOrIoError(error)) return { ...result, error: { file: path, line: null, reason: `could not write the workspace: ${(error as Error).message}` } };
    throw error;
  } finally {
    rawLines?.close();
  }
}

function isDiskOrIoError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|IOERR|CANTOPEN|READONLY)/.test(code);
}

function postChannelFees(workspace: Workspace, actor: Actor, fileId: number, fileName: string, feesByDay: Map<string, number>): void {
  const context = workspace.postingContext(actor.userName);
  for (const [key, feeFen] of [...feesByDay.entries()].sort()) {
    const [channel, businessDate] = key.split('|') as ['wechat' | 'alipay', string];
    const spec = channelFeeEntry({
      source: { resource: 'import_files', id: `${fileId}:${channel}:${businessDate}`, no: `${fileName}#${businessDate}` },
      channel,
      occurredAt: `${businessDate}T23:59:59+08:00`,
      feeFen: fen(feeFen),
    });
    if (!spec) continue;
    try {
      postEntry(context, spec);
    } catch (error) {
      if (!(error instanceof PeriodClosedError)) throw error;
      // A bill for a closed month: the fee is booked in the open month, pointing at the closed one.
      postEntry(context, { ...spec, occurredAt: workspace.clock.now().toISOString(), memo: `channel fees of ${businessDate} (month ${error.month} closed)` });
    }
  }
}

export async function importChannelFiles(workspace: Workspace, paths: string[], options: ImportOptions): Promise<ImportedFileResult[]> {
  const results: ImportedFileResult[] = [];
  for (const path of paths) results.push(await importChannelFile(workspace, path, options));
  return results;
}
