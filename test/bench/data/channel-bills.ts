import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';
import {
  addToWechatTotals,
  emptyWechatTotals,
  wechatHeaders,
  wechatSummaryLines,
  wechatTradeLine,
  yuan,
  type WechatTradeRowSpec,
} from '../../../electron/core/channels/bill-writers';
import type { MallOrder, MallRefund, MallTopup } from '../../../electron/core/mall/contract/types';
import { demoChannelFee, yuanTextToFen, type MallDataset } from '../../../electron/core/mall/demo';
import { formatShanghaiNaive, parseInstantMs } from '../../../electron/core/mall/demo/time';
import { writeZip } from '../../../electron/core/mall/demo/zip';
import { fen } from '../../../electron/core/money';
import { mallChunks, ORDERS_PER_CHUNK_DEFAULT } from './mall-chunks';

export const BENCH_MONTH = '2026-10';

/** One payment or refund as the channel sees it, taken from a generated mall document. */
export interface ChannelMovement {
  kind: 'payment' | 'refund';
  atMs: number;
  createdMs: number;
  tradeNo: string;
  merchantOrderNo: string;
  merchantRefundNo: string | null;
  channelRefundNo: string | null;
  amountFen: number;
  feeFen: number;
  productName: string;
  payerId: string;
  /** The mall document this row pays or refunds, as the mall serves it. */
  source: { resource: 'orders'; record: MallOrder } | { resource: 'topups'; record: MallTopup } | { resource: 'refunds'; record: MallRefund };
}

/** The channel's rows for one dataset (same rules as the demo mall's files, nothing injected). */
export function channelMovementsOf(dataset: MallDataset, channel: 'wechat' | 'alipay'): ChannelMovement[] {
  const movements: ChannelMovement[] = [];
  const ordersById = new Map(dataset.orders.map((order) => [order.id, order]));
  const fee = (amountFen: number) => demoChannelFee(fen(amountFen)) as number;
  for (const order of dataset.orders) {
    if (order.paid_at === null || order.pay_channel !== channel || order.channel_trade_no === null) continue;
    const amountFen = yuanTextToFen(order.paid_amount);
    movements.push({
      kind: 'payment', atMs: parseInstantMs(order.paid_at), createdMs: parseInstantMs(order.created_at), tradeNo: order.channel_trade_no,
      merchantOrderNo: order.order_no, merchantRefundNo: null, channelRefundNo: null, amountFen, feeFen: fee(amountFen),
      productName: order.lines[0]?.name ?? '商品', payerId: order.member_id, source: { resource: 'orders', record: order },
    });
  }
  for (const topup of dataset.topups) {
    if (topup.pay_channel !== channel || topup.channel_trade_no === null) continue;
    const amountFen = yuanTextToFen(topup.amount);
    const atMs = parseInstantMs(topup.paid_at);
    movements.push({
      kind: 'payment', atMs, createdMs: atMs - 20_000, tradeNo: topup.channel_trade_no, merchantOrderNo: topup.topup_no,
      merchantRefundNo: null, channelRefundNo: null, amountFen, feeFen: fee(amountFen), productName: '储值卡充值', payerId: topup.member_id,
      source: { resource: 'topups', record: topup },
    });
  }
  for (const refund of dataset.refunds) {
    if (refund.status !== 'succeeded' || refund.succeeded_at === null || refund.channel !== channel) continue;
    const amountFen = yuanTextToFen(refund.channel_amount);
    const order = ordersById.get(refund.order_id);
    if (amountFen === 0 || !order || order.channel_trade_no === null) continue;
    movements.push({
      kind: 'refund', atMs: parseInstantMs(refund.succeeded_at), createdMs: parseInstantMs(order.created_at), tradeNo: order.channel_trade_no,
      merchantOrderNo: refund.order_no, merchantRefundNo: refund.refund_no, channelRefundNo: refund.channel_refund_no ?? '',
      amountFen, feeFen: fee(amountFen), productName: order.lines[0]?.name ?? '商品', payerId: order.member_id,
      source: { resource: 'refunds', record: refund },
    });
  }
  return movements;
}

/** Rows of one channel from as many chunks as it takes, stopping at exactly rowCount. */
export function* channelMovements(options: { seed: number; channel: 'wechat' | 'alipay'; rowCount: number; month?: string }): Generator<ChannelMovement> {
  // About 0.6 WeChat rows and 0.4 Alipay rows per order: small runs use small chunks.
  const ordersPerChunk = Math.min(ORDERS_PER_CHUNK_DEFAULT, Math.max(500, options.rowCount * 3));
  let written = 0;
  for (const { dataset } of mallChunks({ seed: options.seed, monthOfChunk: () => options.month ?? BENCH_MONTH, ordersPerChunk })) {
    for (const movement of channelMovementsOf(dataset, options.channel)) {
      if (written === options.rowCount) return;
      yield movement;
      written += 1;
    }
    if (written === options.rowCount) return;
  }
}

/** Buffered synchronous writes: a 233 MB bill is written without holding it in memory. */
class FileWriter {
  private readonly descriptor: number;
  private parts: string[] = [];
  private bufferedChars = 0;
  constructor(path: string) {
    this.descriptor = openSync(path, 'w');
  }
  write(text: string): void {
    this.parts.push(text);
    this.bufferedChars += text.length;
    if (this.bufferedChars > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.descriptor, this.parts.join(''));
    this.parts = [];
    this.bufferedChars = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.descriptor);
  }
}

/** A WeChat Pay trade bill (ALL, current layout, BOM + CRLF as downloaded) of exactly rowCount rows. */
export function writeWechatTradeBill(path: string, options: { seed: number; rowCount: number }): { rowCount: number; bytes: number } {
  const writer = new FileWriter(path);
  const totals = emptyWechatTotals();
  let bytes = 0;
  const emit = (text: string) => {
    writer.write(text);
    bytes += Buffer.byteLength(text);
  };
  emit(`\uFEFF${wechatHeaders.ALL}`);
  for (const movement of channelMovements({ seed: options.seed, channel: 'wechat', rowCount: options.rowCount })) {
    const refund = movement.kind === 'refund';
    const spec: WechatTradeRowSpec = {
      time: formatShanghaiNaive(movement.atMs),
      tradeNo: movement.tradeNo,
      orderNo: movement.merchantOrderNo,
      status: refund ? 'REFUND' : 'SUCCESS',
      settledFen: refund ? 0 : movement.amountFen,
      orderFen: refund ? 0 : movement.amountFen,
      refundFen: refund ? movement.amountFen : 0,
      feeFen: refund ? -movement.feeFen : movement.feeFen,
      goodsName: movement.productName,
      refundNo: movement.channelRefundNo ?? undefined,
      merchantRefundNo: movement.merchantRefundNo ?? undefined,
    };
    emit(`\r\n${wechatTradeLine('ALL', spec)}`);
    addToWechatTotals(totals, spec);
  }
  for (const line of wechatSummaryLines('ALL', totals)) emit(`\r\n${line}`);
  writer.close();
  return { rowCount: totals.count, bytes };
}

const alipayDetailHeader =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const alipaySummaryHeader = '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）';
const dashes = (count: number) => '-'.repeat(count);
const alipayAccount = '20880211096256330156';

/**
 * An Alipay 业务明细 .csv.zip (GBK content, GBK member names without the UTF-8 flag, `#` preamble
 * and footer totals, a 汇总 member) of exactly rowCount rows, in the layout of the demo mall's files.
 */
export function writeAlipayTradeZip(path: string, options: { seed: number; rowCount: number }): { rowCount: number; bytes: number } {
  const lines = [
    '#支付宝业务明细查询',
    `#账号：[${alipayAccount}]`,
    '#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年11月01日 00:00:00]',
    `#${dashes(41)}业务明细列表${dashes(40)}`,
    alipayDetailHeader,
  ];
  let tradeCount = 0;
  let tradeFen = 0;
  let refundCount = 0;
  let refundFen = 0;
  let serviceFeeFen = 0;
  for (const movement of channelMovements({ seed: options.seed, channel: 'alipay', rowCount: options.rowCount })) {
    const refund = movement.kind === 'refund';
    const signedAmount = refund ? -movement.amountFen : movement.amountFen;
    const serviceFee = refund ? movement.feeFen : -movement.feeFen;
    serviceFeeFen += serviceFee;
    if (refund) {
      refundCount += 1;
      refundFen += signedAmount;
    } else {
      tradeCount += 1;
      tradeFen += signedAmount;
    }
    const payer = `**${movement.payerId.slice(-2)}(${movement.payerId.replace('_', '')}***@163.com)`;
    lines.push(
      [
        `${movement.tradeNo}\t`, `${movement.merchantOrderNo}\t`, refund ? '退款\t' : '交易\t', movement.productName, formatShanghaiNaive(movement.createdMs),
        formatShanghaiNaive(movement.atMs), 'DEMO01\t', '演示商城旗舰店\t', 'api\t', '\t', `${payer}\t`, yuan(signedAmount), yuan(signedAmount),
        '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00\t', '0.00', refund ? `${movement.merchantRefundNo}\t` : '\t', yuan(serviceFee), '0.00', movement.productName,
      ].join(','),
    );
  }
  lines.push(`#${dashes(41)}业务明细列表结束${dashes(36)}`);
  lines.push(`#交易合计：${tradeCount}笔，商家实收共${yuan(tradeFen)}元，商家优惠共0.00元`);
  lines.push(`#退款合计：${refundCount}笔，商家实收退款共${yuan(refundFen)}元，商家优惠退款共0.00元`);
  lines.push('#导出时间：[2026年11月01日 05:46:49]');
  const netFen = tradeFen + refundFen;
  const totals = [String(tradeCount), String(refundCount), yuan(netFen), yuan(netFen), '0.00', '0.00', '0.00', yuan(serviceFeeFen), '0.00', yuan(netFen + serviceFeeFen)];
  const summary = [
    '#支付宝业务汇总查询',
    `#账号：[${alipayAccount}]`,
    `#${dashes(41)}业务汇总列表${dashes(40)}`,
    alipaySummaryHeader,
    ['DEMO01\t', '演示商城旗舰店\t', ...totals].join(','),
    ['合计', '', ...totals].join(','),
    `#${dashes(40)}业务汇总列表结束${dashes(37)}`,
    '#导出时间：[2026年11月01日 05:46:49]',
  ];
  const prefix = `${alipayAccount}_20261001`;
  const zip = writeZip(
    [
      { nameBytes: iconv.encode(`${prefix}_业务明细.csv`, 'gbk'), data: iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk') },
      { nameBytes: iconv.encode(`${prefix}_业务明细(汇总).csv`, 'gbk'), data: iconv.encode(`${summary.join('\r\n')}\r\n`, 'gbk') },
    ],
    Date.UTC(2026, 10, 1, 5, 46, 49),
  );
  writeFileSync(path, zip);
  return { rowCount: tradeCount + refundCount, bytes: zip.length };
}
