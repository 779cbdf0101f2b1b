import { fen, formatFenAsYuan, negateFen, type Fen } from '../money';
import { RowError, type ChannelFileKind, type ChannelFileSummary, type ChannelRow, type LineParser } from './types';
import { idOrNull, normalizeHeaderName, parseAmountFen, parseCount, parseNaiveBeijingTime, textOrNull } from './values';
import { splitWechatFields, splitWechatHeader, WechatSummaryBlock } from './wechat-fields';

/*
 * WeChat Pay trade bill (交易账单), FORMATS.md 1.2: ALL / SUCCESS / REFUND in the current
 * (27/20/29 columns) and legacy (24/18/26) layouts, mapped by header name, followed by a summary
 * header and one summary row whose totals the detail rows must add up to.
 */

type Column =
  | 'time' | 'merchantId' | 'subMerchantId' | 'tradeNo' | 'orderNo' | 'openId' | 'status'
  | 'settledAmount' | 'refundNo' | 'merchantRefundNo' | 'refundAmount' | 'voucherRefundAmount'
  | 'refundStatus' | 'goodsName' | 'attach' | 'fee' | 'rate' | 'orderAmount' | 'requestedRefundAmount'
  | 'refundRequestTime' | 'refundSuccessTime';

const columnAliases: Record<Column, string[]> = {
  time: ['交易时间'],
  merchantId: ['商户号'],
  subMerchantId: ['特约商户号', '子商户号'],
  tradeNo: ['微信订单号'],
  orderNo: ['商户订单号'],
  openId: ['用户标识'],
  status: ['交易状态'],
  // Legacy bills have no 免充值券, so 总金额 is both what the order cost and what settles.
  settledAmount: ['应结订单金额', '总金额'],
  refundNo: ['微信退款单号'],
  merchantRefundNo: ['商户退款单号'],
  refundAmount: ['退款金额'],
  voucherRefundAmount: ['充值券退款金额', '代金券或立减优惠退款金额', '企业红包退款金额'],
  refundStatus: ['退款状态'],
  goodsName: ['商品名称'],
  attach: ['商户数据包'],
  fee: ['手续费'],
  rate: ['费率'],
  orderAmount: ['订单金额', '总金额'],
  requestedRefundAmount: ['申请退款金额'],
  refundRequestTime: ['退款申请时间'],
  refundSuccessTime: ['退款成功时间'],
};

const requiredColumns: Column[] = ['time', 'tradeNo', 'orderNo', 'status', 'settledAmount', 'goodsName', 'attach', 'fee', 'rate'];

/** Column counts per bill type: [current, legacy]. */
const layoutColumnCounts: Record<'all' | 'success' | 'refund', [number, number]> = {
  all: [27, 24],
  success: [20, 18],
  refund: [29, 26],
};

/** Summary header name -> the detail total it states. */
type Total = 'count' | 'settled' | 'refund' | 'voucherRefund' | 'fee' | 'order' | 'requestedRefund';
const summaryAliases: Record<string, Total> = {
  总交易单数: 'count',
  应结订单总金额: 'settled',
  总交易额: 'settled',
  退款总金额: 'refund',
  总退款金额: 'refund',
  充值券退款总金额: 'voucherRefund',
  总代金券或立减优惠退款金额: 'voucherRefund',
  总企业红包退款金额: 'voucherRefund',
  手续费总金额: 'fee',
  订单总金额: 'order',
  申请退款总金额: 'requestedRefund',
};

export function isWechatTradeHeader(line: string): boolean {
  const names = splitWechatHeader(line);
  return names[0] === '交易时间' && names.includes('微信订单号');
}

export class WechatTradeParser implements LineParser {
  readonly channel = 'wechat' as const;
  readonly toleratesUndecodableBytes = false;
  readonly kind: ChannelFileKind;
  private readonly index = new Map<Column, number>();
  private readonly columnCount: number;
  private readonly freeTextFirstIndex: number;
  private readonly summaryBlock = new WechatSummaryBlock('总交易单数');
  private readonly totals: Record<Total, number> = { count: 0, settled: 0, refund: 0, voucherRefund: 0, fee: 0, order: 0, requestedRefund: 0 };
  private lastLineNumber = 0;

  constructor(headerLine: string, headerLineNumber: number) {
    const names = splitWechatHeader(headerLine).map(normalizeHeaderName);
    this.columnCount = names.length;
    for (const [column, aliases] of Object.entries(columnAliases) as [Column, string[]][]) {
      const position = names.findIndex((name) => aliases.includes(name));
      if (position >= 0) this.index.set(column, position);
    }
    const missing = requiredColumns.filter((column) => !this.index.has(column));
    if (missing.length > 0) {
      throw new RowError(headerLineNumber, `unknown WeChat trade bill layout: no column ${missing.map((c) => columnAliases[c][0]).join(', ')}`);
    }
    const type = this.index.has('refundRequestTime') ? 'refund' : this.index.has('refundNo') ? 'all' : 'success';
    const legacy = !names.includes('应结订单金额');
    const expected = layoutColumnCounts[type][legacy ? 1 : 0];
    if (names.length !== expected) {
      throw new RowError(headerLineNumber, `unknown WeChat trade bill layout: ${type.toUpperCase()} ${legacy ? 'legacy ' : ''}bill should have ${expected} columns, header has ${names.length}`);
    }
    this.kind = type === 'all' ? 'wechat_trade_all' : type === 'success' ? 'wechat_trade_success' : 'wechat_trade_refund';
    this.freeTextFirstIndex = this.index.get('goodsName')!;
    if (this.index.get('attach') !== this.freeTextFirstIndex + 1) {
      throw new RowError(headerLineNumber, 'unknown WeChat trade bill layout: 商户数据包 does not follow 商品名称');
    }
    this.lastLineNumber = headerLineNumber;
  }

  consume(line: string, lineNumber: number): ChannelRow[] | null {
    if (line.trim() === '') return null;
    this.lastLineNumber = lineNumber;
    if (this.summaryBlock.take(line, lineNumber)) return null;
    return [this.parseRow(line, lineNumber)];
  }

  private field(fields: string[], column: Column): string | undefined {
    const position = this.index.get(column);
    return position === undefined ? undefined : fields[position];
  }

  private amount(fields: string[], column: Column, lineNumber: number, decimalsMax = 2): Fen {
    const text = this.field(fields, column);
    if (text === undefined) return fen(0);
    const parsed = parseAmountFen(text, { decimalsMax });
    if (!parsed.ok) throw new RowError(lineNumber, `${columnAliases[column][0]}: ${parsed.error}`);
    return parsed.value;
  }

  private time(fields: string[], column: Column, lineNumber: number) {
    const text = this.field(fields, column) ?? '';
    const parsed = parseNaiveBeijingTime(text);
    if (parsed === null) throw new RowError(lineNumber, `${columnAliases[column][0]}: not a yyyy-MM-dd HH:mm:ss time: "${text}"`);
    return parsed;
  }

  private parseRow(line: string, lineNumber: number): ChannelRow {
    const fields = splitWechatFields(line, this.columnCount, this.freeTextFirstIndex, lineNumber);
    const status = this.field(fields, 'status') ?? '';
    const tradeTime = this.time(fields, 'time', lineNumber);
    const settled = this.amount(fields, 'settledAmount', lineNumber);
    const refund = this.amount(fields, 'refundAmount', lineNumber);
    const voucherRefund = this.amount(fields, 'voucherRefundAmount', lineNumber);
    // 手续费 has 5 decimals, cent-rounded and zero-padded; non-zero digits past the fen are an error.
    const fee = this.amount(fields, 'fee', lineNumber, 5);
    const order = this.index.has('orderAmount') ? this.amount(fields, 'orderAmount', lineNumber) : settled;
    const requestedRefund = this.amount(fields, 'requestedRefundAmount', lineNumber);
    const rate = this.field(fields, 'rate') ?? '';
    if (rate !== '' && !/^\d+(\.\d+)?%$/.test(rate)) throw new RowError(lineNumber, `费率: not a percentage: "${rate}"`);

    this.totals.count += 1;
    this.totals.settled += settled;
    this.totals.refund += refund;
    this.totals.voucherRefund += voucherRefund;
    this.totals.fee += fee;
    this.totals.order += order;
    this.totals.requestedRefund += requestedRefund;

    const tradeNo = idOrNull(this.field(fields, 'tradeNo'));
    const merchantOrderNo = idOrNull(this.field(fields, 'orderNo'));
    const account = idOrNull(this.field(fields, 'subMerchantId')) ?? idOrNull(this.field(fields, 'merchantId'));
    const counterparty = textOrNull(this.field(fields, 'openId'));
    const memo = textOrNull(this.field(fields, 'goodsName'));
    // Rows are built as one literal (no spreads): this loop runs a million times per bill.
    if (status === 'SUCCESS') {
      return {
        channel: 'wechat',
        kind: 'payment',
        merchantOrderNo,
        merchantRefundNo: null,
        channelTradeNo: tradeNo,
        channelRefundNo: null,
        amountFen: settled,
        orderAmountFen: order,
        feeFen: fee,
        currency: 'CNY',
        occurredAt: tradeTime.occurredAt,
        businessDate: tradeTime.businessDate,
        status,
        account,
        counterparty,
        memo,
        lineNumber,
        rawLine: line,
        naturalKey: `wechat:pay:${tradeNo ?? merchantOrderNo}`,
      };
    }
    if (status === 'REFUND' || status === 'REVOKED') {
      // REFUND bills carry the refund's own times; 交易时间 there is the original payment time.
      const refundTime = textOrNull(this.field(fields, 'refundSuccessTime')) !== null
        ? this.time(fields, 'refundSuccessTime', lineNumber)
        : textOrNull(this.field(fields, 'refundRequestTime')) !== null
          ? this.time(fields, 'refundRequestTime', lineNumber)
          : tradeTime;
      const channelRefundNo = idOrNull(this.field(fields, 'refundNo'));
      const merchantRefundNo = idOrNull(this.field(fields, 'merchantRefundNo'));
      const refundStatus = textOrNull(this.field(fields, 'refundStatus'));
      return {
        channel: 'wechat',
        kind: 'refund',
        merchantOrderNo,
        merchantRefundNo,
        channelTradeNo: tradeNo,
        channelRefundNo,
        amountFen: negateFen(refund),
        orderAmountFen: negateFen(this.index.has('requestedRefundAmount') ? requestedRefund : refund),
        feeFen: fee,
        currency: 'CNY',
        occurredAt: refundTime.occurredAt,
        businessDate: refundTime.businessDate,
        status: refundStatus === null ? status : `${status}/${refundStatus}`,
        account,
        counterparty,
        memo,
        lineNumber,
        rawLine: line,
        naturalKey: channelRefundNo !== null
          ? `wechat:refund:${channelRefundNo}`
          : `wechat:${status.toLowerCase()}:${tradeNo}:${merchantRefundNo ?? ''}`,
      };
    }
    throw new RowError(lineNumber, `交易状态: unknown status "${status}"`);
  }

  end(): ChannelRow[] | null {
    if (!this.summaryBlock.complete) {
      throw new RowError(this.lastLineNumber + 1, 'file ends before the summary block (总交易单数 ...): truncated');
    }
    return null;
  }

  summary(): ChannelFileSummary {
    if (!this.summaryBlock.names.includes('总交易单数')) throw new RowError(this.summaryBlock.line, 'summary has no 总交易单数');
    this.summaryBlock.names.forEach((name, position) => {
      const total = summaryAliases[name];
      if (total === undefined) return; // a column we cannot recompute is not checked
      const text = this.summaryBlock.values[position];
      let stated: number;
      if (total === 'count') {
        const count = parseCount(text);
        if (count === null) throw new RowError(this.summaryBlock.line, `${name}: not a count: "${text}"`);
        stated = count;
      } else {
        const parsed = parseAmountFen(text, { decimalsMax: total === 'fee' ? 5 : 2 });
        if (!parsed.ok) throw new RowError(this.summaryBlock.line, `${name}: ${parsed.error}`);
        stated = parsed.value;
      }
      if (stated !== this.totals[total]) {
        throw new RowError(this.summaryBlock.line, `totals mismatch: ${name} says ${text} but the detail rows add up to ${total === 'count' ? this.totals[total] : formatFenAsYuan(fen(this.totals[total]))}`);
      }
    });
    return { totalsChecked: true, closingBalances: [], rowCount: this.totals.count };
  }
}

