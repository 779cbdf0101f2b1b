import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMonthPdf } from '../../electron/core/exports/month-pdf';
import { writeMonthWorkbook } from '../../electron/core/exports/month-workbook';
import { trialBalance } from '../../electron/core/ledger/queries';
import { formatFenAsYuan, fen } from '../../electron/core/money';
import { monthPeriod } from '../../electron/core/reports';
import { expectedOctober, insertMallSummariesForOctober, postReportTestLedger, REPORT_TEST_MONTH } from '../../electron/core/reports/test-ledger';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const xlsx2csvAvailable = spawnSync('xlsx2csv', ['--version']).status === 0;
const pdftotextAvailable = spawnSync('pdftotext', ['-v']).status === 0;
const generatedAt = new Date('2026-11-02T02:00:00.000Z');

let temp: TempWorkspace | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function workspaceWithLedger(): TempWorkspace {
  temp = createTempWorkspace();
  postReportTestLedger(temp.workspace.postingContext('admin'));
  insertMallSummariesForOctober(temp.workspace.sqlite, '2026-11-01T00:00:00.000Z');
  return temp;
}

/** One sheet as rows of cells, read back by xlsx2csv (an independent reader). */
function readSheet(path: string, sheetName: string): string[][] {
  const csv = execFileSync('xlsx2csv', ['--ignore-formats', 'float', 'currency', '-n', sheetName, path], { encoding: 'utf8' });
  return csv
    .trim()
    .split('\n')
    .map((line) => parseCsvLine(line));
}

function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let current = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quoted) {
      if (character === '"' && line[index + 1] === '"') {
        current += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else current += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      cells.push(current);
      current = '';
    } else current += character;
  }
  cells.push(current);
  return cells;
}

function totalsRow(rows: string[][]): string[] {
  const last = rows[rows.length - 1];
  expect(last).toContain('合计');
  return last;
}

/** An Excel number cell read back as text, compared with the yuan string of an amount in fen. */
function yuanOf(cell: string): string {
  expect(cell).toMatch(/^-?\d+(\.\d+)?$/);
  const [whole, decimals = ''] = cell.split('.');
  return `${whole}.${decimals.padEnd(2, '0')}`;
}

describe.skipIf(!xlsx2csvAvailable)('month workbook read back by xlsx2csv', () => {
  it('holds the overview and every detail sheet; totals equal the ledger', async () => {
    const { workspace, directory } = workspaceWithLedger();
    const path = join(directory, 'month.xlsx');
    const result = await writeMonthWorkbook(workspace, REPORT_TEST_MONTH, path, { createdAt: generatedAt });
    expect(result.sheets.map((sheet) => sheet.name)).toEqual([
      '月度概览', '科目发生额', '近六月净利润', 'GMV核对', '交易明细', '退款明细', '储值变动明细', '余额变动明细', '积分变动明细', '付款明细',
    ]);

    const overview = new Map(readSheet(path, '月度概览').map((row) => [row[0], row[1]]));
    expect(yuanOf(overview.get('营业收入')!)).toBe(formatFenAsYuan(fen(expectedOctober.revenueFen)));
    expect(yuanOf(overview.get('净利润')!)).toBe(formatFenAsYuan(fen(expectedOctober.netProfitFen)));
    expect(yuanOf(overview.get('退款支付')!)).toBe('70.00');
    expect(yuanOf(overview.get('商城GMV')!)).toBe('211.00');
    expect(overview.get('对账差异')).toContain('reconciliation not run');

    const period = monthPeriod(REPORT_TEST_MONTH);
    const movement = trialBalance(workspace.sqlite, period.to).debitTotalFen - trialBalance(workspace.sqlite, period.from).debitTotalFen;
    const transactions = readSheet(path, '交易明细');
    expect(transactions[0]).toEqual(['凭证号', '业务时间', '类型', '单据', '科目', '对象', '借方', '贷方']);
    const transactionTotals = totalsRow(transactions);
    expect(yuanOf(transactionTotals[6])).toBe(formatFenAsYuan(fen(movement)));
    expect(yuanOf(transactionTotals[7])).toBe(formatFenAsYuan(fen(movement)));
    expect(transactions.length - 2).toBe(result.sheets.find((sheet) => sheet.name === '交易明细')!.rowCount);
    // Business time shown in Shanghai wall time: the top-up at 05:00 on 1 October.
    expect(transactions.some((row) => row[1].startsWith('2026-10-01') && row[2] === '储值充值')).toBe(true);

    const refunds = readSheet(path, '退款明细');
    expect(refunds.length - 2).toBe(expectedOctober.refundRowCount);
    expect(yuanOf(totalsRow(refunds)[6])).toBe('150.00'); // 70 approved + 70 paid + 10 approved

    const accounts = new Map(readSheet(path, '科目发生额').map((row) => [row[0], row]));
    expect(yuanOf(accounts.get('6001')![3])).toBe('130.00');

    // The running balance is not summed; the change column is.
    const storedValue = readSheet(path, '储值变动明细');
    const storedTotals = totalsRow(storedValue);
    expect(yuanOf(storedTotals[5])).toBe(formatFenAsYuan(fen(expectedOctober.storedValue.closingFen - expectedOctober.storedValue.openingFen)));
    expect(storedTotals[6]).toBe('');

    const gmv = readSheet(path, 'GMV核对');
    const gmvTotals = totalsRow(gmv);
    expect([yuanOf(gmvTotals[1]), yuanOf(gmvTotals[2]), yuanOf(gmvTotals[3])]).toEqual(['210.00', '211.00', '-1.00']);

    const profits = readSheet(path, '近六月净利润');
    expect(profits.slice(1, 7).map((row) => [row[0], yuanOf(row[1])])).toEqual(
      expectedOctober.netProfitSeries.map((point) => [point.month, formatFenAsYuan(fen(point.netProfitFen))]),
    );
  });
});

describe.skipIf(!pdftotextAvailable)('month report PDF read back by pdftotext', () => {
  it('has the Chinese title, company, period, totals and page numbers', async () => {
    const { workspace, directory } = workspaceWithLedger();
    const { pdf } = await renderMonthPdf(workspace, REPORT_TEST_MONTH, { generatedAt });
    const path = join(directory, 'month.pdf');
    writeFileSync(path, pdf);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain('月度经营报表');
    expect(text).toContain('示例商城有限公司');
    expect(text).toContain('2026-10');
    expect(text).toMatch(/营业收入\s+¥130\.00/);
    expect(text).toMatch(/净利润\s+-¥4\.03/);
    expect(text).toContain('近六个月净利润');
    for (const title of ['交易明细', '退款明细', '储值变动明细', '余额变动明细', '积分变动明细', '付款明细']) expect(text).toContain(title);
    // pdftotext drops the spaces between CJK glyphs and digits.
    expect(text.replace(/\s+/g, '')).toMatch(/第1页\/共\d+页/);
  });

  it('replaces a detail report too large for a PDF by a pointer to the workbook', async () => {
    const { workspace, directory } = workspaceWithLedger();
    const { pdf } = await renderMonthPdf(workspace, REPORT_TEST_MONTH, { generatedAt, rowCountMax: 5 });
    const path = join(directory, 'month-small.pdf');
    writeFileSync(path, pdf);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain('超过 PDF 上限 5 行');
  });
});
