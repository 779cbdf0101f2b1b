import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Decimal from 'decimal.js';
import PdfPrinter from 'pdfmake';
import type { Content, CustomTableLayout, TableCell, TDocumentDefinitions, TFontDictionary } from 'pdfmake/interfaces';
import { fen, formatFenForDisplay, type Fen } from '../money';
import { formatShanghaiDate, requireFen } from './cell-values';
import { svgNumber, escapeXml } from '../seal/seal-image';
import type { ColumnKind, ExportRow, OverviewItem } from './excel';

/**
 * Report PDFs with pdfmake 0.2 (server side, PdfPrinter): A4, Chinese text in Noto Sans SC from
 * @embedpdf/fonts-sc (pdfkit embeds only the glyphs used), company and period in every page
 * header, "第 x 页 / 共 y 页" in every footer, money right-aligned as ¥1,234.56 with negatives red.
 */

export const REPORT_FONT_FAMILY = 'NotoSansSC';
/**
 * pdfmake lays the whole document out in memory: measured here, 20,000 rows take ~7 s and
 * ~450 MB RSS, 50,000 rows ~17 s and ~890 MB. Past this, the Excel export is the right tool.
 */
export const PDF_TABLE_ROW_COUNT_MAX = 100_000;
const NEGATIVE_RED = '#c81e1e';
const POSITIVE_BAR = '#2f6fb0';

export interface PdfColumnSpec {
  header: string;
  key: string;
  kind: ColumnKind;
  /** Fixed width in points; text columns without one share the rest of the line. */
  widthPoints?: number;
  /** Money columns are summed in the totals row unless false (a running balance is not summable). */
  total?: boolean;
}

export interface PdfTableSection {
  type: 'table';
  title?: string;
  columns: readonly PdfColumnSpec[];
  rows: Iterable<ExportRow>;
  /** Adds a 合计 row summing every money column in integer fen (default true). */
  totals?: boolean;
  /** 7 pt text and narrow cell padding, for wide detail tables (ten columns and more). */
  compact?: boolean;
}

export interface PdfFiguresSection {
  type: 'figures';
  title?: string;
  items: readonly OverviewItem[];
}

export interface ChartBar {
  /** e.g. '2024-03'. */
  label: string;
  valueFen: Fen;
}

/** A bar chart of amounts (the last six months' net profit). */
export interface PdfChartSection {
  type: 'chart';
  title?: string;
  bars: readonly ChartBar[];
}

export type ReportSection = PdfTableSection | PdfFiguresSection | PdfChartSection;

export interface ReportPdfInput {
  title: string;
  company: string;
  /** Shown as is, e.g. '2024-03' or '2024-03-01 至 2024-03-31'. */
  period: string;
  sections: readonly ReportSection[];
  generatedAt: Date;
  /** The visible seal (SVG from seal/createSealSvg), stamped after the content and optionally on every page. */
  seal?: { svg: string; everyPage?: boolean };
  /** Where the Noto Sans SC .otf files are; default: the @embedpdf/fonts-sc package. */
  fontDirectory?: string;
  /** A4 portrait by default; wide detail tables (ten columns and more) need landscape. */
  pageOrientation?: 'portrait' | 'landscape';
}

export interface RenderedTableSummary {
  rowCount: number;
  totalsFen: Record<string, Fen>;
}

export async function renderReportPdf(input: ReportPdfInput): Promise<Buffer> {
  const { definition } = buildReportDocument(input);
  const printer = new PdfPrinter(reportFonts(input.fontDirectory));
  const document = printer.createPdfKitDocument(definition);
  const chunks: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.end();
  return finished;
}

export function reportFonts(fontDirectory?: string): TFontDictionary {
  const directory = fontDirectory ?? defaultFontDirectory();
  const regular = join(directory, 'NotoSansHans-Regular.otf');
  const bold = join(directory, 'NotoSansHans-Bold.otf');
  for (const file of [regular, bold]) {
    if (!existsSync(file)) throw new Error(`CJK font missing: ${file}`);
  }
  return { [REPORT_FONT_FAMILY]: { normal: regular, bold, italics: regular, bolditalics: bold } };
}

function defaultFontDirectory(): string {
  // The package exports only its index; its fonts sit in ../fonts beside dist/.
  // The CLI is a CommonJS bundle, where import.meta is empty but `require` exists.
  const resolver = typeof require === 'function' ? require : createRequire(import.meta.url);
  return join(dirname(resolver.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
}

/** The pdfmake document, separate from rendering so its structure can be tested cheaply. */
export function buildReportDocument(input: ReportPdfInput): {
  definition: TDocumentDefinitions;
  tables: RenderedTableSummary[];
} {
  const tables: RenderedTableSummary[] = [];
  const content: Content[] = [
    { text: input.title, style: 'title' },
    {
      text: `${input.company}    期间：${input.period}    生成时间：${formatShanghaiDate(input.generatedAt, true)}`,
      style: 'subtitle',
    },
  ];
  for (const section of input.sections) {
    if (section.title) content.push({ text: section.title, style: 'sectionTitle' });
    if (section.type === 'table') {
      const { node, summary } = tableNode(section);
      tables.push(summary);
      content.push(node);
    } else if (section.type === 'figures') {
      content.push(figuresNode(section));
    } else {
      content.push({ svg: barChartSvg(section.bars), width: 480, margin: [0, 4, 0, 8] });
    }
  }
  if (input.seal) {
    content.push({
      unbreakable: true,
      margin: [0, 24, 0, 0],
      columns: [
        { width: '*', text: '' },
        {
          width: 200,
          stack: [
            { text: `${input.company}（盖章）`, alignment: 'center' },
            { svg: input.seal.svg, width: 120, alignment: 'center', margin: [0, 4, 0, 4] },
            { text: formatShanghaiDate(input.generatedAt, false), alignment: 'center' },
          ],
        },
      ],
    });
  }
  const sealSvg = input.seal?.everyPage ? input.seal.svg : undefined;
  const definition: TDocumentDefinitions = {
    pageSize: 'A4',
    pageOrientation: input.pageOrientation ?? 'portrait',
    pageMargins: [40, 56, 40, 48],
    info: {
      title: input.title,
      author: input.company,
      subject: `${input.title} ${input.period}`,
      creator: 'Ledgerdesk',
      producer: 'Ledgerdesk',
      creationDate: input.generatedAt,
    },
    defaultStyle: { font: REPORT_FONT_FAMILY, fontSize: 9 },
    styles: {
      title: { fontSize: 18, bold: true, alignment: 'center', margin: [0, 0, 0, 4] },
      subtitle: { fontSize: 9, alignment: 'center', color: '#555555', margin: [0, 0, 0, 12] },
      sectionTitle: { fontSize: 12, bold: true, margin: [0, 10, 0, 6] },
      tableHeader: { bold: true, fillColor: '#eeeeee' },
      totals: { bold: true },
    },
    header: (currentPage: number) => ({
      margin: [40, 24, 40, 0],
      columns: [
        { text: input.company, alignment: 'left', fontSize: 8, color: '#444444' },
        { text: `${input.title} · ${input.period}`, alignment: 'right', fontSize: 8, color: '#444444' },
      ],
      // pdfmake calls this once per page; the parameter is unused but names the contract.
      id: `header-${currentPage}`,
    }),
    footer: (currentPage: number, pageCount: number) => ({
      text: `第 ${currentPage} 页 / 共 ${pageCount} 页`,
      alignment: 'center',
      fontSize: 8,
      margin: [0, 16, 0, 0],
    }),
    background: sealSvg
      ? (_currentPage: number, pageSize: { width: number; height: number }) => ({
          svg: sealSvg,
          width: 90,
          absolutePosition: { x: pageSize.width - 40 - 90, y: pageSize.height - 48 - 90 },
          opacity: 0.85,
        })
      : undefined,
    content,
  };
  return { definition, tables };
}

function tableNode(section: PdfTableSection): { node: Content; summary: RenderedTableSummary } {
  const columns = section.columns;
  if (columns.length === 0) throw new RangeError('a PDF table needs at least one column');
  const moneyKeys = columns.filter((column) => column.kind === 'money' && column.total !== false).map((column) => column.key);
  const totals = new Map<string, number>(moneyKeys.map((key) => [key, 0]));
  const body: TableCell[][] = [columns.map((column) => ({ text: column.header, style: 'tableHeader', alignment: alignmentOf(column.kind) }))];
  let rowCount = 0;
  for (const row of section.rows) {
    rowCount += 1;
    if (rowCount > PDF_TABLE_ROW_COUNT_MAX) {
      throw new RangeError(`a PDF table is limited to ${PDF_TABLE_ROW_COUNT_MAX} rows; export this one to Excel`);
    }
    body.push(
      columns.map((column) => {
        const value = row[column.key];
        if (totals.has(column.key) && value !== null && value !== undefined) {
          const amount = requireFen(value, `PDF table row ${rowCount} column "${column.key}"`);
          totals.set(column.key, fen((totals.get(column.key) ?? 0) + amount));
        }
        return cellFor(column.kind, value);
      }),
    );
  }
  const totalsFen: Record<string, Fen> = {};
  for (const [key, total] of totals) totalsFen[key] = fen(total);
  if ((section.totals ?? true) && moneyKeys.length > 0) {
    const labelIndex = columns.findIndex((column) => column.kind !== 'money');
    body.push(
      columns.map((column, index) => {
        if (totals.has(column.key)) return { ...moneyCell(totalsFen[column.key]), style: 'totals' };
        return { text: index === labelIndex ? '合计' : '', style: 'totals' };
      }),
    );
  }
  return {
    node: {
      table: {
        headerRows: 1,
        widths: columns.map((column) => column.widthPoints ?? (column.kind === 'text' ? '*' : defaultWidthPoints(column.kind))),
        body,
      },
      layout: section.compact ? compactTableLayout : 'lightHorizontalLines',
      fontSize: section.compact ? 7 : 8,
    },
    summary: { rowCount, totalsFen },
  };
}

/** lightHorizontalLines with 3 pt instead of 8 pt of padding between columns. */
const compactTableLayout: CustomTableLayout = {
  hLineWidth: (index, node) => (index === 0 || index === node.table.body.length ? 0 : index === node.table.headerRows ? 1.5 : 0.5),
  vLineWidth: () => 0,
  hLineColor: '#aaaaaa',
  paddingLeft: (index) => (index === 0 ? 0 : 3),
  paddingRight: (index, node) => (index === (node.table.widths?.length ?? 0) - 1 ? 0 : 3),
  paddingTop: () => 1.5,
  paddingBottom: () => 1.5,
};

function figuresNode(section: PdfFiguresSection): Content {
  return {
    table: {
      widths: [160, 160],
      body: section.items.map((item) => [{ text: item.label, bold: true }, cellFor(item.kind, item.value)]),
    },
    layout: 'lightHorizontalLines',
  };
}

function defaultWidthPoints(kind: ColumnKind): number {
  const widths: Record<ColumnKind, number> = { text: 80, money: 70, date: 56, datetime: 86, integer: 40, percent: 44 };
  return widths[kind];
}

function alignmentOf(kind: ColumnKind): 'left' | 'right' {
  return kind === 'money' || kind === 'integer' || kind === 'percent' ? 'right' : 'left';
}

function moneyCell(amount: Fen): { text: string; alignment: 'right'; color?: string } {
  return { text: formatFenForDisplay(amount), alignment: 'right', color: amount < 0 ? NEGATIVE_RED : undefined };
}

function cellFor(kind: ColumnKind, value: unknown): TableCell {
  if (value === null || value === undefined) return { text: '' };
  switch (kind) {
    case 'money':
      return moneyCell(requireFen(value, 'PDF cell'));
    case 'date':
    case 'datetime':
      if (!(value instanceof Date) && typeof value !== 'string') throw new TypeError('expected a Date or date string');
      return { text: formatShanghaiDate(value, kind === 'datetime') };
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`expected an integer, got ${String(value)}`);
      return { text: value.toLocaleString('en-US'), alignment: 'right' };
    case 'percent':
      return { text: formatRateAsPercent(value), alignment: 'right' };
    case 'text':
      return { text: String(value) };
  }
}

/** "0.006" -> "0.60%": decimal.js, half-up to two decimals of a percent (display only). */
export function formatRateAsPercent(value: unknown): string {
  if (!(value instanceof Decimal) && (typeof value !== 'string' || !/^-?\d+(\.\d+)?$/.test(value))) {
    throw new TypeError(`a rate must be a decimal string or Decimal, never a float: ${String(value)}`);
  }
  return `${new Decimal(value).times(100).toFixed(2, Decimal.ROUND_HALF_UP)}%`;
}

const CHART_WIDTH = 480;
const CHART_HEIGHT = 220;
const CHART_PLOT_TOP = 24;
const CHART_PLOT_BOTTOM = 190;

/**
 * Bars scaled to the largest absolute value, a zero baseline, the amount above each bar
 * (below for a loss, in red) and the month under the axis. Bar heights are drawing geometry
 * derived from fen; no amount is computed from them.
 */
export function barChartSvg(bars: readonly ChartBar[]): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">`,
  ];
  const largest = Math.max(1, ...bars.map((bar) => Math.abs(bar.valueFen)));
  const hasNegative = bars.some((bar) => bar.valueFen < 0);
  const hasPositive = bars.some((bar) => bar.valueFen > 0) || !hasNegative;
  const plotHeight = CHART_PLOT_BOTTOM - CHART_PLOT_TOP;
  const zeroY = hasNegative && hasPositive ? CHART_PLOT_TOP + plotHeight / 2 : hasNegative ? CHART_PLOT_TOP : CHART_PLOT_BOTTOM;
  const halfOrFull = hasNegative && hasPositive ? plotHeight / 2 : plotHeight;
  const slotWidth = (CHART_WIDTH - 20) / Math.max(1, bars.length);
  const barWidth = Math.min(48, slotWidth * 0.6);
  parts.push(`<line x1="10" y1="${svgNumber(zeroY)}" x2="${CHART_WIDTH - 10}" y2="${svgNumber(zeroY)}" stroke="#888888" stroke-width="1"/>`);
  bars.forEach((bar, index) => {
    const centerX = 10 + slotWidth * (index + 0.5);
    const height = (Math.abs(bar.valueFen) / largest) * (halfOrFull - 16);
    const negative = bar.valueFen < 0;
    const top = negative ? zeroY : zeroY - height;
    const color = negative ? NEGATIVE_RED : POSITIVE_BAR;
    parts.push(
      `<rect x="${svgNumber(centerX - barWidth / 2)}" y="${svgNumber(top)}" width="${svgNumber(barWidth)}" height="${svgNumber(Math.max(height, 0.5))}" fill="${color}"/>`,
    );
    const valueY = negative ? top + height + 11 : top - 4;
    parts.push(
      `<text x="${svgNumber(centerX)}" y="${svgNumber(valueY)}" font-family="${REPORT_FONT_FAMILY}" font-size="8" fill="${negative ? NEGATIVE_RED : '#222222'}" text-anchor="middle">${escapeXml(formatFenForDisplay(bar.valueFen))}</text>`,
    );
    parts.push(
      `<text x="${svgNumber(centerX)}" y="${CHART_HEIGHT - 8}" font-family="${REPORT_FONT_FAMILY}" font-size="9" fill="#222222" text-anchor="middle">${escapeXml(bar.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
