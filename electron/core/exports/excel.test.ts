import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fen, parseYuanToFen, sumFen, type Fen } from '../money';
import { EXCEL_EXACT_FEN_LIMIT, fenToExcelYuan } from './cell-values';
import { MONEY_NUMBER_FORMAT, columnLetter, writeWorkbook, type ColumnSpec, type ExportRow } from './excel';

const xlsx2csvAvailable = spawnSync('xlsx2csv', ['--version']).status === 0;

const detailColumns: ColumnSpec[] = [
  { header: '订单号', key: 'orderNumber', kind: 'text' },
  { header: '业务日期', key: 'businessDate', kind: 'date' },
  { header: '支付时间', key: 'paidAt', kind: 'datetime' },
  { header: '金额', key: 'amountFen', kind: 'money' },
  { header: '手续费', key: 'feeFen', kind: 'money' },
  { header: '数量', key: 'quantity', kind: 'integer' },
  { header: '费率', key: 'feeRate', kind: 'percent' },
];

interface DetailRow extends ExportRow {
  orderNumber: string;
  businessDate: string;
  paidAt: Date;
  amountFen: Fen;
  feeFen: Fen | null;
  quantity: number;
  feeRate: string;
}

function makeRows(count: number): DetailRow[] {
  return Array.from({ length: count }, (_, index) => ({
    orderNumber: `ORD${String(index).padStart(6, '0')}`,
    businessDate: '2024-03-05',
    // 2024-03-05 23:30:00 in Shanghai is 15:30Z: the cell must show the Shanghai wall time.
    paidAt: new Date(Date.UTC(2024, 2, 5, 15, 30, index % 60)),
    amountFen: fen(((index * 7919) % 200_001) - 100_000),
    feeFen: index % 7 === 0 ? null : fen(index % 613),
    quantity: index % 5,
    feeRate: '0.006',
  }));
}

async function* asAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function parseCsvLine(line: string): string[] {
  // Our test values contain no commas or quotes, so a plain split is exact here.
  return line.split(',');
}

describe('writeWorkbook', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-excel-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  async function writeSample(rows: DetailRow[]): Promise<string> {
    const path = join(directory, 'report.xlsx');
    const result = await writeWorkbook(
      path,
      [
        {
          type: 'overview',
          name: '概览',
          title: '2024年3月 月度概览',
          items: [
            { label: '收入', kind: 'money', value: fen(1_234_56) },
            { label: '净利润', kind: 'money', value: fen(-500) },
            { label: '订单数', kind: 'integer', value: rows.length },
          ],
        },
        { name: '交易明细', columns: detailColumns, rows: asAsync(rows) },
      ],
      { createdAt: new Date('2024-04-01T00:00:00Z') },
    );
    expect(result.sheets[1].rowCount).toBe(rows.length);
    expect(result.sheets[1].totalsFen.amountFen).toBe(sumFen(rows.map((row) => row.amountFen)));
    return path;
  }

  it('writes real number, date and formatted cells with a frozen header, autofilter and exact totals', async () => {
    const rows = makeRows(500);
    const path = await writeSample(rows);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('交易明细');
    expect(sheet).toBeDefined();
    if (!sheet) return;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe(`A1:G${rows.length + 1}`);
    expect(sheet.getRow(1).getCell(1).value).toBe('订单号');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);

    const first = sheet.getRow(2);
    expect(typeof first.getCell(4).value).toBe('number');
    expect(first.getCell(4).value).toBe(fenToExcelYuan(rows[0].amountFen));
    expect(first.getCell(4).numFmt).toBe(MONEY_NUMBER_FORMAT);
    expect(first.getCell(2).value).toEqual(new Date('2024-03-05T00:00:00Z'));
    expect(first.getCell(3).value).toEqual(new Date('2024-03-05T23:30:00Z'));
    expect(first.getCell(6).value).toBe(0);
    expect(first.getCell(7).value).toBe(0.006);
    expect(first.getCell(7).numFmt).toBe('0.00%');
    expect(first.getCell(5).value).toBeNull(); // a null fee stays empty, not 0

    const totals = sheet.getRow(rows.length + 2);
    expect(totals.getCell(1).value).toBe('合计');
    expect(totals.getCell(4).value).toBe(fenToExcelYuan(sumFen(rows.map((row) => row.amountFen))));
    expect(totals.getCell(5).value).toBe(fenToExcelYuan(sumFen(rows.flatMap((row) => (row.feeFen === null ? [] : [row.feeFen])))));

    const overview = workbook.getWorksheet('概览');
    expect(overview?.getRow(3).getCell(2).value).toBe(-5);
    expect(overview?.getRow(3).getCell(2).numFmt).toBe(MONEY_NUMBER_FORMAT);
  });

  it.skipIf(!xlsx2csvAvailable)('is read back by an independent reader (xlsx2csv) with totals equal to the fen sum', async () => {
    const rows = makeRows(1_000);
    const path = await writeSample(rows);
    const csv = execFileSync('xlsx2csv', ['-n', '交易明细', path], { encoding: 'utf8' });
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(rows.length + 2);
    expect(parseCsvLine(lines[0])).toEqual(detailColumns.map((column) => column.header));
    expect(parseCsvLine(lines[1]).slice(0, 3)).toEqual(['ORD000000', '2024-03-05', '2024-03-05 23:30:00']);

    const readFen = (text: string): Fen => {
      const parsed = parseYuanToFen(text);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.value;
    };
    const dataAmounts = lines.slice(1, -1).map((line) => readFen(parseCsvLine(line)[3]));
    expect(dataAmounts).toEqual(rows.map((row) => row.amountFen));
    const totalsLine = parseCsvLine(lines[lines.length - 1]);
    expect(totalsLine[0]).toBe('合计');
    expect(readFen(totalsLine[3])).toBe(sumFen(rows.map((row) => row.amountFen)));
  });
  it.skipIf(xlsx2csvAvailable)('xlsx2csv check skipped: the xlsx2csv binary is missing (apt-get install xlsx2csv)', () => {});

  it('accepts a plain (synchronous) iterable and an empty source', async () => {
    const path = join(directory, 'empty.xlsx');
    const result = await writeWorkbook(path, [{ name: 'Empty', columns: detailColumns, rows: [] }]);
    expect(result.sheets[0]).toEqual({ name: 'Empty', rowCount: 0, totalsFen: { amountFen: 0, feeFen: 0 } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    expect(workbook.getWorksheet('Empty')?.getRow(2).getCell(1).value).toBe('合计');
  });

  it('refuses a float amount, a float rate, bad sheet names and closes the row source on error', async () => {
    const path = join(directory, 'bad.xlsx');
    const moneyOnly: ColumnSpec[] = [{ header: 'Amount', key: 'amount', kind: 'money' }];
    await expect(writeWorkbook(path, [{ name: 'A', columns: moneyOnly, rows: [{ amount: 1.5 }] }])).rejects.toThrow(
      /integer fen/,
    );
    const rateOnly: ColumnSpec[] = [{ header: 'Rate', key: 'rate', kind: 'percent' }];
    await expect(writeWorkbook(path, [{ name: 'A', columns: rateOnly, rows: [{ rate: 0.006 }] }])).rejects.toThrow(
      /never a float/,
    );
    await expect(writeWorkbook(path, [{ name: 'a/b', columns: moneyOnly, rows: [] }])).rejects.toThrow(/sheet name/);
    await expect(writeWorkbook(path, [{ name: 'x'.repeat(32), columns: moneyOnly, rows: [] }])).rejects.toThrow(/sheet name/);
    await expect(
      writeWorkbook(path, [
        { name: 'Same', columns: moneyOnly, rows: [] },
        { name: 'same', columns: moneyOnly, rows: [] },
      ]),
    ).rejects.toThrow(/duplicate/);

    let closed = false;
    function* source(): Generator<ExportRow> {
      try {
        for (let index = 0; index < 1000; index += 1) yield { amount: index === 300 ? 0.1 : index };
      } finally {
        closed = true;
      }
    }
    await expect(writeWorkbook(path, [{ name: 'A', columns: moneyOnly, rows: source() }])).rejects.toThrow();
    expect(closed).toBe(true);
  });
});

describe('fenToExcelYuan', () => {
  it('gives the double whose shortest decimal form is exactly the amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(EXCEL_EXACT_FEN_LIMIT - 1), max: EXCEL_EXACT_FEN_LIMIT - 1 }), (amount) => {
        const cell = fenToExcelYuan(fen(amount));
        const reread = parseYuanToFen(String(cell));
        expect(reread).toEqual({ ok: true, value: amount === 0 ? 0 : amount });
      }),
      { numRuns: 5_000 },
    );
  });

  it('refuses amounts Excel cannot show exactly', () => {
    expect(() => fenToExcelYuan(fen(EXCEL_EXACT_FEN_LIMIT))).toThrow(RangeError);
    expect(() => fenToExcelYuan(1.5 as Fen)).toThrow(RangeError);
  });
});

describe('columnLetter', () => {
  it('names columns like Excel', () => {
    expect([1, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
  });
});
