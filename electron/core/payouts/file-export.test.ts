import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fen, formatFenAsYuan } from '../money';
import { MONEY_NUMBER_FORMAT } from '../exports/excel';
import { createFileExportChannel, readPayoutResultsWorkbook, writePayoutExportWorkbook } from './file-export';
import type { PayoutRequest } from './payout-channel';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'ledgerdesk-payout-export-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const fixedNow = () => new Date('2025-03-10T02:00:00Z');

async function writeResultsSheet(filePath: string, rows: (string | number | null)[][], header = ['out_bill_no', 'status', 'reason']): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('results');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  await workbook.xlsx.writeFile(filePath);
}

function payout(number: number, amountFen = fen(123_456)): PayoutRequest {
  return { outBillNo: `FB${number.toString().padStart(4, '0')}`, payeeOpenid: null, payeeRealName: '张三', amountFen, remark: '3月佣金' };
}

describe('payout export sheet', () => {
  it('writes payee, real name, account, a real number amount with currency format, and the out_bill_no as text', async () => {
    const filePath = path.join(directory, 'out', 'payouts.xlsx');
    await writePayoutExportWorkbook(filePath, [
      { outBillNo: '20250310000000000001', payeeName: '小店A', payeeRealName: '张三', account: '6222020200000000001', amountFen: fen(123_456), remark: '佣金' },
      { outBillNo: 'FB2', payeeName: '小店B', payeeRealName: null, account: 'openid2', amountFen: fen(1), remark: '佣金' },
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(filePath);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(5).value).toBe('商户单号 out_bill_no');
    const first = sheet.getRow(2);
    expect([first.getCell(1).value, first.getCell(2).value, first.getCell(3).value]).toEqual(['小店A', '张三', '6222020200000000001']);
    expect(first.getCell(4).value).toBe(1234.56);
    expect(typeof first.getCell(4).value).toBe('number');
    expect(first.getCell(4).numFmt).toBe(MONEY_NUMBER_FORMAT);
    expect(first.getCell(5).value).toBe('20250310000000000001');
    expect(sheet.getRow(3).getCell(4).value).toBe(0.01);
  });

  it('keeps every amount exact through the sheet', async () => {
    const amounts = fc.sample(fc.integer({ min: 1, max: 99_999_999_999 }), 200).map(fen);
    const filePath = path.join(directory, 'amounts.xlsx');
    await writePayoutExportWorkbook(filePath, amounts.map((amountFen, index) => ({ outBillNo: `A${index}`, payeeName: 'p', payeeRealName: null, account: 'a', amountFen, remark: 'r' })));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(filePath);
    const sheet = workbook.worksheets[0];
    amounts.forEach((amountFen, index) => {
      expect(String(sheet.getRow(index + 2).getCell(4).value)).toBe(formatFenAsYuan(amountFen).replace(/\.?0+$/, ''));
    });
  });
});

describe('payout results import', () => {
  it('reads good lines and reports each bad line with its line number', async () => {
    const filePath = path.join(directory, 'results.xlsx');
    await writeResultsSheet(filePath, [
      ['FB0001', 'success', null],
      ['FB0002', 'failed', '账户冻结'],
      [null, 'success', null],
      ['FB0003', 'paid', null],
      ['FB0004', 'failed', null],
      ['FB0001', 'failed', 'again'],
      ['FB-5', 'success', null],
      [null, null, null],
      ['FB0006', '成功', null],
      ['FB9999', 'success', null],
    ]);
    const read = await readPayoutResultsWorkbook(filePath, { knownOutBillNos: new Set(['FB0001', 'FB0002', 'FB0003', 'FB0004', 'FB0006']) });
    expect(read).toEqual({
      ok: true,
      results: [
        { line: 2, outBillNo: 'FB0001', status: 'success', reason: null },
        { line: 3, outBillNo: 'FB0002', status: 'failed', reason: '账户冻结' },
        { line: 10, outBillNo: 'FB0006', status: 'success', reason: null },
      ],
      errors: [
        { file: 'results.xlsx', line: 4, reason: 'out_bill_no is empty' },
        { file: 'results.xlsx', line: 5, reason: 'status "paid" is neither success nor failed' },
        { file: 'results.xlsx', line: 6, reason: 'a failed payout needs a reason' },
        { file: 'results.xlsx', line: 7, reason: 'out_bill_no "FB0001" already reported on line 2' },
        { file: 'results.xlsx', line: 8, reason: 'out_bill_no "FB-5" is not 1-32 digits or ASCII letters' },
        { file: 'results.xlsx', line: 11, reason: 'out_bill_no "FB9999" is not a payout of this export' },
      ],
    });
  });

  it('refuses a sheet without the needed columns and a file that is not a workbook', async () => {
    const noStatus = path.join(directory, 'no-status.xlsx');
    await writeResultsSheet(noStatus, [['FB0001', 'x']], ['out_bill_no', 'reason']);
    expect(await readPayoutResultsWorkbook(noStatus)).toEqual({
      ok: false,
      error: { file: 'no-status.xlsx', line: 1, reason: 'header lacks column(s): status (expected out_bill_no, status, reason)' },
    });
    const notExcel = path.join(directory, 'bogus.xlsx');
    await writeFile(notExcel, 'out_bill_no,status\nFB1,success\n');
    expect(await readPayoutResultsWorkbook(notExcel)).toMatchObject({ ok: false, error: { file: 'bogus.xlsx', line: 0 } });
  });

  it('accepts Chinese headers in any order', async () => {
    const filePath = path.join(directory, 'cn.xlsx');
    await writeResultsSheet(filePath, [['失败', '余额不足', 'FB0001']], ['状态', '失败原因', '商户单号']);
    expect(await readPayoutResultsWorkbook(filePath)).toMatchObject({ ok: true, results: [{ outBillNo: 'FB0001', status: 'failed', reason: '余额不足' }], errors: [] });
  });
});

describe('file export channel round trip', () => {
  it('exports a settlement, then imports its results into payout statuses', async () => {
    const channel = createFileExportChannel({ directory, now: fixedNow, payeeOf: (request) => ({ payeeName: `店铺${request.outBillNo}`, account: `acct-${request.outBillNo}` }) });
    const submitted = await channel.submit([payout(1), payout(2), payout(3, fen(0))], { settlementId: 'S20250310' });
    expect(submitted.map((one) => one.state)).toEqual(['processing', 'processing', 'failed']);
    expect(submitted[0].channelRef).toBe('payouts-S20250310.xlsx');

    const exported = new ExcelJS.Workbook();
    await exported.xlsx.readFile(channel.filePathFor('S20250310'));
    expect(exported.worksheets[0].rowCount).toBe(3);
    expect(exported.worksheets[0].getRow(2).getCell(3).value).toBe('acct-FB0001');

    const resultsPath = path.join(directory, 'bank-results.xlsx');
    await writeResultsSheet(resultsPath, [
      ['FB0001', 'success', null],
      ['FB0002', 'failed', '户名不符'],
      ['FB0077', 'success', null],
    ]);
    const imported = await channel.importResults(resultsPath);
    expect(imported.ok && imported.errors).toEqual([{ file: 'bank-results.xlsx', line: 4, reason: 'out_bill_no "FB0077" is not a payout of this export' }]);
    const statuses = await channel.query(['FB0001', 'FB0002', 'FB0003', 'FB0099']);
    expect(statuses.map((one) => [one.state, one.failureReason])).toEqual([
      ['success', null],
      ['failed', '户名不符'],
      ['failed', expect.stringMatching(/not exportable/)],
      ['created', 'not exported by this channel'],
    ]);
    expect(statuses[1].channelRef).toBe('bank-results.xlsx#3');
  });
});
