import { fen, formatFenAsYuan, negateFen, type Fen } from '../money';
import { RowError, type ChannelFileSummary, type ChannelRow, type ChannelRowKind, type ClosingBalance, type LineParser } from './types';
import { idOrNull, normalizeHeaderName, parseAmountFen, parseCount, parseNaiveBeijingTime, textOrNull } from './values';
import { splitWechatFields, splitWechatHeader, WechatSummaryBlock } from './wechat-fields';

/*
 * WeChat Pay fund-flow bill (资金账单), FORMATS.md 1.3: unsigned amounts with the direction in
 * 收支类型, a running balance (账户结余) that must follow from row to row, and a summary block.
 * One file per account type (BASIC / OPERATION / FEES); the file does not name it, the caller does.
 */

const columns = ['记账时间', '微信支付业务单号', '资金流水单号', '业务名称', '业务类型', '收支类型', '收支金额(元)', '账户结余(元)', '资金变更提交申请人', '备注', '业务凭证号'];
const remarkIndex = 9;

export function isWechatFundFlowHeader(line: string): boolean {
  const names = splitWechatHeader(line).map(normalizeHeaderName);
  return names[0] === '记账时间' && names.includes('资金流水单号');
}

/** Fund-flow text escapes CR and LF as the two characters "\r" and "\n" (and 0x01 as a space). */
function unescapeFundFlowText(text: string): string {
  return text.replace(/\\r\\n|\\n|\\r/g, '\n');
}

function kindOf(businessName: string, businessType: string, income: boolean): ChannelRowKind {
  if (businessType.includes('手续费')) return 'fee';
  if (businessName.includes('退款') || businessType.includes('退款')) return 'refund';
  if (businessName === '交易' || businessType === '交易') return 'payment';
  if (!income && (businessName.includes('提现') || businessType.includes('提现'))) return 'settlement';
  return 'transfer';
}

export class WechatFundFlowParser implements LineParser {
  readonly kind = 'wechat_fundflow' as const;
  readonly channel = 'wechat' as const;
  readonly toleratesUndecodableBytes = false;
  private readonly summaryBlock = new WechatSummaryBlock('资金流水总笔数');
  private lastLineNumber: number;
  private rowCount = 0;
  private incomeCount = 0;
  private incomeFen = 0;
  private expenseCount = 0;
  private expenseFen = 0;
  private balanceFen: Fen | null = null;
  private balanceAt = '';

  constructor(
    headerLine: string,
    headerLineNumber: number,
    private readonly account: string,
  ) {
    const names = splitWechatHeader(headerLine).map(normalizeHeaderName);
    if (names.length !== columns.length || names.some((name, index) => name !== columns[index])) {
      throw new RowError(headerLineNumber, `unknown WeChat fund-flow layout: expected ${columns.join(',')}`);
    }
    this.lastLineNumber = headerLineNumber;
  }

  consume(line: string, lineNumber: number): ChannelRow[] | null {
    if (line.trim() === '') return null;
    this.lastLineNumber = lineNumber;
    if (this.summaryBlock.take(line, lineNumber)) return null;
    return [this.parseRow(line, lineNumber)];
  }

  private parseRow(line: string, lineNumber: number): ChannelRow {
    const fields = splitWechatFields(line, columns.length, remarkIndex, lineNumber);
    const [time, businessNo, flowNo, businessName, businessType, direction, amountText, balanceText, , remark, voucherNo] = fields;
    const at = parseNaiveBeijingTime(time);
    if (at === null) throw new RowError(lineNumber, `记账时间: not a yyyy-MM-dd HH:mm:ss time: "${time}"`);
    if (direction !== '收入' && direction !== '支出') throw new RowError(lineNumber, `收支类型: expected 收入 or 支出, found "${direction}"`);
    const amount = parseAmountFen(amountText);
    if (!amount.ok) throw new RowError(lineNumber, `收支金额(元): ${amount.error}`);
    if (amount.value < 0) throw new RowError(lineNumber, `收支金额(元): amounts are unsigned, found "${amountText}"`);
    const balance = parseAmountFen(balanceText);
    if (!balance.ok) throw new RowError(lineNumber, `账户结余(元): ${balance.error}`);
    const income = direction === '收入';
    const signed = income ? amount.value : negateFen(amount.value);
    if (this.balanceFen !== null && this.balanceFen + signed !== balance.value) {
      throw new RowError(lineNumber, `账户结余(元) ${balanceText} does not follow from the previous balance ${formatFenAsYuan(this.balanceFen)} ${direction} ${amountText}`);
    }
    this.balanceFen = balance.value;
    this.balanceAt = at.occurredAt;
    this.rowCount += 1;
    if (income) {
      this.incomeCount += 1;
      this.incomeFen += amount.value;
    } else {
      this.expenseCount += 1;
      this.expenseFen += amount.value;
    }
    const kind = kindOf(businessName, businessType, income);
    // Real refund rows: 微信支付业务单号 = WeChat refund id, 资金流水单号 = original transaction id,
    // 业务凭证号 = out_refund_no (FORMATS.md 1.3); other rows: 业务凭证号 is usually the order number.
    const refund = kind === 'refund';
    return {
      channel: 'wechat',
      kind,
      merchantOrderNo: refund ? null : idOrNull(voucherNo),
      merchantRefundNo: refund ? idOrNull(voucherNo) : null,
      channelTradeNo: refund ? idOrNull(flowNo) : idOrNull(businessNo),
      channelRefundNo: refund ? idOrNull(businessNo) : null,
      amountFen: signed,
      orderAmountFen: null,
      feeFen: fen(0),
      currency: 'CNY',
      ...at,
      status: `${businessName}/${businessType}`,
      account: this.account,
      counterparty: textOrNull(fields[8]),
      memo: textOrNull(unescapeFundFlowText(remark)),
      lineNumber,
      rawLine: line,
      naturalKey: `wechat:fund:${this.account}:${businessNo}:${flowNo}:${businessType}:${direction}`,
    };
  }

  end(): ChannelRow[] | null {
    if (!this.summaryBlock.complete) {
      throw new RowError(this.lastLineNumber + 1, 'file ends before the summary block (资金流水总笔数 ...): truncated');
    }
    return null;
  }

  summary(): ChannelFileSummary {
    const computed: Record<string, number> = {
      资金流水总笔数: this.rowCount,
      收入笔数: this.incomeCount,
      收入金额: this.incomeFen,
      支出笔数: this.expenseCount,
      支出金额: this.expenseFen,
    };
    if (!this.summaryBlock.names.includes('资金流水总笔数')) throw new RowError(this.summaryBlock.line, 'summary has no 资金流水总笔数');
    this.summaryBlock.names.forEach((name, position) => {
      const expected = computed[name];
      if (expected === undefined) return;
      const text = this.summaryBlock.values[position] ?? '';
      const isCount = name.endsWith('笔数');
      let stated: number | null;
      if (isCount) stated = parseCount(text);
      else {
        const parsed = parseAmountFen(text);
        stated = parsed.ok ? parsed.value : null;
      }
      if (stated === null) throw new RowError(this.summaryBlock.line, `${name}: not a ${isCount ? 'count' : 'amount'}: "${text}"`);
      if (stated !== expected) {
        throw new RowError(this.summaryBlock.line, `totals mismatch: ${name} says ${text} but the detail rows add up to ${isCount ? expected : formatFenAsYuan(fen(expected))}`);
      }
    });
    const closingBalances: ClosingBalance[] = this.balanceFen === null ? [] : [{ account: this.account, balanceFen: this.balanceFen, at: this.balanceAt }];
    return { totalsChecked: true, closingBalances, rowCount: this.rowCount };
  }
}
