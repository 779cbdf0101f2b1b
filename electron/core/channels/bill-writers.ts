import { fen, formatFenAsYuan } from '../money';

/*
 * Writers of channel files in their real formats (FORMATS.md), for tests, property tests and the
 * throughput check. They are the inverse of the parsers on purpose, kept independent of them.
 */

export type WechatBillType = 'ALL' | 'SUCCESS' | 'REFUND';

export interface WechatTradeRowSpec {
  time: string;
  tradeNo: string;
  orderNo: string;
  status: 'SUCCESS' | 'REFUND';
  /** 应结订单金额 on payments, 0 on refunds. */
  settledFen: number;
  /** 订单金额 (payments). */
  orderFen?: number;
  refundFen?: number;
  requestedRefundFen?: number;
  /** Already rounded to the fen; written with 5 decimals ("0.18000"). */
  feeFen: number;
  goodsName?: string;
  attach?: string;
  refundNo?: string;
  merchantRefundNo?: string;
  refundRequestTime?: string;
  refundSuccessTime?: string;
  rate?: string;
}

export interface WechatWriteOptions {
  eol?: '\n' | '\r\n';
  bom?: boolean;
  finalNewline?: boolean;
  /** Write the 7-column summary even on SUCCESS bills, as real captures do. Default true. */
  fullSummaryOnSuccess?: boolean;
  /** Override one stated total, to build a mismatching file. */
  summaryOverride?: Partial<Record<string, string>>;
}

export const wechatHeaders: Record<WechatBillType, string> = {
  ALL: '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
  SUCCESS: '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注',
  REFUND: '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
};

export const wechatFullSummaryHeader = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

export function yuan(amountFen: number): string {
  return formatFenAsYuan(fen(amountFen));
}

export function fee5(amountFen: number): string {
  return `${formatFenAsYuan(fen(amountFen))}000`;
}

export function wechatTradeLine(type: WechatBillType, row: WechatTradeRowSpec): string {
  const refund = row.status === 'REFUND';
  const head = [row.time, 'wx81be3101902f7cb2', '1601959334', '0', '', row.tradeNo, row.orderNo, 'ofyak5qR_1wYsC99CsWA6R9MJazA', 'JSAPI', row.status, 'OTHERS', 'CNY', yuan(row.settledFen), '0.00'];
  const refundIds = [refund ? row.refundNo ?? '' : '0', refund ? row.merchantRefundNo ?? '' : '0', yuan(row.refundFen ?? 0), '0.00', refund ? 'ORIGINAL' : '', refund ? 'SUCCESS' : ''];
  const tail = [row.goodsName ?? '商品', row.attach ?? '', fee5(row.feeFen), row.rate ?? '0.60%'];
  const orderFen = row.orderFen ?? row.settledFen;
  let fields: string[];
  if (type === 'SUCCESS') fields = [...head, ...tail, yuan(orderFen), ''];
  else if (type === 'ALL') fields = [...head, ...refundIds, ...tail, yuan(orderFen), yuan(row.requestedRefundFen ?? row.refundFen ?? 0), ''];
  else fields = [...head, row.refundRequestTime ?? row.time, row.refundSuccessTime ?? row.time, ...refundIds, ...tail, yuan(orderFen), yuan(row.requestedRefundFen ?? row.refundFen ?? 0), ''];
  return fields.map((field) => `\`${field}`).join(',');
}

export interface WechatTotals {
  count: number;
  settled: number;
  refund: number;
  fee: number;
  order: number;
  requestedRefund: number;
}

export function emptyWechatTotals(): WechatTotals {
  return { count: 0, settled: 0, refund: 0, fee: 0, order: 0, requestedRefund: 0 };
}

export function addToWechatTotals(totals: WechatTotals, row: WechatTradeRowSpec): void {
  totals.count += 1;
  totals.settled += row.settledFen;
  totals.refund += row.refundFen ?? 0;
  totals.fee += row.feeFen;
  totals.order += row.orderFen ?? row.settledFen;
  totals.requestedRefund += row.requestedRefundFen ?? row.refundFen ?? 0;
}

export function wechatSummaryLines(type: WechatBillType, totals: WechatTotals, options: WechatWriteOptions = {}): string[] {
  const values: Record<string, string> = {
    总交易单数: String(totals.count),
    应结订单总金额: yuan(totals.settled),
    退款总金额: yuan(totals.refund),
    充值券退款总金额: '0.00',
    手续费总金额: fee5(totals.fee),
    订单总金额: yuan(totals.order),
    申请退款总金额: yuan(totals.requestedRefund),
    ...options.summaryOverride,
  } as Record<string, string>;
  const names = type === 'SUCCESS' && options.fullSummaryOnSuccess === false
    ? ['总交易单数', '应结订单总金额', '手续费总金额', '订单总金额']
    : wechatFullSummaryHeader.split(',');
  return [names.join(','), names.map((name) => `\`${values[name]}`).join(',')];
}

/** A whole WeChat trade bill as text. */
export function wechatTradeBill(type: WechatBillType, rows: WechatTradeRowSpec[], options: WechatWriteOptions = {}): string {
  const eol = options.eol ?? '\r\n';
  const totals = emptyWechatTotals();
  const lines = [wechatHeaders[type]];
  for (const row of rows) {
    lines.push(wechatTradeLine(type, row));
    addToWechatTotals(totals, row);
  }
  lines.push(...wechatSummaryLines(type, totals, options));
  return `${options.bom ? '\uFEFF' : ''}${lines.join(eol)}${options.finalNewline ? eol : ''}`;
}
