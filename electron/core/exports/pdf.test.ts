import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fen, formatFenForDisplay, sumFen, type Fen } from '../money';
import { createSealSvg } from '../seal/seal-image';
import { PDF_TABLE_ROW_COUNT_MAX, barChartSvg, buildReportDocument, formatRateAsPercent, renderReportPdf, type PdfColumnSpec, type ReportPdfInput } from './pdf';

const pdftotextAvailable = spawnSync('pdftotext', ['-v']).status === 0;

const columns: PdfColumnSpec[] = [
  { header: '订单号', key: 'orderNumber', kind: 'text' },
  { header: '支付时间', key: 'paidAt', kind: 'datetime' },
  { header: '渠道', key: 'channel', kind: 'text' },
  { header: '金额', key: 'amountFen', kind: 'money' },
];

function rows(count: number): { orderNumber: string; paidAt: Date; channel: string; amountFen: Fen }[] {
  return Array.from({ length: count }, (_, index) => ({
    orderNumber: `ORD${String(index).padStart(6, '0')}`,
    paidAt: new Date(Date.UTC(2024, 2, 1, 16, 0, index % 60)), // 2024-03-02 00:00 in Shanghai
    channel: index % 2 === 0 ? '微信支付' : '支付宝',
    amountFen: fen(((index * 7919) % 100_000) - 30_000),
  }));
}

function input(rowCount: number): ReportPdfInput {
  return {
    title: '交易明细',
    company: '上海示例商贸有限公司',
    period: '2024-03',
    generatedAt: new Date('2024-04-01T02:00:00Z'),
    seal: { svg: createSealSvg({ companyName: '上海示例商贸有限公司', caption: '财务专用章' }) },
    sections: [
      {
        type: 'figures',
        title: '月度概览',
        items: [
          { label: '收入', kind: 'money', value: fen(12_345_678) },
          { label: '净利润', kind: 'money', value: fen(-4_500) },
          { label: '手续费率', kind: 'percent', value: '0.006' },
        ],
      },
      {
        type: 'chart',
        title: '近六个月净利润',
        bars: ['2023-10', '2023-11', '2023-12', '2024-01', '2024-02', '2024-03'].map((label, index) => ({
          label,
          valueFen: fen((index - 1) * 100_000),
        })),
      },
      { type: 'table', title: '明细', columns, rows: rows(rowCount) },
    ],
  };
}

describe('renderReportPdf', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-pdf-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it.skipIf(!pdftotextAvailable)('renders Chinese text, page numbers, the header and the exact totals (pdftotext)', async () => {
    const tableRows = rows(300);
    const pdf = await renderReportPdf(input(300));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The CJK font is subset: a multi-page report stays far below the 8 MB font file.
    expect(pdf.length).toBeLessThan(600_000);
    const path = join(directory, 'report.pdf');
    writeFileSync(path, pdf);
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(text).toContain('交易明细');
    expect(text).toContain('上海示例商贸有限公司');
    expect(text).toContain('期间：2024-03');
    expect(text).toContain('2024-03-02 00:00:00');
    expect(text).toContain('¥123,456.78');
    expect(text).toContain('-¥45.00');
    expect(text).toContain('0.60%');
    const pageCount = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))?.[1]);
    expect(pageCount).toBeGreaterThan(2);
    // pdftotext drops the spaces between CJK glyphs.
    const compact = text.replace(/\s+/g, '');
    expect(compact).toContain(`第1页/共${pageCount}页`);
    expect(compact).toContain(`第${pageCount}页/共${pageCount}页`);
    // The header row repeats on every page of the table.
    expect(text.match(/订单号/g)?.length).toBeGreaterThanOrEqual(pageCount - 1);
    const total = sumFen(tableRows.map((row) => row.amountFen));
    expect(text).toMatch(new RegExp(`合计\\s+${formatFenForDisplay(total).replace(/[$.^*+?()[\]{}|\\]/g, '\\$&')}`));
  });

  it('sums money columns in fen, right-aligns amounts and colours negatives red', () => {
    const { definition, tables } = buildReportDocument(input(50));
    expect(tables).toEqual([{ rowCount: 50, totalsFen: { amountFen: sumFen(rows(50).map((row) => row.amountFen)) } }]);
    const table = (definition.content as { table?: { body: { text: string; alignment?: string; color?: string }[][]; headerRows: number } }[])
      .find((node) => node.table && node.table.headerRows === 1 && node.table.body[0][0].text === '订单号')?.table;
    expect(table).toBeDefined();
    if (!table) return;
    const first = table.body[1][3];
    expect(first).toMatchObject({ text: '-¥300.00', alignment: 'right', color: '#c81e1e' });
    expect(table.body[5][3]).toMatchObject({ text: '¥16.76', color: undefined });
    expect(table.body[table.body.length - 1][0].text).toBe('合计');
    const footer = definition.footer as (page: number, pages: number) => { text: string };
    expect(footer(2, 7).text).toBe('第 2 页 / 共 7 页');
  });

  it('refuses float money and float rates', async () => {
    const bad = input(1);
    bad.sections = [{ type: 'table', columns, rows: [{ orderNumber: 'x', paidAt: new Date(0), channel: 'x', amountFen: 1.5 }] }];
    expect(() => buildReportDocument(bad)).toThrow(/integer fen/);
    expect(() => formatRateAsPercent(0.006)).toThrow(/never a float/);
    expect(formatRateAsPercent('0.00125')).toBe('0.13%');
    function* endless(): Generator<{ orderNumber: string }> {
      for (;;) yield { orderNumber: 'x' };
    }
    bad.sections = [{ type: 'table', columns: [columns[0]], rows: endless() }];
    expect(() => buildReportDocument(bad)).toThrow(new RegExp(`limited to ${PDF_TABLE_ROW_COUNT_MAX}`));
  });

  it('draws a labelled bar chart with losses in red below the axis', () => {
    const svg = barChartSvg([
      { label: '2024-02', valueFen: fen(-35_000) },
      { label: '2024-03', valueFen: fen(210_000) },
    ]);
    expect(svg).toContain('>2024-02</text>');
    expect(svg).toContain('>-¥350.00</text>');
    expect(svg).toContain('>¥2,100.00</text>');
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg).toContain('fill="#c81e1e"');
  });
});
