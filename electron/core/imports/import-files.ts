import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import { toStoredInstant } from '../calendar/shanghai';
import { ChannelFileParseError, type BankColumnMapping, type ChannelFileError, type ChannelFileKind, type ChannelName } from '../channels';
import { PeriodClosedError, postEntry } from '../ledger/post';
import { channelFeeEntry } from '../ledger/rules';
import { fen } from '../money';
import type { Workspace } from '../workspace';
import { openParsedFile } from './parsed-file';
import { nullableAt, type ChannelRowColumns } from './row-columns';

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

async function sha256AndSizeOfFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

function feeDayKey(channel: string, businessDate: string): string {
  return `${channel}|${businessDate}`;
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
  let fileBytes: number;
  try {
    ({ sha256: contentSha256, bytes: fileBytes } = await sha256AndSizeOfFile(path));
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
  const opened = await openParsedFile(path, fileBytes, { bankMapping: options.bankMapping });
  if (!opened.ok) return { ...result, error: { ...opened.error, file: path } };
  const parsed = opened.file;
  result.kind = parsed.kind;
  result.channel = parsed.channel;

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
  const insertBlock = sqlite.prepare(`INSERT INTO channel_file_blocks (file_id, first_line_number, line_count, data) VALUES (?, ?, ?, ?)`);
  const dates = { first: null as string | null, last: null as string | null };

  /** Inserts a batch's rows; returns how many were new (not already stored from an overlapping file). */
  function insertRows(fileId: number, columns: ChannelRowColumns, feesByDay: Map<string, number>): number {
    let inserted = 0;
    const { channel, kind, currency, businessDate, status } = columns;
    for (const date of businessDate.values) {
      if (dates.first === null || date < dates.first) dates.first = date;
      if (dates.last === null || date > dates.last) dates.last = date;
    }
    for (let row = 0; row < columns.count; row += 1) {
      const orderAmountFen = columns.orderAmountFen[row];
      const change = insertRow.run(
        fileId,
        columns.lineNumber[row],
        columns.ownText[row],
        columns.naturalKey[row],
        channel.values[channel.codes[row]],
        kind.values[kind.codes[row]],
        columns.merchantOrderNo[row],
        columns.merchantRefundNo[row],
        columns.channelTradeNo[row],
        columns.channelRefundNo[row],
        columns.amountFen[row],
        Number.isNaN(orderAmountFen) ? null : orderAmountFen,
        columns.feeFen[row],
        currency.values[currency.codes[row]],
        columns.occurredAt[row],
        businessDate.values[businessDate.codes[row]],
        status.values[status.codes[row]],
        nullableAt(columns.account, row),
        nullableAt(columns.counterparty, row),
        nullableAt(columns.memo, row),
      );
      if (change.changes === 1) {
        inserted += 1;
        const feeFen = columns.feeFen[row];
        const rowChannel = channel.values[channel.codes[row]];
        if (feeFen !== 0 && rowChannel !== 'bank') {
          const key = feeDayKey(rowChannel, businessDate.values[businessDate.codes[row]]);
          feesByDay.set(key, (feesByDay.get(key) ?? 0) + feeFen);
        }
      }
    }
    return inserted;
  }

  try {
    // One file, one transaction: BEGIN here and COMMIT only after the file's own totals check out.
    // Inside the try: a refused BEGIN (another writer) must still stop the parse worker (finally).
    sqlite.exec('BEGIN IMMEDIATE');
    const fileId = Number(insertFile.run(fileName, contentSha256, parsed.kind, parsed.channel, parsed.encoding, now.toISOString(), options.actor.userName).lastInsertRowid);
    const feesByDay = new Map<string, number>();
    let rowCount = 0;
    let insertedCount = 0;
    let rowsSinceProgress = 0;
    for await (const batch of parsed.batches()) {
      for (const block of batch.blocks) insertBlock.run(fileId, block.firstLineNumber, block.lineCount, block.data);
      if (batch.columns === null) continue;
      rowCount += batch.columns.count;
      insertedCount += insertRows(fileId, batch.columns, feesByDay);
      rowsSinceProgress += batch.columns.count;
      if (rowsSinceProgress >= PROGRESS_ROW_COUNT) {
        rowsSinceProgress = 0;
        options.onProgress?.(path, rowCount);
      }
    }
    const summary = parsed.finish();
    sqlite
      .prepare(`UPDATE import_files SET row_count = ?, inserted_count = ?, overlapping_count = ?, totals_checked = ?, first_business_date = ?, last_business_date = ? WHERE id = ?`)
      .run(rowCount, insertedCount, rowCount - insertedCount, summary.totalsChecked ? 1 : 0, dates.first, dates.last, fileId);
    const insertBalance = sqlite.prepare(`INSERT INTO channel_balances (file_id, channel, account, balance_fen, at) VALUES (?, ?, ?, ?, ?)`);
    for (const balance of summary.closingBalances) insertBalance.run(fileId, parsed.channel, balance.account, balance.balanceFen, toStoredInstant(balance.at));
    postChannelFees(workspace, options.actor, fileId, fileName, feesByDay);
    appendAudit(
      sqlite,
      { userName: options.actor.userName, action: 'import.file', objectType: 'import_file', objectId: String(fileId), detail: { file: fileName, kind: parsed.kind, rows: rowCount, inserted: insertedCount, sha256: contentSha256 } },
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
    parsed.close();
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
