import { fen, formatFenAsYuan, negateFen, type Fen } from '../money';
import { splitCsvLine, trimCell } from './csv-line';
import { RowError, type ChannelFileSummary, type ChannelRow, type ChannelRowKind, type ClosingBalance, type LineParser } from './types';
import { contentDigest, idOrNull, normalizeHeaderName, parseAmountFen, parseNaiveBeijingTime, textOrNull, type BeijingTime } from './values';

/*
 * Alipay bills, FORMATS.md 2.3 and 2.5: 业务明细 (trade, 25 columns) and 账务明细 (account
 * ledger). `#` preamble, the header found by content after the "…明细列表" marker, cells padded
 * with TABs, footer totals in prose after "…明细列表结束". Columns are mapped by header name
 * (NFKC: （元） == (元)); extra columns in newer files are tolerated.
 */

const tradeColumns = {
  tradeNo: '支付宝交易号',
  orderNo: '商户订单号',
  businessType: '业务类型',
  goodsName: '商品名称',
  createdAt: '创建时间',
  completedAt: '完成时间',
  counterparty: '对方账户',
  orderAmount: '订单金额(元)',
  received: '商家实收(元)',
  merchantDiscount: '商家优惠(元)',
  refundNo: '退款批次号/请求号',
  serviceFee: '服务费(元)',
  remark: '备注',
} as const;

const accountColumns = {
  entryNo: '账务流水号',
  businessNo: '业务流水号',
  orderNo: '商户订单号',
  goodsName: '商品名称',
  occurredAt: '发生时间',
  counterparty: '对方账号',
  income: '收入金额(+元)',
  expense: '支出金额(-元)',
  balance: '账户余额(元)',
  channelName: '交易渠道',
  businessType: '业务类型',
  remark: '备注',
} as const;

type TradeColumn = keyof typeof tradeColumns;
type AccountColumn = keyof typeof accountColumns;

export function alipayKindFromFirstLine(line: string): 'alipay_trade' | 'alipay_account' | 'summary' | null {
  const text = line.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('#支付宝业务明细查询')) return 'alipay_trade';
  if (text.startsWith('#支付宝账务明细查询')) return 'alipay_account';
  if (/^#支付宝(业务|账务)汇总查询/.test(text)) return 'summary';
  return null;
}

function accountKind(businessType: string): ChannelRowKind {
  if (businessType.includes('退款')) return 'refund';
  if (businessType.includes('服务费') || businessType.includes('收费')) return 'fee';
  if (businessType.includes('提现')) return 'settlement';
  if (businessType.includes('支付') || businessType === '交易') return 'payment';
  return 'transfer';
}

/** Every way to share `surplus` extra cells among `slots` free-text columns. */
function* distributions(surplus: number, slots: number): Generator<number[]> {
  if (slots === 0) return;
  if (slots === 1) {
    yield [surplus];
    return;
  }
  for (let first = surplus; first >= 0; first -= 1) {
    for (const rest of distributions(surplus - first, slots - 1)) yield [first, ...rest];
  }
}

export class AlipayParser implements LineParser {
  readonly channel = 'alipay' as const;
  readonly toleratesUndecodableBytes = false;
  private state: 'preamble' | 'detail' | 'footer' = 'preamble';
  private names: string[] = [];
  private readonly index = new Map<string, number>();
  private account: string | null = null;
  private lastLineNumber = 0;
  private rowCount = 0;
  private readonly footerTotals = new Map<string, { line: number; count: number; amounts: string[] }>();
  // trade: per 业务类型 (交易 / 退款); account: income / expense
  private readonly sums = new Map<string, { count: number; received: number; discount: number }>();
  private latestBalance: { balanceFen: Fen; at: string } | null = null;

  constructor(readonly kind: 'alipay_trade' | 'alipay_account') {}

  private column(name: TradeColumn | AccountColumn): number | undefined {
    const header = this.kind === 'alipay_trade' ? tradeColumns[name as TradeColumn] : accountColumns[name as AccountColumn];
    return this.index.get(header);
  }

  private cell(cells: string[], name: TradeColumn | AccountColumn): string {
    const position = this.column(name);
    return position === undefined ? '' : cells[position] ?? '';
  }

  consume(line: string, lineNumber: number): ChannelRow[] | null {
    this.lastLineNumber = lineNumber;
    const text = line.trim();
    if (text === '') return null;
    const normalized = text.normalize('NFKC');
    if (this.state === 'preamble') {
      if (text.startsWith('#')) {
        const account = /^#账号:\[(.*)\]/.exec(normalized);
        if (account !== null) this.account = account[1].trim();
        return null;
      }
      this.readHeader(line, lineNumber);
      this.state = 'detail';
      return null;
    }
    if (this.state === 'detail') {
      if (text.startsWith('#')) {
        if (!/列表结束/.test(text)) throw new RowError(lineNumber, `unexpected comment line inside the detail list: "${text}"`);
        this.state = 'footer';
        return null;
      }
      return [this.parseRow(line, lineNumber)];
    }
    if (!text.startsWith('#')) throw new RowError(lineNumber, 'unexpected data after the end of the detail list');
    const total = /^#(交易|退款|收入|支出)合计:(\d+)笔,(.*)$/.exec(normalized);
    if (total !== null) {
      const amounts = [...total[3].matchAll(/共(-?[\d,]*\.?\d*)元/g)].map((match) => match[1]);
      this.footerTotals.set(total[1], { line: lineNumber, count: Number(total[2]), amounts });
    }
    return null;
  }

  private readHeader(line: string, lineNumber: number): void {
    const cells = splitCsvLine(line);
    if (cells === null) throw new RowError(lineNumber, 'unbalanced quote in the header');
    this.names = cells.map((cell) => normalizeHeaderName(trimCell(cell)));
    this.names.forEach((name, position) => {
      if (!this.index.has(name)) this.index.set(name, position);
    });
    const required = this.kind === 'alipay_trade'
      ? (['tradeNo', 'orderNo', 'businessType', 'completedAt', 'received', 'serviceFee'] as const)
      : (['entryNo', 'occurredAt', 'income', 'expense', 'balance', 'businessType'] as const);
    const missing = required.filter((name) => this.column(name) === undefined);
    if (missing.length > 0) {
      const headers = this.kind === 'alipay_trade' ? tradeColumns : accountColumns;
      throw new RowError(lineNumber, `unknown Alipay layout: header has no ${missing.map((name) => (headers as Record<string, string>)[name]).join(', ')}`);
    }
  }

  private amountColumns(): (TradeColumn | AccountColumn)[] {
    return this.kind === 'alipay_trade' ? ['orderAmount', 'received', 'serviceFee'] : ['income', 'expense', 'balance'];
  }

  private timeColumns(): (TradeColumn | AccountColumn)[] {
    return this.kind === 'alipay_trade' ? ['createdAt', 'completedAt'] : ['occurredAt'];
  }

  private rowLooksValid(cells: string[]): boolean {
    return (
      this.timeColumns().every((name) => parseNaiveBeijingTime(this.cell(cells, name)) !== null) &&
      this.amountColumns().every((name) => this.column(name) === undefined || parseAmountFen(this.cell(cells, name)).ok)
    );
  }

  /** Fields are unquoted; a comma in 商品名称 or 备注 adds cells, folded back where the row then makes sense. */
  private splitRow(line: string, lineNumber: number): string[] {
    const raw = splitCsvLine(line);
    if (raw === null) throw new RowError(lineNumber, 'unbalanced quote');
    const cells = raw.map(trimCell);
    const surplus = cells.length - this.names.length;
    if (surplus === 0) return cells;
    if (surplus > 0) {
      const freeText = (['goodsName', 'remark'] as const)
        .map((name) => this.column(name))
        .filter((position): position is number => position !== undefined)
        .sort((a, b) => a - b);
      for (const widths of distributions(surplus, freeText.length)) {
        const merged: string[] = [];
        let source = 0;
        for (let target = 0; target < this.names.length; target += 1) {
          const slot = freeText.indexOf(target);
          const width = slot === -1 ? 1 : widths[slot] + 1;
          merged.push(width === 1 ? cells[source] : raw.slice(source, source + width).join(',').trim());
          source += width;
        }
        if (this.rowLooksValid(merged)) return merged;
      }
    }
    throw new RowError(lineNumber, `expected ${this.names.length} fields, found ${cells.length}`);
  }

  private amount(cells: string[], name: TradeColumn | AccountColumn, lineNumber: number): Fen {
    const text = this.cell(cells, name);
    if (text === '' && name !== 'received' && name !== 'income' && name !== 'expense') return fen(0);
    const parsed = parseAmountFen(text);
    if (!parsed.ok) throw new RowError(lineNumber, `${name === 'balance' ? '账户余额' : name}: ${parsed.error}`);
    return parsed.value;
  }

  private time(cells: string[], name: TradeColumn | AccountColumn, lineNumber: number): BeijingTime {
    const text = this.cell(cells, name);
    const parsed = parseNaiveBeijingTime(text);
    if (parsed === null) throw new RowError(lineNumber, `not a yyyy-MM-dd HH:mm:ss time: "${text}"`);
    return parsed;
  }

  private addSum(key: string, received: number, discount: number): void {
    const sum = this.sums.get(key) ?? { count: 0, received: 0, discount: 0 };
    sum.count += 1;
    sum.received += received;
    sum.discount += discount;
    this.sums.set(key, sum);
  }

  private parseRow(line: string, lineNumber: number): ChannelRow {
    const cells = this.splitRow(line, lineNumber);
    this.rowCount += 1;
    return this.kind === 'alipay_trade' ? this.tradeRow(cells, line, lineNumber) : this.accountRow(cells, line, lineNumber);
  }

  private tradeRow(cells: string[], line: string, lineNumber: number): ChannelRow {
    const businessType = this.cell(cells, 'businessType');
    const completed = textOrNull(this.cell(cells, 'completedAt')) === null ? this.time(cells, 'createdAt', lineNumber) : this.time(cells, 'completedAt', lineNumber);
    const received = this.amount(cells, 'received', lineNumber);
    const order = this.column('orderAmount') === undefined ? null : this.amount(cells, 'orderAmount', lineNumber);
    const serviceFee = this.amount(cells, 'serviceFee', lineNumber);
    const discount = this.amount(cells, 'merchantDiscount', lineNumber);
    this.addSum(businessType, received, discount);
    const tradeNo = idOrNull(this.cell(cells, 'tradeNo'));
    const refundNo = idOrNull(this.cell(cells, 'refundNo'));
    const kind: ChannelRowKind = businessType === '交易' ? 'payment' : businessType === '退款' ? 'refund' : businessType.includes('结算') ? 'settlement' : 'transfer';
    const naturalKey = kind === 'payment'
      ? `alipay:pay:${tradeNo}`
      : kind === 'refund'
        ? `alipay:refund:${tradeNo}:${refundNo ?? `${completed.occurredAt}:${received}`}`
        : `alipay:${businessType}:${tradeNo}:${contentDigest([completed.occurredAt, received, refundNo])}`;
    return {
      channel: 'alipay',
      kind,
      merchantOrderNo: idOrNull(this.cell(cells, 'orderNo')),
      merchantRefundNo: kind === 'refund' ? refundNo : null,
      channelTradeNo: tradeNo,
      channelRefundNo: null,
      amountFen: received,
      orderAmountFen: order,
      // 服务费 is negative when charged; our fee is positive when charged.
      feeFen: negateFen(serviceFee),
      currency: 'CNY',
      ...completed,
      status: businessType,
      account: this.account,
      counterparty: textOrNull(this.cell(cells, 'counterparty')),
      memo: textOrNull(this.cell(cells, 'remark')) ?? textOrNull(this.cell(cells, 'goodsName')),
      lineNumber,
      rawLine: line,
      naturalKey,
    };
  }

  private accountRow(cells: string[], line: string, lineNumber: number): ChannelRow {
    const at = this.time(cells, 'occurredAt', lineNumber);
    const income = this.amount(cells, 'income', lineNumber);
    // Some files write the expense column negative; the column says the direction.
    const expense = Math.abs(this.amount(cells, 'expense', lineNumber));
    const balance = this.amount(cells, 'balance', lineNumber);
    if (income < 0) throw new RowError(lineNumber, `收入金额 is negative: "${this.cell(cells, 'income')}"`);
    if (income > 0) this.addSum('收入', income, 0);
    if (expense > 0) this.addSum('支出', expense, 0);
    if (this.latestBalance === null || at.occurredAt >= this.latestBalance.at) this.latestBalance = { balanceFen: balance, at: at.occurredAt };
    const businessType = this.cell(cells, 'businessType');
    const entryNo = idOrNull(this.cell(cells, 'entryNo'));
    return {
      channel: 'alipay',
      kind: accountKind(businessType),
      merchantOrderNo: idOrNull(this.cell(cells, 'orderNo')),
      merchantRefundNo: null,
      channelTradeNo: idOrNull(this.cell(cells, 'businessNo')),
      channelRefundNo: null,
      amountFen: fen(income - expense),
      orderAmountFen: null,
      feeFen: fen(0),
      currency: 'CNY',
      ...at,
      status: businessType,
      account: this.account,
      counterparty: textOrNull(this.cell(cells, 'counterparty')),
      memo: textOrNull(this.cell(cells, 'remark')) ?? textOrNull(this.cell(cells, 'goodsName')),
      lineNumber,
      rawLine: line,
      naturalKey: `alipay:acct:${entryNo ?? contentDigest([at.occurredAt, income, expense, balance])}`,
    };
  }

  end(): ChannelRow[] | null {
    if (this.state === 'preamble') throw new RowError(this.lastLineNumber + 1, 'no header line: truncated or not an Alipay bill');
    if (this.state === 'detail') throw new RowError(this.lastLineNumber + 1, 'file ends inside the detail list (no "…列表结束" line): truncated');
    const keys = this.kind === 'alipay_trade' ? ['交易', '退款'] : ['收入', '支出'];
    for (const key of keys) {
      if (!this.footerTotals.has(key)) throw new RowError(this.lastLineNumber + 1, `footer has no ${key}合计 line: truncated`);
    }
    return null;
  }

  summary(): ChannelFileSummary {
    const keys = this.kind === 'alipay_trade' ? ['交易', '退款'] : ['收入', '支出'];
    for (const key of keys) {
      const stated = this.footerTotals.get(key)!;
      const computed = this.sums.get(key) ?? { count: 0, received: 0, discount: 0 };
      if (stated.count !== computed.count) {
        throw new RowError(stated.line, `totals mismatch: ${key}合计 says ${stated.count}笔 but the detail has ${computed.count}`);
      }
      const expected = [computed.received, computed.discount];
      stated.amounts.forEach((text, position) => {
        const parsed = parseAmountFen(text, { allowThousandsSeparators: true });
        if (!parsed.ok) throw new RowError(stated.line, `${key}合计: ${parsed.error}`);
        const value = this.kind === 'alipay_account' ? Math.abs(parsed.value) : parsed.value;
        if (position < expected.length && value !== expected[position]) {
          throw new RowError(stated.line, `totals mismatch: ${key}合计 says ${text}元 but the detail rows add up to ${formatFenAsYuan(fen(expected[position]))}`);
        }
      });
    }
    const closingBalances: ClosingBalance[] = this.latestBalance === null ? [] : [{ account: this.account ?? 'alipay', ...this.latestBalance }];
    return { totalsChecked: true, closingBalances, rowCount: this.rowCount };
  }
}
