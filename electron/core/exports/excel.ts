import ExcelJS from 'exceljs';
import type Decimal from 'decimal.js';
import { once, type EventEmitter } from 'node:events';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { fen, type Fen } from '../money';
import { fenToExcelYuan, rateToExcelNumber, requireFen, toExcelWallClockDate } from './cell-values';

/**
 * Excel export with exceljs's STREAMING writer: rows are committed (serialised and handed to the
 * zip stream) one by one, so memory stays flat however many rows a sheet has.
 */

export type ColumnKind = 'text' | 'money' | 'date' | 'datetime' | 'integer' | 'percent';

export interface ColumnSpec {
  header: string;
  /** Property of each row object holding this column's value. */
  key: string;
  /**
   * money: integer fen (Fen); date: 'YYYY-MM-DD' business date or a Date instant (shown in
   * Shanghai time); datetime: Date or ISO string with offset; integer: safe integer;
   * percent: a rate as decimal string or Decimal ("0.006" shows as 0.60%); text: anything.
   */
  kind: ColumnKind;
  widthChars?: number;
  /** Money columns are summed in the totals row unless false (a running balance is not summable). */
  total?: boolean;
}

export type ExportRow = Readonly<Record<string, unknown>>;
export type RowSource = Iterable<ExportRow> | AsyncIterable<ExportRow>;

export interface TableSheetSpec {
  type?: 'table';
  /** At most 31 characters, none of []:*?/\ (Excel's rules). */
  name: string;
  columns: readonly ColumnSpec[];
  rows: RowSource;
  /** Label of the totals row, in the first non-money column; default 合计. */
  totalsLabel?: string;
}

export interface OverviewItem {
  label: string;
  kind: ColumnKind;
  value: Fen | number | string | Date | Decimal | null;
}

/** A two-column sheet of label / value pairs (the monthly overview). */
export interface OverviewSheetSpec {
  type: 'overview';
  name: string;
  title?: string;
  items: readonly OverviewItem[];
}

export type SheetSpec = TableSheetSpec | OverviewSheetSpec;

export interface SheetWriteSummary {
  name: string;
  /** Data rows written (header and totals rows not counted). */
  rowCount: number;
  /** Sum of each money column, in integer fen, by column key. */
  totalsFen: Record<string, Fen>;
}

export interface WriteWorkbookOptions {
  creator?: string;
  /** Workbook creation time stamped in its properties (fixed in tests). */
  createdAt?: Date;
}

export const MONEY_NUMBER_FORMAT = '"¥"#,##0.00;[Red]-"¥"#,##0.00';
export const DATE_NUMBER_FORMAT = 'yyyy-mm-dd';
export const DATETIME_NUMBER_FORMAT = 'yyyy-mm-dd hh:mm:ss';
export const INTEGER_NUMBER_FORMAT = '#,##0';
export const PERCENT_NUMBER_FORMAT = '0.00%';

const numberFormatByKind: Record<ColumnKind, string | undefined> = {
  text: undefined,
  money: MONEY_NUMBER_FORMAT,
  date: DATE_NUMBER_FORMAT,
  datetime: DATETIME_NUMBER_FORMAT,
  integer: INTEGER_NUMBER_FORMAT,
  percent: PERCENT_NUMBER_FORMAT,
};

const defaultWidthCharsByKind: Record<ColumnKind, number> = {
  text: 12,
  money: 16,
  date: 12,
  datetime: 20,
  integer: 10,
  percent: 10,
};

/** Rows sampled ahead of writing to size text columns (columns must be fixed before row 1). */
const WIDTH_SAMPLE_ROW_COUNT = 200;
const TEXT_WIDTH_CHARS_MAX = 60;
/**
 * exceljs's sheet stream ignores backpressure: committed rows are pushed into the zip entry
 * stream at once, and deflate runs only when the event loop turns. Without a pause, the whole
 * uncompressed sheet XML (~300 MB per million rows) piles up in memory before it is compressed.
 */
const ROWS_BETWEEN_BACKPRESSURE_CHECKS = 1000;
const ZIP_ENTRY_BUFFERED_BYTES_MAX = 8 * 1024 * 1024;

const forbiddenSheetNameCharacters = /[[\]:*?/\\]/;

export async function writeWorkbook(
  path: string,
  sheets: readonly SheetSpec[],
  options: WriteWorkbookOptions = {},
): Promise<{ sheets: SheetWriteSummary[] }> {
  assertSheetNames(sheets);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: false,
    useStyles: true,
    // Fast deflate: level 1 is about twice as fast as the default for a file ~15% larger.
    zip: { zlib: { level: 1 } },
  });
  workbook.creator = options.creator ?? 'Ledgerdesk';
  if (options.createdAt) {
    workbook.created = options.createdAt;
    workbook.modified = options.createdAt;
  }
  const summaries: SheetWriteSummary[] = [];
  for (const sheet of sheets) {
    summaries.push(
      sheet.type === 'overview' ? writeOverviewSheet(workbook, sheet) : await writeTableSheet(workbook, sheet),
    );
  }
  await workbook.commit();
  return { sheets: summaries };
}

function assertSheetNames(sheets: readonly SheetSpec[]): void {
  const seen = new Set<string>();
  for (const sheet of sheets) {
    if (sheet.name.length === 0 || sheet.name.length > 31 || forbiddenSheetNameCharacters.test(sheet.name)) {
      throw new RangeError(`invalid Excel sheet name "${sheet.name}"`);
    }
    const folded = sheet.name.toLowerCase();
    if (seen.has(folded)) throw new RangeError(`duplicate Excel sheet name "${sheet.name}"`);
    seen.add(folded);
  }
}

async function writeTableSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: TableSheetSpec,
): Promise<SheetWriteSummary> {
  if (sheet.columns.length === 0) throw new RangeError(`sheet "${sheet.name}" has no columns`);
  const worksheet = workbook.addWorksheet(sheet.name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, activeCell: 'A2' }],
  });
  const rows = toAsyncIterator(sheet.rows);
  const sampledRows: ExportRow[] = [];
  for (let index = 0; index < WIDTH_SAMPLE_ROW_COUNT; index += 1) {
    const next = await rows.next();
    if (next.done) break;
    sampledRows.push(next.value);
  }
  worksheet.columns = sheet.columns.map((column) => ({
    key: column.key,
    width: column.widthChars ?? estimateWidthChars(column, sampledRows),
    style: numberFormatByKind[column.kind] ? { numFmt: numberFormatByKind[column.kind] } : {},
  }));

  const headerRow = worksheet.addRow(sheet.columns.map((column) => column.header));
  headerRow.font = { bold: true };
  headerRow.commit();

  // One style object per column, shared by every cell of it: exceljs caches style ids by object
  // identity, so sharing skips re-rendering each cell's style XML (the export's main cost).
  const sharedColumnStyles = sheet.columns.map((column): Partial<ExcelJS.Style> => {
    const numFmt = numberFormatByKind[column.kind];
    return numFmt ? { numFmt } : {};
  });
  const moneyColumnIndexes = sheet.columns.flatMap((column, index) => (column.kind === 'money' && column.total !== false ? [index] : []));
  const totalsFen = moneyColumnIndexes.map(() => 0);
  let rowCount = 0;
  const columns = sheet.columns;
  const columnCount = columns.length;
  // Plain loops over precomputed columns: this runs a million times in a large export.
  const writeRow = (row: ExportRow): void => {
    rowCount += 1;
    const values: CellValue[] = new Array(columnCount);
    for (let columnIndex = 0; columnIndex < columnCount; columnIndex += 1) {
      const column = columns[columnIndex];
      values[columnIndex] = toCellValue(column, row[column.key], sheet.name, rowCount);
    }
    for (let slot = 0; slot < moneyColumnIndexes.length; slot += 1) {
      const amount = row[columns[moneyColumnIndexes[slot]].key];
      if (amount !== null && amount !== undefined) {
        // fen() asserts the running total stays a safe integer.
        totalsFen[slot] = fen(totalsFen[slot] + (amount as number));
      }
    }
    const excelRow = worksheet.addRow(values);
    for (let columnIndex = 0; columnIndex < columnCount; columnIndex += 1) {
      excelRow.getCell(columnIndex + 1).style = sharedColumnStyles[columnIndex];
    }
    excelRow.commit();
  };
  let sourceFinished = false;
  try {
    for (const row of sampledRows) writeRow(row);
    for (let next = await rows.next(); !next.done; next = await rows.next()) {
      writeRow(next.value);
      if (rowCount % ROWS_BETWEEN_BACKPRESSURE_CHECKS === 0) await waitForZipToCatchUp(worksheet);
    }
    sourceFinished = true;
  } finally {
    // A bad row aborts the export; let a database cursor behind the source close.
    if (!sourceFinished) await rows.return?.();
  }

  const lastColumnLetter = columnLetter(sheet.columns.length);
  worksheet.autoFilter = `A1:${lastColumnLetter}${rowCount + 1}`;
  writeTotalsRow(worksheet, sheet, moneyColumnIndexes, totalsFen);
  worksheet.commit();

  const totalsByKey: Record<string, Fen> = {};
  moneyColumnIndexes.forEach((columnIndex, slot) => {
    totalsByKey[sheet.columns[columnIndex].key] = fen(totalsFen[slot]);
  });
  return { name: sheet.name, rowCount, totalsFen: totalsByKey };
}

/**
 * Waits while the zip entry the sheet pipes into holds more than ZIP_ENTRY_BUFFERED_BYTES_MAX.
 * `stream.pipes` is an exceljs internal (StreamBuf); if it changes shape we still yield once.
 */
async function waitForZipToCatchUp(worksheet: ExcelJS.Worksheet): Promise<void> {
  const internals = worksheet as unknown as { stream?: { pipes?: unknown[] } };
  await yieldToEventLoop();
  for (const pipe of internals.stream?.pipes ?? []) {
    const entry = pipe as ZipEntryStream;
    while (bufferedBytes(entry) > ZIP_ENTRY_BUFFERED_BYTES_MAX && !entry.destroyed) {
      await once(entry as unknown as EventEmitter, 'drain');
    }
  }
}

/** archiver hands exceljs a `readable-stream` PassThrough: older streams lack `writableLength`. */
interface ZipEntryStream {
  writableLength?: number;
  _writableState?: { length?: number };
  destroyed?: boolean;
}

function bufferedBytes(entry: ZipEntryStream): number {
  return entry.writableLength ?? entry._writableState?.length ?? 0;
}

function writeTotalsRow(
  worksheet: ExcelJS.Worksheet,
  sheet: TableSheetSpec,
  moneyColumnIndexes: number[],
  totalsFen: number[],
): void {
  if (moneyColumnIndexes.length === 0) return;
  const values: (string | number | null)[] = sheet.columns.map(() => null);
  const labelIndex = sheet.columns.findIndex((column) => column.kind !== 'money');
  if (labelIndex >= 0) values[labelIndex] = sheet.totalsLabel ?? '合计';
  moneyColumnIndexes.forEach((columnIndex, slot) => {
    values[columnIndex] = fenToExcelYuan(fen(totalsFen[slot]));
  });
  const totalsRow = worksheet.addRow(values);
  totalsRow.font = { bold: true };
  totalsRow.commit();
}

function writeOverviewSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: OverviewSheetSpec,
): SheetWriteSummary {
  const worksheet = workbook.addWorksheet(sheet.name);
  worksheet.columns = [
    { key: 'label', width: Math.max(16, ...sheet.items.map((item) => displayWidthChars(item.label) + 2)) },
    { key: 'value', width: 22 },
  ];
  if (sheet.title) {
    const titleRow = worksheet.addRow([sheet.title]);
    titleRow.font = { bold: true, size: 14 };
    titleRow.commit();
  }
  sheet.items.forEach((item, index) => {
    const column: ColumnSpec = { header: item.label, key: 'value', kind: item.kind };
    const row = worksheet.addRow([item.label, toCellValue(column, item.value, sheet.name, index + 1)]);
    const format = numberFormatByKind[item.kind];
    if (format) row.getCell(2).numFmt = format;
    row.getCell(1).font = { bold: true };
    row.commit();
  });
  worksheet.commit();
  return { name: sheet.name, rowCount: sheet.items.length, totalsFen: {} };
}

type CellValue = string | number | Date | null;

function toCellValue(column: ColumnSpec, value: unknown, sheetName: string, rowNumber: number): CellValue {
  if (value === null || value === undefined) return null;
  const where = `sheet "${sheetName}" row ${rowNumber} column "${column.key}"`;
  switch (column.kind) {
    case 'money':
      return fenToExcelYuan(requireFen(value, where));
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        throw new TypeError(`${where}: expected an integer, got ${String(value)}`);
      }
      return value;
    case 'date':
    case 'datetime':
      if (!(value instanceof Date) && typeof value !== 'string') {
        throw new TypeError(`${where}: expected a Date or date string`);
      }
      return toExcelWallClockDate(value);
    case 'percent':
      if (typeof value !== 'string' && typeof value !== 'object') {
        throw new TypeError(`${where}: a rate must be a decimal string or Decimal, never a float`);
      }
      return rateToExcelNumber(value as Decimal | string);
    case 'text':
      return typeof value === 'string' ? value : String(value);
  }
}

function estimateWidthChars(column: ColumnSpec, sampledRows: readonly ExportRow[]): number {
  const headerWidth = displayWidthChars(column.header) + 2;
  if (column.kind !== 'text') return Math.max(defaultWidthCharsByKind[column.kind], headerWidth);
  let widest = defaultWidthCharsByKind.text;
  for (const row of sampledRows) {
    const value = row[column.key];
    if (value !== null && value !== undefined) widest = Math.max(widest, displayWidthChars(String(value)) + 2);
  }
  return Math.min(TEXT_WIDTH_CHARS_MAX, Math.max(widest, headerWidth));
}

/** CJK characters take two character widths in Excel's default fonts. */
export function displayWidthChars(text: string): number {
  let width = 0;
  for (const character of text) width += (character.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return width;
}

/** 1 -> A, 27 -> AA. */
export function columnLetter(columnNumber: number): string {
  let letters = '';
  for (let remaining = columnNumber; remaining > 0; remaining = Math.floor((remaining - 1) / 26)) {
    letters = String.fromCharCode(65 + ((remaining - 1) % 26)) + letters;
  }
  return letters;
}

function toAsyncIterator(source: RowSource): AsyncIterator<ExportRow> {
  if (Symbol.asyncIterator in source) return (source as AsyncIterable<ExportRow>)[Symbol.asyncIterator]();
  const iterator = (source as Iterable<ExportRow>)[Symbol.iterator]();
  return {
    next: async () => iterator.next(),
    return: async (value?: unknown) => iterator.return?.(value) ?? { done: true, value: undefined },
  } as AsyncIterator<ExportRow>;
}
