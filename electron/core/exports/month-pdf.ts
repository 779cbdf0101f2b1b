import { monthlyOverview, type MonthlyOverview, type ReportWorkspace } from '../reports';
import type { ColumnSpec } from './excel';
import {
  accountMovementColumns,
  gmvColumns,
  monthDetailReports,
  overviewItems,
  type DetailReport,
} from './month-workbook';
import { PDF_TABLE_ROW_COUNT_MAX, renderReportPdf, type PdfColumnSpec, type ReportSection } from './pdf';

/**
 * PDFs of the month-end reports (A4, company and period in every header, page x of y in every
 * footer, Chinese text in Noto Sans SC): the overview with the six-month net profit chart, and
 * each detail report. pdfmake lays a document out in memory, so a detail report larger than
 * PDF_TABLE_ROW_COUNT_MAX rows is not put in the PDF: its section says so and points at the
 * Excel workbook, which holds every row.
 */

export const MONTH_REPORT_TITLE = '月度经营报表';
/** From this many columns a table is set compact (7 pt, narrow padding) to fit an A4 landscape line. */
export const COMPACT_COLUMN_COUNT_MIN = 9;

/** The same columns as the Excel sheet; widths are left to the PDF engine (text shares the line). */
export function pdfColumns(columns: readonly ColumnSpec[]): PdfColumnSpec[] {
  return columns.map((column) => ({ header: column.header, key: column.key, kind: column.kind, total: column.total }));
}

export function detailSection(report: DetailReport, rowCountMax = PDF_TABLE_ROW_COUNT_MAX): ReportSection {
  const rowCount = report.rowCount();
  if (rowCount > rowCountMax) {
    return {
      type: 'figures',
      title: report.titleZh,
      items: [
        { label: '行数', kind: 'integer', value: rowCount },
        { label: '说明', kind: 'text', value: `超过 PDF 上限 ${rowCountMax} 行，完整明细见 Excel 工作簿` },
      ],
    };
  }
  return { type: 'table', title: report.titleZh, columns: pdfColumns(report.columns), rows: report.rows, compact: report.columns.length >= COMPACT_COLUMN_COUNT_MIN };
}

export function overviewSections(overview: MonthlyOverview): ReportSection[] {
  return [
    { type: 'figures', title: '月度概览', items: overviewItems(overview) },
    {
      type: 'chart',
      title: '近六个月净利润',
      bars: overview.netProfitSeries.map((point) => ({ label: point.month, valueFen: point.netProfitFen })),
    },
    { type: 'table', title: '科目发生额', columns: pdfColumns(accountMovementColumns), rows: overview.accountMovements.map((line) => ({ ...line })) },
    {
      type: 'table',
      title: 'GMV 核对（账面 vs 商城日汇总）',
      columns: pdfColumns(gmvColumns),
      rows: overview.gmv.days.map((day) => ({ ...day })),
    },
  ];
}

export interface MonthPdfOptions {
  generatedAt: Date;
  /** Include every detail report after the overview (default true). */
  details?: boolean;
  rowCountMax?: number;
}

/** The month's report as one PDF: overview, chart, GMV cross-check, then the detail reports. */
export async function renderMonthPdf(
  workspace: ReportWorkspace & { info(): { companyName: string } },
  month: string,
  options: MonthPdfOptions,
): Promise<{ pdf: Buffer; overview: MonthlyOverview }> {
  const overview = monthlyOverview(workspace, month);
  const details = options.details ?? true;
  const sections: ReportSection[] = [
    ...overviewSections(overview),
    ...(details ? monthDetailReports(workspace.sqlite, month).map((report) => detailSection(report, options.rowCountMax)) : []),
  ];
  const pdf = await renderReportPdf({
    title: MONTH_REPORT_TITLE,
    company: workspace.info().companyName,
    period: month,
    sections,
    generatedAt: options.generatedAt,
    // The detail tables are wide (up to eleven columns).
    pageOrientation: details ? 'landscape' : 'portrait',
  });
  return { pdf, overview };
}
