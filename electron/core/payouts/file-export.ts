/**
 * The manual payout channel: an Excel sheet of payouts for upload to a bank or the WeChat merchant
 * portal, and the import of a results sheet (out_bill_no, status, reason) filled in afterwards.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { fenToExcelYuan } from '../exports/cell-values';
import { MONEY_NUMBER_FORMAT } from '../exports/excel';
import { assertDistinctOutBillNos, PayoutInvariantError, type PayoutChannel, type PayoutRequest, type PayoutStatus, type SubmitContext } from './payout-channel';
import { isValidOutNumber } from './wechat/transfer-rules';

export interface PayoutExportRow {
  outBillNo: string;
  /** Name shown to the clerk (distributor's display name). */
  payeeName: string;
  payeeRealName: string | null;
  /** Bank account number, WeChat openid or other identifier the upload needs. */
  account: string;
  amountFen: PayoutRequest['amountFen'];
  remark: string;
}

export const PAYOUT_EXPORT_COLUMNS = [
  { header: '收款人 payee', key: 'payeeName', width: 20 },
  { header: '真实姓名 real name', key: 'payeeRealName', width: 16 },
  { header: '收款账号 account', key: 'account', width: 32 },
  { header: '金额（元） amount', key: 'amount', width: 16 },
  { header: '商户单号 out_bill_no', key: 'outBillNo', width: 34 },
  { header: '备注 remark', key: 'remark', width: 24 },
] as const;

const AMOUNT_COLUMN_NUMBER = 4;

export async function writePayoutExportWorkbook(filePath: string, rows: readonly PayoutExportRow[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('payouts', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = PAYOUT_EXPORT_COLUMNS.map((column) => ({ header: column.header, key: column.key, width: column.width }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    sheet.addRow({
      payeeName: row.payeeName,
      payeeRealName: row.payeeRealName ?? '',
      account: row.account,
      // A real number cell (the upload and the clerk's SUM need numbers), exact for any fen amount.
      amount: fenToExcelYuan(row.amountFen),
      // Out numbers can be all digits: keep them text so Excel never turns them into 1.23E+19.
      outBillNo: row.outBillNo,
      remark: row.remark,
    });
  }
  sheet.getColumn(AMOUNT_COLUMN_NUMBER).numFmt = MONEY_NUMBER_FORMAT;
  sheet.getColumn(5).numFmt = '@';
  await mkdir(path.dirname(filePath), { recursive: true });
  await workbook.xlsx.writeFile(filePath);
}

export interface PayoutResultLine {
  line: number;
  outBillNo: string;
  status: 'success' | 'failed';
  reason: string | null;
}

export interface PayoutResultLineError {
  file: string;
  line: number;
  reason: string;
}

export type PayoutResultsReadResult =
  | { ok: true; results: PayoutResultLine[]; errors: PayoutResultLineError[] }
  | { ok: false; error: PayoutResultLineError };

const headerAliases: Record<'outBillNo' | 'status' | 'reason', string[]> = {
  outBillNo: ['out_bill_no', '商户单号', '商家单号', '商户单号 out_bill_no'],
  status: ['status', '状态', '结果'],
  reason: ['reason', '原因', '失败原因'],
};

const statusAliases: Record<string, 'success' | 'failed'> = {
  success: 'success',
  成功: 'success',
  failed: 'failed',
  fail: 'failed',
  失败: 'failed',
};

/** The text of a cell whatever exceljs hands back (plain, rich text, formula result, hyperlink). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('').trim();
    if ('text' in value && typeof value.text === 'string') return value.text.trim();
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return '';
}

function columnOf(headers: string[], aliases: string[]): number {
  const wanted = aliases.map((alias) => alias.toLowerCase());
  return headers.findIndex((header) => wanted.includes(header) || wanted.some((alias) => header.split(/\s+/).includes(alias)));
}

export interface ReadPayoutResultsOptions {
  /** When given, a line naming any other out_bill_no is an error. */
  knownOutBillNos?: ReadonlySet<string>;
}

/** Reads a results sheet: header row then one line per payout. Bad lines are reported with their number; good lines are kept. */
export async function readPayoutResultsWorkbook(filePath: string, options: ReadPayoutResultsOptions = {}): Promise<PayoutResultsReadResult> {
  const file = path.basename(filePath);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(filePath);
  } catch (failure) {
    return { ok: false, error: { file, line: 0, reason: `not a readable .xlsx file: ${failure instanceof Error ? failure.message : String(failure)}` } };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { ok: false, error: { file, line: 0, reason: 'the workbook has no sheet' } };
  const headerRow = sheet.getRow(1);
  const headers: string[] = [];
  for (let column = 1; column <= Math.max(headerRow.cellCount, 1); column += 1) headers.push(cellText(headerRow.getCell(column).value).toLowerCase());
  const columns = {
    outBillNo: columnOf(headers, headerAliases.outBillNo),
    status: columnOf(headers, headerAliases.status),
    reason: columnOf(headers, headerAliases.reason),
  };
  const missing = Object.entries(columns).filter(([, index]) => index < 0).map(([name]) => name);
  if (missing.length > 0) return { ok: false, error: { file, line: 1, reason: `header lacks column(s): ${missing.join(', ')} (expected out_bill_no, status, reason)` } };

  const results: PayoutResultLine[] = [];
  const errors: PayoutResultLineError[] = [];
  const seenLine = new Map<string, number>();
  for (let line = 2; line <= sheet.rowCount; line += 1) {
    const row = sheet.getRow(line);
    const text = (index: number): string => cellText(row.getCell(index + 1).value);
    const outBillNo = text(columns.outBillNo);
    const statusText = text(columns.status);
    const reason = text(columns.reason);
    if (!outBillNo && !statusText && !reason) continue; // blank line
    const fail = (why: string): void => {
      errors.push({ file, line, reason: why });
    };
    if (!outBillNo) {
      fail('out_bill_no is empty');
      continue;
    }
    if (!isValidOutNumber(outBillNo)) {
      fail(`out_bill_no "${outBillNo}" is not 1-32 digits or ASCII letters`);
      continue;
    }
    if (options.knownOutBillNos && !options.knownOutBillNos.has(outBillNo)) {
      fail(`out_bill_no "${outBillNo}" is not a payout of this export`);
      continue;
    }
    const status = statusAliases[statusText.toLowerCase()];
    if (!status) {
      fail(`status "${statusText}" is neither success nor failed`);
      continue;
    }
    if (status === 'failed' && !reason) {
      fail('a failed payout needs a reason');
      continue;
    }
    const earlier = seenLine.get(outBillNo);
    if (earlier !== undefined) {
      fail(`out_bill_no "${outBillNo}" already reported on line ${earlier}`);
      continue;
    }
    seenLine.set(outBillNo, line);
    results.push({ line, outBillNo, status, reason: reason || null });
  }
  return { ok: true, results, errors };
}

export interface FileExportChannelOptions {
  directory: string;
  now: () => Date;
  /** The display name and account of a payout's payee (from the distributor record). */
  payeeOf: (request: PayoutRequest) => { payeeName: string; account: string };
}

export interface FileExportChannel extends PayoutChannel {
  /** The sheet a settlement is written to (same file on every retry). */
  filePathFor(settlementId: string): string;
  importResults(filePath: string): Promise<PayoutResultsReadResult>;
}

export function createFileExportChannel(options: FileExportChannelOptions): FileExportChannel {
  const statusByBill = new Map<string, PayoutStatus>();
  const filePathFor = (settlementId: string): string => {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(settlementId)) throw new PayoutInvariantError(`settlementId "${settlementId}" is not usable in a file name`);
    return path.join(options.directory, `payouts-${settlementId}.xlsx`);
  };
  const stamp = (): string => options.now().toISOString();

  return {
    name: 'file-export',
    filePathFor,
    async submit(requests: PayoutRequest[], context: SubmitContext): Promise<PayoutStatus[]> {
      assertDistinctOutBillNos(requests.map((request) => request.outBillNo));
      const filePath = filePathFor(context.settlementId);
      const exportable = requests.filter((request) => request.amountFen > 0 && isValidOutNumber(request.outBillNo));
      await writePayoutExportWorkbook(
        filePath,
        exportable.map((request) => ({ ...request, ...options.payeeOf(request) })),
      );
      return requests.map((request) => {
        const exported = exportable.includes(request);
        const status: PayoutStatus = exported
          ? { outBillNo: request.outBillNo, state: 'processing', channelRef: path.basename(filePath), failureReason: null, updatedAt: stamp() }
          : { outBillNo: request.outBillNo, state: 'failed', channelRef: null, failureReason: 'not exportable: amount must be positive and out_bill_no 1-32 digits or letters', updatedAt: stamp() };
        statusByBill.set(request.outBillNo, status);
        return status;
      });
    },
    async query(outBillNos: string[]): Promise<PayoutStatus[]> {
      return outBillNos.map(
        (outBillNo) => statusByBill.get(outBillNo) ?? { outBillNo, state: 'created', channelRef: null, failureReason: 'not exported by this channel', updatedAt: stamp() },
      );
    },
    async importResults(filePath: string): Promise<PayoutResultsReadResult> {
      const known = new Set([...statusByBill.keys()]);
      const read = await readPayoutResultsWorkbook(filePath, known.size > 0 ? { knownOutBillNos: known } : {});
      if (!read.ok) return read;
      for (const result of read.results) {
        statusByBill.set(result.outBillNo, {
          outBillNo: result.outBillNo,
          state: result.status === 'success' ? 'success' : 'failed',
          channelRef: `${path.basename(filePath)}#${result.line}`,
          failureReason: result.reason,
          updatedAt: stamp(),
        });
      }
      return read;
    },
  };
}
