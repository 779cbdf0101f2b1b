import type { SqliteDatabase } from '../../../db/open';
import {
  balanceChangeCount,
  payoutDetailCount,
  refundDetailCount,
  transactionDetailCount,
  balanceChanges,
  discrepancyRows,
  monthlyOverview,
  monthPeriod,
  payoutDetails,
  refundDetails,
  transactionDetails,
  type BalanceSubLedger,
  type MonthlyOverview,
  type ReportPeriod,
  type ReportWorkspace,
} from '../reports';
import { nextMonth } from '../calendar/shanghai';
import { writeWorkbook, type ColumnSpec, type ExportRow, type OverviewItem, type SheetSpec, type SheetWriteSummary, type TableSheetSpec } from './excel';

/**
 * The month-end workbook (overview + every detail report) and the detail sheets the audit
 * package reuses. Column specs are shared with the PDFs (month-pdf.ts), so the Excel and the
 * PDF of a report always show the same columns.
 */

export const entryTypeLabelsZh: Record<string, string> = {
  opening_balance: '期初余额',
  order_payment: '订单支付',
  points_deduction: '积分抵扣',
  points_return: '积分退回',
  points_movement: '积分变动',
  order_completion: '订单完成',
  refund_approved: '退款审批',
  refund_succeeded: '退款成功',
  topup: '储值充值',
  topup_refund: '储值退款',
  withdrawal_approved: '提现审批',
  withdrawal_paid: '提现打款',
  commission_accrual: '佣金计提',
  commission_clawback: '佣金追回',
  commission_payout: '佣金结算',
  payout_paid: '佣金打款',
  channel_fee: '渠道手续费',
  channel_settlement: '渠道结算',
  adjustment: '调整',
  reversal: '冲销',
  opening: '期初',
};

export function entryTypeLabelZh(type: string): string {
  return entryTypeLabelsZh[type] ?? type;
}

const channelLabelsZh: Record<string, string> = { wechat: '微信支付', alipay: '支付宝', none: '无渠道', bank: '银行' };

function channelLabel(channel: string | null): string | null {
  return channel === null ? null : (channelLabelsZh[channel] ?? channel);
}

/** A detail report: its title, the sheet / file name, columns and (lazy) rows. */
export interface DetailReport {
  key: 'transactions' | 'refunds' | 'stored_value' | 'balance' | 'points' | 'payouts' | 'discrepancies';
  titleZh: string;
  columns: readonly ColumnSpec[];
  rows: Iterable<ExportRow>;
  /** Counts the rows with one SQL count (to decide before rendering whether a PDF can hold them). */
  rowCount(): number;
}

function mapRows<Row, Out extends ExportRow>(rows: Iterable<Row>, shape: (row: Row) => Out): Iterable<Out> {
  return {
    *[Symbol.iterator]() {
      for (const row of rows) yield shape(row);
    },
  };
}

export const transactionColumns: readonly ColumnSpec[] = [
  { header: '凭证号', key: 'entryNo', kind: 'text', widthChars: 18 },
  { header: '业务时间', key: 'occurredAt', kind: 'datetime' },
  { header: '类型', key: 'entryTypeZh', kind: 'text', widthChars: 12 },
  { header: '单据', key: 'sourceNo', kind: 'text', widthChars: 22 },
  { header: '科目', key: 'account', kind: 'text', widthChars: 24 },
  { header: '对象', key: 'partyId', kind: 'text', widthChars: 12 },
  { header: '借方', key: 'debitFen', kind: 'money' },
  { header: '贷方', key: 'creditFen', kind: 'money' },
];

export const refundColumns: readonly ColumnSpec[] = [
  { header: '凭证号', key: 'entryNo', kind: 'text', widthChars: 18 },
  { header: '业务时间', key: 'occurredAt', kind: 'datetime' },
  { header: '类型', key: 'entryTypeZh', kind: 'text', widthChars: 12 },
  { header: '退款单号', key: 'refundNo', kind: 'text', widthChars: 20 },
  { header: '原订单号', key: 'orderNo', kind: 'text', widthChars: 20 },
  { header: '渠道', key: 'channelZh', kind: 'text', widthChars: 10 },
  { header: '退款金额', key: 'amountFen', kind: 'money' },
  { header: '原路退回', key: 'channelAmountFen', kind: 'money' },
  { header: '退回储值', key: 'storedValueAmountFen', kind: 'money' },
  { header: '退回余额', key: 'balanceAmountFen', kind: 'money' },
  { header: '清算状态', key: 'clearingStateZh', kind: 'text', widthChars: 10 },
];

function balanceColumns(subLedger: BalanceSubLedger): readonly ColumnSpec[] {
  const amountKind = subLedger === 'points' ? 'integer' : 'money';
  return [
    { header: '会员', key: 'memberId', kind: 'text', widthChars: 12 },
    { header: '业务时间', key: 'occurredAt', kind: 'datetime' },
    { header: '凭证号', key: 'entryNo', kind: 'text', widthChars: 18 },
    { header: '类型', key: 'entryTypeZh', kind: 'text', widthChars: 12 },
    { header: '单据', key: 'sourceNo', kind: 'text', widthChars: 22 },
    { header: subLedger === 'points' ? '变动积分' : '变动金额', key: 'change', kind: amountKind },
    // A running balance: never summed in the totals row.
    { header: subLedger === 'points' ? '积分余额' : '余额', key: 'balanceAfter', kind: amountKind, total: false },
  ];
}

export const payoutColumns: readonly ColumnSpec[] = [
  { header: '凭证号', key: 'entryNo', kind: 'text', widthChars: 18 },
  { header: '业务时间', key: 'occurredAt', kind: 'datetime' },
  { header: '类型', key: 'entryTypeZh', kind: 'text', widthChars: 12 },
  { header: '单据', key: 'sourceNo', kind: 'text', widthChars: 20 },
  { header: '对象', key: 'partyId', kind: 'text', widthChars: 12 },
  { header: '金额', key: 'amountFen', kind: 'money' },
  { header: '手续费', key: 'feeFen', kind: 'money' },
  { header: '净额', key: 'netFen', kind: 'money' },
  { header: '付款账户', key: 'paidFromAccount', kind: 'text', widthChars: 10 },
];

export const discrepancyColumns: readonly ColumnSpec[] = [
  { header: '业务日期', key: 'businessDate', kind: 'date' },
  { header: '类别', key: 'category', kind: 'text', widthChars: 22 },
  { header: '状态', key: 'status', kind: 'text', widthChars: 8 },
  { header: '渠道', key: 'channelZh', kind: 'text', widthChars: 10 },
  { header: '订单号', key: 'orderNo', kind: 'text', widthChars: 20 },
  { header: '退款单号', key: 'refundNo', kind: 'text', widthChars: 20 },
  { header: '商城金额', key: 'mallAmountFen', kind: 'money' },
  { header: '渠道金额', key: 'channelAmountFen', kind: 'money' },
  { header: '差额', key: 'differenceFen', kind: 'money' },
];

const reversalSuffix = '（冲销）';

export function transactionReport(sqlite: SqliteDatabase, period: ReportPeriod): DetailReport {
  return {
    key: 'transactions',
    titleZh: '交易明细',
    columns: transactionColumns,
    rowCount: () => transactionDetailCount(sqlite, period),
    rows: mapRows(transactionDetails(sqlite, period), (row) => ({
      ...row,
      entryTypeZh: entryTypeLabelZh(row.entryType),
      account: `${row.accountCode} ${row.accountNameZh}`,
    })),
  };
}

export function refundReport(sqlite: SqliteDatabase, period: ReportPeriod): DetailReport {
  return {
    key: 'refunds',
    titleZh: '退款明细',
    columns: refundColumns,
    rowCount: () => refundDetailCount(sqlite, period),
    rows: mapRows(refundDetails(sqlite, period), (row) => ({
      ...row,
      entryTypeZh: `${entryTypeLabelZh(row.entryType)}${row.reversal ? reversalSuffix : ''}`,
      channelZh: channelLabel(row.channel),
    })),
  };
}

const balanceTitlesZh: Record<BalanceSubLedger, string> = { stored_value: '储值变动明细', balance: '余额变动明细', points: '积分变动明细' };

export function balanceReport(sqlite: SqliteDatabase, subLedger: BalanceSubLedger, period: ReportPeriod): DetailReport {
  return {
    key: subLedger,
    titleZh: balanceTitlesZh[subLedger],
    columns: balanceColumns(subLedger),
    rowCount: () => balanceChangeCount(sqlite, subLedger, period),
    rows: mapRows(balanceChanges(sqlite, subLedger, period), (row) => ({ ...row, entryTypeZh: entryTypeLabelZh(row.entryType) })),
  };
}

export function payoutReport(sqlite: SqliteDatabase, period: ReportPeriod): DetailReport {
  return {
    key: 'payouts',
    titleZh: '付款明细',
    columns: payoutColumns,
    rowCount: () => payoutDetailCount(sqlite, period),
    rows: mapRows(payoutDetails(sqlite, period), (row) => ({
      ...row,
      entryTypeZh: `${entryTypeLabelZh(row.entryType)}${row.reversal ? reversalSuffix : ''}`,
    })),
  };
}

/** Null until reconciliation has run. */
export function discrepancyReport(sqlite: SqliteDatabase, firstDate: string, endDateExclusive: string): DetailReport | null {
  const rows = discrepancyRows(sqlite, firstDate, endDateExclusive);
  if (!rows) return null;
  return {
    key: 'discrepancies',
    titleZh: '差异明细',
    columns: discrepancyColumns,
    rowCount: () => {
      let count = 0;
      for (const row of rows) count += row ? 1 : 0;
      return count;
    },
    rows: mapRows(rows, (row) => ({ ...row, channelZh: channelLabel(row.channel) })),
  };
}

/** Every detail report of a month, in the order of DESIGN.md section 8. */
export function monthDetailReports(sqlite: SqliteDatabase, month: string): DetailReport[] {
  const period = monthPeriod(month);
  const reports = [
    transactionReport(sqlite, period),
    refundReport(sqlite, period),
    balanceReport(sqlite, 'stored_value', period),
    balanceReport(sqlite, 'balance', period),
    balanceReport(sqlite, 'points', period),
    payoutReport(sqlite, period),
  ];
  const discrepancies = discrepancyReport(sqlite, `${month}-01`, `${nextMonth(month)}-01`);
  if (discrepancies) reports.push(discrepancies);
  return reports;
}

/** The overview as label / value pairs (the Excel overview sheet and the PDF figures). */
export function overviewItems(overview: MonthlyOverview): OverviewItem[] {
  const money = (label: string, value: number | null): OverviewItem => ({ label, kind: 'money', value: value as OverviewItem['value'] });
  const items: OverviewItem[] = [
    money('营业收入', overview.revenueFen),
    money('销售退回', overview.returnsFen),
    money('退款支付', overview.refundsPaidFen),
    money('渠道手续费', overview.channelFeesFen),
    money('分销佣金（费用）', overview.commissionExpenseFen),
    money('佣金发放', overview.commissionPayoutsFen),
    money('积分抵扣成本', overview.pointsCostFen),
    money('储值赠送', overview.storedValueBonusFen),
    money('其他收入（提现手续费）', overview.otherIncomeFen),
    money('营业成本', overview.costOfGoodsFen),
    money('净利润', overview.netProfitFen),
    money('储值期初', overview.storedValue.openingFen),
    money('储值充值', overview.storedValue.topUpsFen),
    money('储值赠送入卡', overview.storedValue.bonusFen),
    money('储值消费', overview.storedValue.consumptionFen),
    money('储值退回', overview.storedValue.refundedFen),
    money('储值退款', overview.storedValue.topUpRefundsFen),
    money('储值其他变动', overview.storedValue.otherFen),
    money('储值期末', overview.storedValue.closingFen),
    money('提现审批金额', overview.withdrawals.approvedFen),
    money('提现手续费', overview.withdrawals.feesFen),
    money('提现已打款', overview.withdrawals.paidFen),
    money('账面GMV', overview.gmv.booksGmvFen),
    money('商城GMV', overview.gmv.mallGmvFen),
    money('GMV差额', overview.gmv.differenceFen),
    { label: 'GMV核对', kind: 'text', value: overview.gmv.matches ? '一致' : overview.gmv.mallGmvFen === null ? '商城日汇总未同步' : `${overview.gmv.daysWithDifference} 天不一致` },
  ];
  if (overview.discrepancies.available) {
    items.push(
      { label: '未处理差异（笔）', kind: 'integer', value: overview.discrepancies.openCount },
      money('未处理差异金额', overview.discrepancies.openDifferenceFen),
      { label: '差异率', kind: 'percent', value: overview.discrepancies.discrepancyRate },
    );
  } else {
    items.push({ label: '对账差异', kind: 'text', value: '尚未对账（reconciliation not run）' });
  }
  return items;
}

export const accountMovementColumns: readonly ColumnSpec[] = [
  { header: '科目代码', key: 'accountCode', kind: 'text', widthChars: 10 },
  { header: '科目名称', key: 'accountNameZh', kind: 'text', widthChars: 28 },
  { header: '本月借方', key: 'debitFen', kind: 'money' },
  { header: '本月贷方', key: 'creditFen', kind: 'money' },
];

export const gmvColumns: readonly ColumnSpec[] = [
  { header: '日期', key: 'date', kind: 'date' },
  { header: '账面GMV', key: 'booksGmvFen', kind: 'money' },
  { header: '商城GMV', key: 'mallGmvFen', kind: 'money' },
  { header: '差额', key: 'differenceFen', kind: 'money' },
];

export const netProfitColumns: readonly ColumnSpec[] = [
  { header: '月份', key: 'month', kind: 'text', widthChars: 10 },
  { header: '净利润', key: 'netProfitFen', kind: 'money' },
];

export interface MonthWorkbookResult {
  overview: MonthlyOverview;
  sheets: SheetWriteSummary[];
}

/** Sheet names: at most 31 characters, unique (Excel's rules). */
export async function writeMonthWorkbook(
  workspace: ReportWorkspace & { info(): { companyName: string } },
  month: string,
  path: string,
  options: { createdAt: Date },
): Promise<MonthWorkbookResult> {
  const overview = monthlyOverview(workspace, month);
  const company = workspace.info().companyName;
  const sheets: SheetSpec[] = [
    { type: 'overview', name: '月度概览', title: `${company} ${month} 月度概览`, items: overviewItems(overview) },
    { name: '科目发生额', columns: accountMovementColumns, rows: overview.accountMovements.map((line) => ({ ...line })) },
    { name: '近六月净利润', columns: netProfitColumns, rows: overview.netProfitSeries, totalsLabel: '六个月合计' },
    { name: 'GMV核对', columns: gmvColumns, rows: overview.gmv.days.map((day) => ({ ...day })) },
    ...monthDetailReports(workspace.sqlite, month).map((report): TableSheetSpec => ({ name: report.titleZh, columns: report.columns, rows: report.rows })),
  ];
  const { sheets: written } = await writeWorkbook(path, sheets, { createdAt: options.createdAt, creator: 'Ledgerdesk' });
  return { overview, sheets: written };
}

/** One detail report alone in a workbook (the audit package's Excel files). */
export async function writeDetailWorkbook(report: DetailReport, path: string, options: { createdAt: Date }): Promise<SheetWriteSummary> {
  const { sheets } = await writeWorkbook(path, [{ name: report.titleZh, columns: report.columns, rows: report.rows }], {
    createdAt: options.createdAt,
    creator: 'Ledgerdesk',
  });
  return sheets[0];
}
