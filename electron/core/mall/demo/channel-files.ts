import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { fen, formatFenAsYuan, multiplyByRate, type Fen } from '../../money';
import type { MallOrder } from '../contract/types';
import { yuanTextToFen, type MallDataset } from './generate';
import { SeededRandom } from './random';
import {
  datesOfMonth,
  DAY_MS,
  formatShanghaiInstant,
  formatShanghaiNaive,
  MINUTE_MS,
  monthStartMs,
  nextMonthStartMs,
  parseInstantMs,
  SECOND_MS,
  SHANGHAI_OFFSET_MS,
  shanghaiDate,
  shanghaiDateStartMs,
} from './time';
import { writeZip } from './zip';

/** DESIGN.md section 6: the fixed vocabulary of discrepancies. */
export type DiscrepancyCategory =
  | 'missing_in_channel'
  | 'missing_in_mall'
  | 'amount_mismatch'
  | 'duplicate_in_channel'
  | 'status_mismatch'
  | 'refund_missing_in_channel'
  | 'refund_missing_in_mall'
  | 'refund_amount_mismatch'
  | 'fee_mismatch';

export const discrepancyCategories: readonly DiscrepancyCategory[] = [
  'missing_in_channel',
  'missing_in_mall',
  'amount_mismatch',
  'duplicate_in_channel',
  'status_mismatch',
  'refund_missing_in_channel',
  'refund_missing_in_mall',
  'refund_amount_mismatch',
  'fee_mismatch',
];

export type PaymentChannel = 'wechat' | 'alipay';

/**
 * One difference written on purpose between the mall and the channel files.
 * Amounts are decimal strings in yuan ("12.34"). For fee_mismatch, mall_amount is the fee at the
 * configured rate and channel_amount the fee on the bill. business_date is the bill date of the
 * channel row (or, for a row left out, the date the mall says it happened).
 */
export interface InjectedDiscrepancy {
  category: DiscrepancyCategory;
  channel: PaymentChannel;
  order_no?: string;
  refund_no?: string;
  channel_trade_no?: string;
  mall_amount?: string;
  channel_amount?: string;
  business_date: string;
}

/** The payment made just before midnight that the channel reports in the next day's bill. */
export interface CrossMidnightPayment {
  channel: PaymentChannel;
  order_no: string;
  channel_trade_no: string;
  amount: string;
  /** The mall's paid_at (23:59:5x). */
  mall_paid_at: string;
  /** The channel's 交易时间 (00:00:0x the next day), naive Beijing time as in the bill. */
  channel_time: string;
  mall_business_date: string;
  bill_date: string;
}

export interface DemoChannelFilesOptions {
  /** Write the listed discrepancies (default true); false writes files that match the mall exactly. */
  inject?: boolean;
}

export interface DemoChannelFiles {
  files: string[];
  injected: InjectedDiscrepancy[];
  crossMidnight: CrossMidnightPayment | null;
}

/** The demo merchant's fee rate on both channels: 0.60 %, cent-rounded half-up per row. */
export const demoChannelFeeRate = '0.006';
const demoChannelFeeRateText = '0.60%';

interface PaymentRow {
  kind: 'payment';
  channel: PaymentChannel;
  atMs: number;
  /** When the merchant created the trade (Alipay 创建时间). */
  createdMs: number;
  tradeNo: string;
  merchantOrderNo: string;
  amountFen: number;
  feeFen: number;
  productName: string;
  payer: string;
}

interface RefundRow {
  kind: 'refund';
  channel: PaymentChannel;
  atMs: number;
  createdMs: number;
  tradeNo: string;
  merchantOrderNo: string;
  merchantRefundNo: string;
  channelRefundNo: string;
  amountFen: number;
  /** The fee the channel gives back (positive). */
  feeFen: number;
  productName: string;
  payer: string;
}

type ChannelRow = PaymentRow | RefundRow;

function money(amountFen: number): string {
  return formatFenAsYuan(fen(amountFen));
}

function feeAtRate(amountFen: number): number {
  return multiplyByRate(fen(amountFen), demoChannelFeeRate, 'half-up');
}

function compactDate(date: string): string {
  return date.replace(/-/g, '');
}

function productNameOf(order: MallOrder): string {
  const first = order.lines[0]?.name ?? '商品';
  return order.lines.length > 1 ? `${first}等${order.lines.length}件` : first;
}

/** The channels' view of the dataset, before any injected difference. */
function channelRowsOf(dataset: MallDataset): { rows: ChannelRow[]; crossMidnight: CrossMidnightPayment | null } {
  const rows: ChannelRow[] = [];
  const ordersById = new Map(dataset.orders.map((order) => [order.id, order]));
  const openidOf = new Map(dataset.members.map((member) => [member.id, member.wechat_openid ?? `oAnon${member.id}`]));
  const payerOf = (channel: PaymentChannel, memberId: string) =>
    channel === 'wechat' ? openidOf.get(memberId)! : `**${memberId.slice(-2)}(${memberId.replace('_', '')}***@163.com)`;
  let crossMidnight: CrossMidnightPayment | null = null;
  for (const order of dataset.orders) {
    if (order.paid_at === null || order.pay_channel === 'none' || order.channel_trade_no === null) continue;
    const paidMs = parseInstantMs(order.paid_at);
    let atMs = paidMs;
    if (order.id === dataset.crossMidnightOrderId) {
      // The channel confirms the payment a few seconds later, after midnight.
      atMs = paidMs + 10 * SECOND_MS;
      crossMidnight = {
        channel: order.pay_channel,
        order_no: order.order_no,
        channel_trade_no: order.channel_trade_no,
        amount: order.paid_amount,
        mall_paid_at: order.paid_at,
        channel_time: formatShanghaiNaive(atMs),
        mall_business_date: shanghaiDate(paidMs),
        bill_date: shanghaiDate(atMs),
      };
    }
    const amountFen = yuanTextToFen(order.paid_amount);
    rows.push({
      kind: 'payment',
      channel: order.pay_channel,
      atMs,
      createdMs: parseInstantMs(order.created_at),
      tradeNo: order.channel_trade_no,
      merchantOrderNo: order.order_no,
      amountFen,
      feeFen: feeAtRate(amountFen),
      productName: productNameOf(order),
      payer: payerOf(order.pay_channel, order.member_id),
    });
  }
  for (const topup of dataset.topups) {
    if (topup.channel_trade_no === null) continue;
    const amountFen = yuanTextToFen(topup.amount);
    const atMs = parseInstantMs(topup.paid_at);
    rows.push({
      kind: 'payment',
      channel: topup.pay_channel,
      atMs,
      createdMs: atMs - 20 * SECOND_MS,
      tradeNo: topup.channel_trade_no,
      merchantOrderNo: topup.topup_no,
      amountFen,
      feeFen: feeAtRate(amountFen),
      productName: '储值卡充值',
      payer: payerOf(topup.pay_channel, topup.member_id),
    });
  }
  for (const refund of dataset.refunds) {
    if (refund.status !== 'succeeded' || refund.succeeded_at === null || refund.channel === 'none') continue;
    const amountFen = yuanTextToFen(refund.channel_amount);
    if (amountFen === 0) continue;
    const order = ordersById.get(refund.order_id)!;
    rows.push({
      kind: 'refund',
      channel: refund.channel,
      atMs: parseInstantMs(refund.succeeded_at),
      createdMs: parseInstantMs(order.created_at),
      tradeNo: order.channel_trade_no!,
      merchantOrderNo: refund.order_no,
      merchantRefundNo: refund.refund_no,
      channelRefundNo: refund.channel_refund_no ?? '',
      amountFen,
      feeFen: feeAtRate(amountFen),
      productName: productNameOf(order),
      payer: payerOf(refund.channel, order.member_id),
    });
  }
  return { rows, crossMidnight };
}

/** Writes the listed differences into the channel rows of one channel; returns what it wrote. */
function injectDiscrepancies(dataset: MallDataset, rows: ChannelRow[], channel: PaymentChannel, random: SeededRandom): InjectedDiscrepancy[] {
  const injected: InjectedDiscrepancy[] = [];
  const startMs = monthStartMs(dataset.month);
  const endMs = nextMonthStartMs(dataset.month);
  const refundedOrderNos = new Set(dataset.refunds.map((refund) => refund.order_no));
  const crossMidnightNo = dataset.orders.find((order) => order.id === dataset.crossMidnightOrderId)?.order_no;
  const used = new Set<string>();
  // Payments of orders without any refund, away from the month's edges, so each difference is the only one.
  const cleanPayments = rows.filter(
    (row): row is PaymentRow =>
      row.kind === 'payment' &&
      row.channel === channel &&
      row.merchantOrderNo.startsWith('SO') &&
      !refundedOrderNos.has(row.merchantOrderNo) &&
      row.merchantOrderNo !== crossMidnightNo &&
      row.amountFen > 200 &&
      row.atMs >= startMs + DAY_MS &&
      row.atMs < endMs - 2 * DAY_MS,
  );
  const takePayment = (): PaymentRow | null => {
    const free = cleanPayments.filter((row) => !used.has(row.merchantOrderNo));
    if (free.length === 0) return null;
    const row = random.pick(free);
    used.add(row.merchantOrderNo);
    return row;
  };
  const refundRows = rows.filter((row): row is RefundRow => row.kind === 'refund' && row.channel === channel && row.amountFen > 100);
  const takeRefund = (): RefundRow | null => {
    const free = refundRows.filter((row) => !used.has(row.merchantRefundNo));
    if (free.length === 0) return null;
    const row = random.pick(free);
    used.add(row.merchantRefundNo);
    return row;
  };
  const dateOf = (atMs: number) => shanghaiDate(atMs);
  const ghostTradeNo = (atMs: number, sequence: number) =>
    channel === 'wechat' ? `4200${String(9_000_000_000 + sequence)}${compactDate(dateOf(atMs))}${random.digits(6)}` : `${compactDate(dateOf(atMs))}22001${random.digits(8)}${String(9_000_000 + sequence)}`;

  const missing = takePayment();
  if (missing) {
    rows.splice(rows.indexOf(missing), 1);
    injected.push({ category: 'missing_in_channel', channel, order_no: missing.merchantOrderNo, channel_trade_no: missing.tradeNo, mall_amount: money(missing.amountFen), business_date: dateOf(missing.atMs) });
  }
  const changed = takePayment();
  if (changed) {
    const mallAmountFen = changed.amountFen;
    changed.amountFen = mallAmountFen - 100;
    changed.feeFen = feeAtRate(changed.amountFen);
    injected.push({ category: 'amount_mismatch', channel, order_no: changed.merchantOrderNo, channel_trade_no: changed.tradeNo, mall_amount: money(mallAmountFen), channel_amount: money(changed.amountFen), business_date: dateOf(changed.atMs) });
  }
  const duplicated = takePayment();
  if (duplicated) {
    const copy: PaymentRow = { ...duplicated, tradeNo: ghostTradeNo(duplicated.atMs, 1), atMs: duplicated.atMs + SECOND_MS };
    rows.push(copy);
    injected.push({ category: 'duplicate_in_channel', channel, order_no: copy.merchantOrderNo, channel_trade_no: copy.tradeNo, mall_amount: money(duplicated.amountFen), channel_amount: money(copy.amountFen), business_date: dateOf(copy.atMs) });
  }
  const overcharged = takePayment();
  if (overcharged) {
    const expectedFeeFen = overcharged.feeFen;
    overcharged.feeFen = expectedFeeFen + 5;
    injected.push({ category: 'fee_mismatch', channel, order_no: overcharged.merchantOrderNo, channel_trade_no: overcharged.tradeNo, mall_amount: money(expectedFeeFen), channel_amount: money(overcharged.feeFen), business_date: dateOf(overcharged.atMs) });
  }
  const refundedByChannelOnly = takePayment();
  if (refundedByChannelOnly) {
    const amountFen = Math.min(refundedByChannelOnly.amountFen, 1000);
    const atMs = refundedByChannelOnly.atMs + DAY_MS;
    const refundNo = `RF${compactDate(dateOf(atMs))}9${random.digits(6)}`;
    rows.push({
      kind: 'refund', channel, atMs, createdMs: refundedByChannelOnly.createdMs, tradeNo: refundedByChannelOnly.tradeNo,
      merchantOrderNo: refundedByChannelOnly.merchantOrderNo, merchantRefundNo: refundNo,
      channelRefundNo: channel === 'wechat' ? `5039${random.digits(25)}` : '', amountFen, feeFen: feeAtRate(amountFen),
      productName: refundedByChannelOnly.productName, payer: refundedByChannelOnly.payer,
    });
    injected.push({ category: 'refund_missing_in_mall', channel, order_no: refundedByChannelOnly.merchantOrderNo, refund_no: refundNo, channel_trade_no: refundedByChannelOnly.tradeNo, channel_amount: money(amountFen), business_date: dateOf(atMs) });
  }
  {
    // A payment for an order number the mall never issued.
    const atMs = startMs + DAY_MS + random.integer(0, (endMs - startMs - 3 * DAY_MS) / SECOND_MS) * SECOND_MS;
    const amountFen = random.integer(1000, 50000);
    const orderNo = `SO${compactDate(dateOf(atMs))}9${random.digits(6)}`;
    const tradeNo = ghostTradeNo(atMs, 2);
    rows.push({ kind: 'payment', channel, atMs, createdMs: atMs - 30 * SECOND_MS, tradeNo, merchantOrderNo: orderNo, amountFen, feeFen: feeAtRate(amountFen), productName: '未知商品', payer: channel === 'wechat' ? `oGhost${random.digits(12)}` : '**某(ghost***@qq.com)' });
    injected.push({ category: 'missing_in_mall', channel, order_no: orderNo, channel_trade_no: tradeNo, channel_amount: money(amountFen), business_date: dateOf(atMs) });
  }
  const neverPaid = dataset.orders.filter(
    (order) => order.paid_at === null && order.pay_channel === channel && parseInstantMs(order.created_at) < endMs - DAY_MS && parseInstantMs(order.created_at) >= startMs,
  );
  if (neverPaid.length > 0) {
    const order = random.pick(neverPaid);
    const atMs = parseInstantMs(order.created_at) + MINUTE_MS;
    const tradeNo = ghostTradeNo(atMs, 3);
    const amountFen = yuanTextToFen(order.paid_amount);
    rows.push({ kind: 'payment', channel, atMs, createdMs: parseInstantMs(order.created_at), tradeNo, merchantOrderNo: order.order_no, amountFen, feeFen: feeAtRate(amountFen), productName: productNameOf(order), payer: channel === 'wechat' ? `oLate${random.digits(12)}` : '**迟(late***@qq.com)' });
    injected.push({ category: 'status_mismatch', channel, order_no: order.order_no, channel_trade_no: tradeNo, channel_amount: money(amountFen), business_date: dateOf(atMs) });
  }
  const dropped = takeRefund();
  if (dropped) {
    rows.splice(rows.indexOf(dropped), 1);
    injected.push({ category: 'refund_missing_in_channel', channel, order_no: dropped.merchantOrderNo, refund_no: dropped.merchantRefundNo, channel_trade_no: dropped.tradeNo, mall_amount: money(dropped.amountFen), business_date: dateOf(dropped.atMs) });
  }
  const shortRefund = takeRefund();
  if (shortRefund) {
    const mallAmountFen = shortRefund.amountFen;
    shortRefund.amountFen = mallAmountFen - 50;
    shortRefund.feeFen = feeAtRate(shortRefund.amountFen);
    injected.push({ category: 'refund_amount_mismatch', channel, order_no: shortRefund.merchantOrderNo, refund_no: shortRefund.merchantRefundNo, channel_trade_no: shortRefund.tradeNo, mall_amount: money(mallAmountFen), channel_amount: money(shortRefund.amountFen), business_date: dateOf(shortRefund.atMs) });
  }
  return injected;
}

// ---------------------------------------------------------------- WeChat Pay

const wechatTradeHeader =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const wechatTradeSummaryHeader = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const wechatFundFlowHeader = '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号';
const wechatFundFlowSummaryHeader = '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额';

/** WeChat's 手续费: cent-rounded, then padded to 5 decimals ("0.18000", "-1.56000"). */
function wechatFee(feeFen: number): string {
  return `${money(feeFen)}000`;
}

function backticked(fields: readonly string[]): string {
  return fields.map((field) => `\`${field}`).join(',');
}

function wechatTradeBill(dataset: MallDataset, rows: readonly ChannelRow[]): string {
  const { wechatAppId, wechatMchId } = dataset.accounts;
  const lines = [wechatTradeHeader];
  let settledFen = 0;
  let refundFen = 0;
  let feeFen = 0;
  for (const row of rows) {
    if (row.kind === 'payment') {
      settledFen += row.amountFen;
      feeFen += row.feeFen;
      lines.push(
        backticked([
          formatShanghaiNaive(row.atMs), wechatAppId, wechatMchId, '0', '', row.tradeNo, row.merchantOrderNo, row.payer, 'JSAPI', 'SUCCESS',
          'OTHERS', 'CNY', money(row.amountFen), '0.00', '0', '0', '0.00', '0.00', '', '', row.productName, '', wechatFee(row.feeFen),
          demoChannelFeeRateText, money(row.amountFen), '0.00', '',
        ]),
      );
    } else {
      refundFen += row.amountFen;
      feeFen -= row.feeFen;
      lines.push(
        backticked([
          formatShanghaiNaive(row.atMs), wechatAppId, wechatMchId, '0', '', row.tradeNo, row.merchantOrderNo, row.payer, 'JSAPI', 'REFUND',
          'OTHERS', 'CNY', '0.00', '0.00', row.channelRefundNo, row.merchantRefundNo, money(row.amountFen), '0.00', 'ORIGINAL', 'SUCCESS',
          row.productName, '', wechatFee(-row.feeFen), demoChannelFeeRateText, '0.00', money(row.amountFen), '',
        ]),
      );
    }
  }
  lines.push(wechatTradeSummaryHeader);
  lines.push(backticked([String(rows.length), money(settledFen), money(refundFen), '0.00', wechatFee(feeFen), money(settledFen), money(refundFen)]));
  // As the real v2 download: UTF-8 with BOM, CRLF, no newline after the summary row.
  return '\uFEFF' + lines.join('\r\n');
}

interface Settlement {
  channel: PaymentChannel;
  atMs: number;
  amountFen: number;
  reference: string;
  /** The business date whose takings are settled. */
  forDate: string;
}

/** Net effect of a row on the merchant's channel account. */
function accountEffects(row: ChannelRow): Array<{ incomeFen: number; label: 'trade' | 'fee' | 'refund' | 'fee_return' }> {
  if (row.kind === 'payment') {
    return [{ incomeFen: row.amountFen, label: 'trade' }, ...(row.feeFen !== 0 ? [{ incomeFen: -row.feeFen, label: 'fee' as const }] : [])];
  }
  return [{ incomeFen: -row.amountFen, label: 'refund' }, ...(row.feeFen !== 0 ? [{ incomeFen: row.feeFen, label: 'fee_return' as const }] : [])];
}

/**
 * T+1 settlement: at 09:00 (WeChat) / 09:30 (Alipay) each day the channel pays the account's
 * balance at the end of the previous day to the bank, when it is positive.
 */
function settlementsOf(channel: PaymentChannel, rows: readonly ChannelRow[], dates: readonly string[]): Settlement[] {
  const settlements: Settlement[] = [];
  const sorted = [...rows].sort((a, b) => a.atMs - b.atMs);
  let balanceFen = 0;
  let cursor = 0;
  for (let index = 1; index < dates.length; index += 1) {
    const dayStartMs = shanghaiDateStartMs(dates[index]);
    // Rows up to the end of the previous day, less what was already settled.
    while (cursor < sorted.length && sorted[cursor].atMs < dayStartMs) {
      for (const effect of accountEffects(sorted[cursor])) balanceFen += effect.incomeFen;
      cursor += 1;
    }
    if (balanceFen > 0) {
      const atMs = dayStartMs + (channel === 'wechat' ? 9 * 60 : 9 * 60 + 30) * MINUTE_MS;
      settlements.push({ channel, atMs, amountFen: balanceFen, reference: `STL${channel === 'wechat' ? 'WX' : 'ZFB'}${compactDate(dates[index - 1])}`, forDate: dates[index - 1] });
      balanceFen = 0;
    }
  }
  return settlements;
}

function wechatFundFlowBill(dataset: MallDataset, date: string, rows: readonly ChannelRow[], settlements: readonly Settlement[], openingBalanceFen: number): { text: string; closingBalanceFen: number } {
  const mchId = dataset.accounts.wechatMchId;
  type Movement = { atMs: number; order: number; fields: (balance: string) => string[]; incomeFen: number };
  const movements: Movement[] = [];
  let sequence = 0;
  const flowNo = () => `${mchId}${compactDate(date)}${String(++sequence).padStart(8, '0')}`;
  for (const row of rows) {
    for (const effect of accountEffects(row)) {
      const amount = money(Math.abs(effect.incomeFen));
      const direction = effect.incomeFen >= 0 ? '收入' : '支出';
      const number = flowNo();
      if (row.kind === 'payment') {
        const type = effect.label === 'trade' ? '交易' : '扣除交易手续费';
        movements.push({ atMs: row.atMs, order: movements.length, incomeFen: effect.incomeFen,
          fields: (balance) => [formatShanghaiNaive(row.atMs), row.tradeNo, number, '交易', type, direction, amount, balance, 'system', '', row.merchantOrderNo] });
      } else {
        const type = effect.label === 'refund' ? '退款' : '退还交易手续费';
        const note = `退款总金额${money(row.amountFen)}元;含手续费${money(row.feeFen)}元`;
        // As in the real capture: 业务单号 = WeChat refund id, 流水单号 = the original transaction id.
        movements.push({ atMs: row.atMs, order: movements.length, incomeFen: effect.incomeFen,
          fields: (balance) => [formatShanghaiNaive(row.atMs), row.channelRefundNo, row.tradeNo, '退款', type, direction, amount, balance, `${mchId}API`, note, row.merchantRefundNo] });
      }
    }
  }
  for (const settlement of settlements) {
    const number = flowNo();
    movements.push({ atMs: settlement.atMs, order: movements.length, incomeFen: -settlement.amountFen,
      fields: (balance) => [formatShanghaiNaive(settlement.atMs), `${mchId}${compactDate(date)}W`, number, '充值/提现', '提现', '支出', money(settlement.amountFen), balance, 'system', `结算${settlement.forDate}`, settlement.reference] });
  }
  movements.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const lines = [wechatFundFlowHeader];
  let balanceFen = openingBalanceFen;
  let incomeCount = 0;
  let incomeFen = 0;
  let expenseCount = 0;
  let expenseFen = 0;
  for (const movement of movements) {
    balanceFen += movement.incomeFen;
    if (movement.incomeFen >= 0) {
      incomeCount += 1;
      incomeFen += movement.incomeFen;
    } else {
      expenseCount += 1;
      expenseFen -= movement.incomeFen;
    }
    lines.push(backticked(movement.fields(money(balanceFen))));
  }
  lines.push(wechatFundFlowSummaryHeader);
  lines.push(backticked([String(movements.length), String(incomeCount), money(incomeFen), String(expenseCount), money(expenseFen)]));
  return { text: '\uFEFF' + lines.join('\r\n'), closingBalanceFen: balanceFen };
}

// ---------------------------------------------------------------- Alipay

const alipayDetailHeader =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const alipaySummaryHeader = '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）';
const dashes = (count: number) => '-'.repeat(count);
const storeId = 'DEMO01';
const storeName = '演示商城旗舰店';

function chineseDateTime(epochMs: number): string {
  const naive = formatShanghaiNaive(epochMs);
  return `${naive.slice(0, 4)}年${naive.slice(5, 7)}月${naive.slice(8, 10)}日 ${naive.slice(11)}`;
}

function alipayPreamble(title: string, dataset: MallDataset, date: string): string[] {
  const dayStartMs = shanghaiDateStartMs(date);
  return [
    `#支付宝${title}查询`,
    `#账号：[${dataset.accounts.alipayPid}0156]`,
    `#起始日期：[${chineseDateTime(dayStartMs)}]   终止日期：[${chineseDateTime(dayStartMs + DAY_MS)}]`,
  ];
}

function alipayFiles(dataset: MallDataset, date: string, rows: readonly ChannelRow[]): { detail: string; summary: string } {
  const exportedAtMs = shanghaiDateStartMs(date) + DAY_MS + (5 * 60 + 46) * MINUTE_MS + 49 * SECOND_MS;
  const detail = [...alipayPreamble('业务明细', dataset, date), `#${dashes(41)}业务明细列表${dashes(40)}`, alipayDetailHeader];
  let tradeCount = 0;
  let tradeFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  let serviceFeeFen = 0;
  for (const row of rows) {
    const refund = row.kind === 'refund';
    const signedAmount = refund ? -row.amountFen : row.amountFen;
    // 服务费 is negative on trades; on refunds the returned fee is positive.
    const serviceFee = refund ? row.feeFen : -row.feeFen;
    serviceFeeFen += serviceFee;
    if (refund) {
      refundCount += 1;
      refundFen += signedAmount;
    } else {
      tradeCount += 1;
      tradeFen += signedAmount;
    }
    detail.push(
      [
        `${row.tradeNo}\t`, `${row.merchantOrderNo}\t`, refund ? '退款\t' : '交易\t', row.productName, formatShanghaiNaive(row.createdMs),
        formatShanghaiNaive(row.atMs), `${storeId}\t`, `${storeName}\t`, 'api\t', '\t', `${row.payer}\t`, money(signedAmount), money(signedAmount),
        '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00\t', '0.00', refund ? `${row.merchantRefundNo}\t` : '\t', money(serviceFee), '0.00', row.productName,
      ].join(','),
    );
  }
  detail.push(`#${dashes(41)}业务明细列表结束${dashes(36)}`);
  detail.push(`#交易合计：${tradeCount}笔，商家实收共${money(tradeFen)}元，商家优惠共0.00元`);
  detail.push(`#退款合计：${refundCount}笔，商家实收退款共${money(refundFen)}元，商家优惠退款共0.00元`);
  detail.push(`#导出时间：[${chineseDateTime(exportedAtMs)}]`);

  const netFen = tradeFen + refundFen;
  const totals = [String(tradeCount), String(refundCount), money(netFen), money(netFen), '0.00', '0.00', '0.00', money(serviceFeeFen), '0.00', money(netFen + serviceFeeFen)];
  const summary = [
    ...alipayPreamble('业务汇总', dataset, date),
    `#${dashes(41)}业务汇总列表${dashes(40)}`,
    alipaySummaryHeader,
    [`${storeId}\t`, `${storeName}\t`, ...totals].join(','),
    ['合计', '', ...totals].join(','),
    `#${dashes(40)}业务汇总列表结束${dashes(37)}`,
    `#导出时间：[${chineseDateTime(exportedAtMs)}]`,
  ];
  return { detail: detail.join('\r\n') + '\r\n', summary: summary.join('\r\n') + '\r\n' };
}

// ---------------------------------------------------------------- bank (camt.053.001.08)

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function camt053(dataset: MallDataset, settlements: readonly Settlement[]): string {
  const startMs = monthStartMs(dataset.month);
  const endMs = nextMonthStartMs(dataset.month);
  const sorted = [...settlements].sort((a, b) => a.atMs - b.atMs || (a.channel < b.channel ? -1 : 1));
  const totalFen = sorted.reduce((sum, settlement) => sum + settlement.amountFen, 0);
  const createdAt = formatShanghaiInstant(endMs + 8 * 60 * MINUTE_MS);
  const balance = (code: string, amountFen: number, date: string) =>
    `      <Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">${money(amountFen)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  const entries = sorted.map((settlement, index) => {
    const payer = settlement.channel === 'wechat' ? '财付通支付科技有限公司' : '支付宝（中国）网络技术有限公司';
    const memo = `${settlement.channel === 'wechat' ? '微信支付' : '支付宝'}结算 ${settlement.forDate} ${settlement.reference}`;
    return [
      '      <Ntry>',
      `        <NtryRef>${index + 1}</NtryRef>`,
      `        <Amt Ccy="CNY">${money(settlement.amountFen)}</Amt>`,
      '        <CdtDbtInd>CRDT</CdtDbtInd>',
      '        <Sts><Cd>BOOK</Cd></Sts>',
      `        <BookgDt><DtTm>${formatShanghaiInstant(settlement.atMs + 2 * MINUTE_MS)}</DtTm></BookgDt>`,
      `        <ValDt><Dt>${shanghaiDate(settlement.atMs)}</Dt></ValDt>`,
      `        <AcctSvcrRef>CMB${compactDate(shanghaiDate(settlement.atMs))}${String(index + 1).padStart(6, '0')}</AcctSvcrRef>`,
      '        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>',
      '        <NtryDtls><TxDtls>',
      `          <Refs><EndToEndId>${settlement.reference}</EndToEndId></Refs>`,
      `          <Amt Ccy="CNY">${money(settlement.amountFen)}</Amt>`,
      '          <CdtDbtInd>CRDT</CdtDbtInd>',
      `          <RltdPties><Dbtr><Pty><Nm>${xmlEscape(payer)}</Nm></Pty></Dbtr></RltdPties>`,
      `          <RmtInf><Ustrd>${xmlEscape(memo)}</Ustrd></RmtInf>`,
      '        </TxDtls></NtryDtls>',
      '      </Ntry>',
    ].join('\n');
  });
  const firstDate = shanghaiDate(startMs);
  const lastDate = shanghaiDate(endMs - DAY_MS);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
    '  <BkToCstmrStmt>',
    `    <GrpHdr><MsgId>CAMT053-${dataset.accounts.bankAccount}-${compactDate(lastDate)}</MsgId><CreDtTm>${createdAt}</CreDtTm></GrpHdr>`,
    '    <Stmt>',
    `      <Id>${dataset.accounts.bankAccount}-${dataset.month}</Id>`,
    '      <ElctrncSeqNb>1</ElctrncSeqNb>',
    `      <CreDtTm>${createdAt}</CreDtTm>`,
    `      <FrToDt><FrDtTm>${formatShanghaiInstant(startMs)}</FrDtTm><ToDtTm>${formatShanghaiInstant(endMs - SECOND_MS)}</ToDtTm></FrToDt>`,
    `      <Acct><Id><Othr><Id>${dataset.accounts.bankAccount}</Id></Othr></Id><Ccy>CNY</Ccy><Nm>${xmlEscape(dataset.accounts.bankAccountName)}</Nm><Svcr><FinInstnId><BICFI>CMBCCNBS</BICFI></FinInstnId></Svcr></Acct>`,
    balance('OPBD', 0, firstDate),
    balance('CLBD', totalFen, lastDate),
    `      <TxsSummry><TtlNtries><NbOfNtries>${sorted.length}</NbOfNtries><Sum>${money(totalFen)}</Sum></TtlNtries><TtlCdtNtries><NbOfNtries>${sorted.length}</NbOfNtries><Sum>${money(totalFen)}</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>0</NbOfNtries><Sum>0.00</Sum></TtlDbtNtries></TxsSummry>`,
    ...entries,
    '    </Stmt>',
    '  </BkToCstmrStmt>',
    '</Document>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- all files

/**
 * Writes the month's channel files for the dataset into `dir`: per business date a WeChat Pay
 * trade bill (ALL) and fund-flow bill (BASIC), an Alipay 业务明细 .csv.zip, and one camt.053 bank
 * statement with both channels' T+1 settlements. Channel rows are the dataset's except the listed
 * injected discrepancies and the one cross-midnight payment.
 */
export function writeDemoChannelFiles(dataset: MallDataset, dir: string, options: DemoChannelFilesOptions = {}): DemoChannelFiles {
  const inject = options.inject ?? true;
  const { rows, crossMidnight } = channelRowsOf(dataset);
  const injected: InjectedDiscrepancy[] = [];
  if (inject) {
    const random = new SeededRandom((dataset.seed ^ 0x5eed_f11e) >>> 0);
    injected.push(...injectDiscrepancies(dataset, rows, 'wechat', random));
    injected.push(...injectDiscrepancies(dataset, rows, 'alipay', random));
  }
  rows.sort((a, b) => a.atMs - b.atMs || (a.tradeNo < b.tradeNo ? -1 : a.tradeNo > b.tradeNo ? 1 : 0) || (a.kind < b.kind ? -1 : 1));
  const dates = datesOfMonth(dataset.month);
  const rowsByChannelAndDate = new Map<string, ChannelRow[]>();
  for (const row of rows) {
    const key = `${row.channel} ${shanghaiDate(row.atMs)}`;
    const list = rowsByChannelAndDate.get(key);
    if (list) list.push(row);
    else rowsByChannelAndDate.set(key, [row]);
  }
  const rowsOn = (channel: PaymentChannel, date: string) => rowsByChannelAndDate.get(`${channel} ${date}`) ?? [];
  const monthRows = (channel: PaymentChannel) => rows.filter((row) => row.channel === channel && dates.includes(shanghaiDate(row.atMs)));
  const wechatSettlements = settlementsOf('wechat', monthRows('wechat'), dates);
  const alipaySettlements = settlementsOf('alipay', monthRows('alipay'), dates);

  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    files.push(path);
  };
  let wechatBalanceFen = 0;
  for (const date of dates) {
    const compact = compactDate(date);
    write(`wechat-tradebill-ALL-${compact}.csv`, wechatTradeBill(dataset, rowsOn('wechat', date)));
    const settledToday = wechatSettlements.filter((settlement) => shanghaiDate(settlement.atMs) === date);
    const fundFlow = wechatFundFlowBill(dataset, date, rowsOn('wechat', date), settledToday, wechatBalanceFen);
    wechatBalanceFen = fundFlow.closingBalanceFen;
    write(`wechat-fundflow-BASIC-${compact}.csv`, fundFlow.text);
    const alipay = alipayFiles(dataset, date, rowsOn('alipay', date));
    const prefix = `${dataset.accounts.alipayPid}0156_${compact}`;
    const exportedAtLocalMs = shanghaiDateStartMs(date) + DAY_MS + SHANGHAI_OFFSET_MS + (5 * 60 + 46) * MINUTE_MS;
    const zip = writeZip(
      [
        { nameBytes: iconv.encode(`${prefix}_业务明细.csv`, 'gbk'), data: iconv.encode(alipay.detail, 'gbk') },
        { nameBytes: iconv.encode(`${prefix}_业务明细(汇总).csv`, 'gbk'), data: iconv.encode(alipay.summary, 'gbk') },
      ],
      exportedAtLocalMs,
    );
    write(`${prefix}.csv.zip`, zip);
  }
  write(`bank-camt053-${dataset.accounts.bankAccount}-${dataset.month}.xml`, camt053(dataset, [...wechatSettlements, ...alipaySettlements]));
  return { files, injected, crossMidnight };
}

/** The fee the demo channels charge on an amount (for tests and the reconciliation demo's settings). */
export function demoChannelFee(amountFen: Fen): Fen {
  return multiplyByRate(amountFen, demoChannelFeeRate, 'half-up');
}
