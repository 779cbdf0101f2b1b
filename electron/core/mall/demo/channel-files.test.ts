import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fen, formatFenAsYuan, multiplyByRate, parseYuanToFen } from '../../money';
import { discrepancyCategories, writeDemoChannelFiles, type DemoChannelFiles, type InjectedDiscrepancy } from './channel-files';
import { generateMallDataset, type MallDataset } from './generate';

const dataset = generateMallDataset({ seed: 20261, month: '2026-10', orderCount: 1500 });

function yuan(text: string, decimalsMax = 2): number {
  const parsed = parseYuanToFen(text, { decimalsMax });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
const fee = (amountFen: number) => multiplyByRate(fen(amountFen), '0.006', 'half-up');
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

interface WechatBill {
  date: string;
  header: string[];
  rows: Record<string, string>[];
  summary: Record<string, string>;
}

/** A strict reader written for this test only: BOM, CRLF, backticks, 27 columns, summary block. */
function readWechatBill(path: string, expectedHeader: string): WechatBill {
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  expect(text.endsWith('\n')).toBe(false);
  const lines = text.split('\r\n');
  expect(lines.every((line) => !line.includes('\n'))).toBe(true);
  const header = lines[0].split(',');
  expect(lines[0]).toBe(expectedHeader);
  const summaryAt = lines.length - 2;
  const rows = lines.slice(1, summaryAt).map((line) => {
    expect(line.startsWith('`')).toBe(true);
    const fields = line.slice(1).split(',`');
    expect(fields).toHaveLength(header.length);
    return Object.fromEntries(header.map((name, index) => [name, fields[index]]));
  });
  const summaryHeader = lines[summaryAt].split(',');
  const summaryValues = lines[summaryAt + 1].split(',').map((value) => {
    expect(value.startsWith('`')).toBe(true);
    return value.slice(1);
  });
  const date = /(\d{8})\.csv$/.exec(path)![1];
  return { date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`, header, rows, summary: Object.fromEntries(summaryHeader.map((name, index) => [name, summaryValues[index]])) };
}

interface AlipayBill {
  date: string;
  rows: Record<string, string>[];
  footer: string[];
  summaryLines: string[];
  memberNames: string[];
}

function readAlipayZip(path: string): AlipayBill {
  const bytes = readFileSync(path);
  // No UTF-8 flag (bit 11) on the member names, as in the real download.
  expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
  expect(bytes.readUInt16LE(6) & 0x800).toBe(0);
  const members = unzipSync(new Uint8Array(bytes));
  const memberNames = Object.keys(members).map((name) => iconv.decode(Buffer.from(name, 'latin1'), 'gbk'));
  const entries = Object.values(members).map((data) => iconv.decode(Buffer.from(data), 'gbk'));
  const detailText = entries.find((text) => text.startsWith('#支付宝业务明细查询'))!;
  const summaryText = entries.find((text) => text.startsWith('#支付宝业务汇总查询'))!;
  expect(detailText).toBeDefined();
  expect(summaryText).toBeDefined();
  expect(detailText.includes('\r\n')).toBe(true);
  const lines = detailText.split('\r\n').filter((line) => line !== '');
  const start = lines.indexOf(`#${'-'.repeat(41)}业务明细列表${'-'.repeat(40)}`);
  const end = lines.indexOf(`#${'-'.repeat(41)}业务明细列表结束${'-'.repeat(36)}`);
  expect(start).toBe(3);
  expect(end).toBeGreaterThan(start);
  const header = lines[start + 1].split(',');
  expect(header).toHaveLength(25);
  expect(header[11]).toBe('订单金额（元）');
  const rows = lines.slice(start + 2, end).map((line) => {
    const fields = line.split(',');
    expect(fields).toHaveLength(25);
    return Object.fromEntries(header.map((name, index) => [name, fields[index].trim()]));
  });
  const date = /_(\d{8})\.csv\.zip$/.exec(path)![1];
  return { date: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}`, rows, footer: lines.slice(end + 1), summaryLines: summaryText.split('\r\n'), memberNames };
}

function expectedChannelView(data: MallDataset, channel: 'wechat' | 'alipay', injected: InjectedDiscrepancy[]) {
  const mine = injected.filter((item) => item.channel === channel);
  const byCategory = (category: string) => mine.filter((item) => item.category === category);
  const payments = [
    ...data.orders.filter((order) => order.paid_at !== null && order.pay_channel === channel).map((order) => order.order_no),
    ...data.topups.filter((topup) => topup.pay_channel === channel).map((topup) => topup.topup_no),
  ];
  const missing = new Set(byCategory('missing_in_channel').map((item) => item.order_no));
  const expectedPayments = [
    ...payments.filter((orderNo) => !missing.has(orderNo)),
    ...['missing_in_mall', 'status_mismatch', 'duplicate_in_channel'].flatMap((category) => byCategory(category).map((item) => item.order_no!)),
  ].sort();
  const refunds = data.refunds.filter((refund) => refund.status === 'succeeded' && refund.channel === channel && refund.channel_amount !== '0.00').map((refund) => refund.refund_no);
  const droppedRefunds = new Set(byCategory('refund_missing_in_channel').map((item) => item.refund_no));
  const expectedRefunds = [...refunds.filter((refundNo) => !droppedRefunds.has(refundNo)), ...byCategory('refund_missing_in_mall').map((item) => item.refund_no!)].sort();
  return { expectedPayments, expectedRefunds, byCategory };
}

describe('writeDemoChannelFiles', () => {
  let dir: string;
  let written: DemoChannelFiles;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerdesk-demo-files-'));
    written = writeDemoChannelFiles(dataset, dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file of each kind per business date plus one bank statement', () => {
    const names = written.files.map((file) => basename(file));
    expect(names.filter((name) => name.startsWith('wechat-tradebill-ALL-'))).toHaveLength(31);
    expect(names.filter((name) => name.startsWith('wechat-fundflow-BASIC-'))).toHaveLength(31);
    expect(names.filter((name) => name.endsWith('.csv.zip'))).toHaveLength(31);
    expect(names.filter((name) => name.startsWith('bank-camt053-'))).toHaveLength(1);
  });

  it('injects at least one discrepancy of every category, on both channels', () => {
    for (const channel of ['wechat', 'alipay'] as const) {
      const categories = new Set(written.injected.filter((item) => item.channel === channel).map((item) => item.category));
      expect([...categories].sort()).toEqual([...discrepancyCategories].sort());
    }
    for (const item of written.injected) expect(item.business_date.startsWith('2026-10-')).toBe(true);
  });

  it('WeChat trade bills: totals add up and rows are exactly the mall plus the injected differences', () => {
    const bills = written.files.filter((file) => basename(file).startsWith('wechat-tradebill-ALL-')).map((file) =>
      readWechatBill(file, '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注'),
    );
    const allRows: Array<Record<string, string> & { billDate: string }> = [];
    for (const bill of bills) {
      expect(bill.header).toHaveLength(27);
      const fees = bill.rows.map((row) => yuan(row['手续费'], 5));
      expect(Number(bill.summary['总交易单数'])).toBe(bill.rows.length);
      expect(yuan(bill.summary['应结订单总金额'])).toBe(sum(bill.rows.map((row) => yuan(row['应结订单金额']))));
      expect(yuan(bill.summary['退款总金额'])).toBe(sum(bill.rows.map((row) => yuan(row['退款金额']))));
      expect(yuan(bill.summary['申请退款总金额'])).toBe(sum(bill.rows.map((row) => yuan(row['申请退款金额']))));
      expect(yuan(bill.summary['订单总金额'])).toBe(sum(bill.rows.map((row) => yuan(row['订单金额']))));
      expect(yuan(bill.summary['手续费总金额'], 5)).toBe(sum(fees));
      expect(bill.summary['手续费总金额']).toMatch(/^-?\d+\.\d{2}000$/);
      for (const row of bill.rows) {
        expect(row['交易时间'].startsWith(bill.date)).toBe(true);
        expect(row['费率']).toBe('0.60%');
        expect(row['费率备注']).toBe('');
        expect(row['手续费']).toMatch(/^-?\d+\.\d{2}000$/);
        if (row['交易状态'] === 'SUCCESS') {
          expect(row['商户退款单号']).toBe('0');
          expect(row['微信退款单号']).toBe('0');
        } else {
          expect(row['交易状态']).toBe('REFUND');
          expect(row['应结订单金额']).toBe('0.00');
          expect(yuan(row['手续费'], 5)).toBeLessThanOrEqual(0);
        }
        allRows.push({ ...row, billDate: bill.date });
      }
    }
    const { expectedPayments, expectedRefunds, byCategory } = expectedChannelView(dataset, 'wechat', written.injected);
    const payments = allRows.filter((row) => row['交易状态'] === 'SUCCESS');
    const refunds = allRows.filter((row) => row['交易状态'] === 'REFUND');
    expect(payments.map((row) => row['商户订单号']).sort()).toEqual(expectedPayments);
    expect(refunds.map((row) => row['商户退款单号']).sort()).toEqual(expectedRefunds);

    // Amounts and fees equal the mall's except where a difference was injected.
    const mallPaid = new Map<string, { amount: string; tradeNo: string | null }>([
      ...dataset.orders.map((order) => [order.order_no, { amount: order.paid_amount, tradeNo: order.channel_trade_no }] as const),
      ...dataset.topups.map((topup) => [topup.topup_no, { amount: topup.amount, tradeNo: topup.channel_trade_no }] as const),
    ]);
    const amountChanged = new Map(byCategory('amount_mismatch').map((item) => [item.order_no, item]));
    const feeChanged = new Map(byCategory('fee_mismatch').map((item) => [item.order_no, item]));
    let checked = 0;
    for (const row of payments) {
      const mall = mallPaid.get(row['商户订单号']);
      if (mall === undefined || mall.tradeNo !== row['微信订单号']) continue;
      const changed = amountChanged.get(row['商户订单号']);
      expect(row['应结订单金额']).toBe(changed ? changed.channel_amount : mall.amount);
      expect(row['订单金额']).toBe(row['应结订单金额']);
      const feeChange = feeChanged.get(row['商户订单号']);
      expect(yuan(row['手续费'], 5)).toBe(feeChange ? yuan(feeChange.channel_amount!) : fee(yuan(row['应结订单金额'])));
      if (feeChange) expect(yuan(feeChange.mall_amount!)).toBe(fee(yuan(row['应结订单金额'])));
      checked += 1;
    }
    expect(checked).toBeGreaterThan(500);
    const refundChanged = new Map(byCategory('refund_amount_mismatch').map((item) => [item.refund_no, item]));
    const mallRefunds = new Map(dataset.refunds.map((refund) => [refund.refund_no, refund]));
    for (const row of refunds) {
      const mall = mallRefunds.get(row['商户退款单号']);
      if (mall === undefined) continue;
      expect(row['退款金额']).toBe(refundChanged.get(mall.refund_no)?.channel_amount ?? mall.channel_amount);
      expect(row['微信退款单号']).toBe(mall.channel_refund_no);
      expect(yuan(row['手续费'], 5)).toBe(-fee(yuan(row['退款金额'])));
    }
    // Every row of the mall sits in the bill of its own date, except the cross-midnight payment.
    const crossMidnight = written.crossMidnight!;
    const late = payments.find((row) => row['商户订单号'] === crossMidnight.order_no)!;
    expect(late.billDate).toBe(crossMidnight.bill_date);
    expect(late['交易时间']).toBe(crossMidnight.channel_time);
    expect(crossMidnight.mall_paid_at).toMatch(/T23:59:5\d\+08:00$/);
    expect(late['交易时间']).toMatch(/ 00:00:0\d$/);
    expect(crossMidnight.mall_business_date).not.toBe(crossMidnight.bill_date);
    const paidDates = new Map(dataset.orders.map((order) => [order.order_no, order.paid_at?.slice(0, 10)]));
    const offDate = payments.filter((row) => paidDates.has(row['商户订单号']) && paidDates.get(row['商户订单号']) !== row.billDate);
    const expectedOffDate = [crossMidnight.order_no, ...byCategory('status_mismatch').map((item) => item.order_no)];
    expect(offDate.map((row) => row['商户订单号']).sort()).toEqual(expectedOffDate.sort());
  });

  it('WeChat fund-flow bills: summaries, running balance and settlements agree with the bank statement', () => {
    const bills = written.files.filter((file) => basename(file).startsWith('wechat-fundflow-BASIC-')).map((file) =>
      readWechatBill(file, '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号'),
    );
    let balance = 0;
    const settlements: Array<{ reference: string; amount: number }> = [];
    for (const bill of bills) {
      const income = bill.rows.filter((row) => row['收支类型'] === '收入');
      const expense = bill.rows.filter((row) => row['收支类型'] === '支出');
      expect(income.length + expense.length).toBe(bill.rows.length);
      expect(Number(bill.summary['资金流水总笔数'])).toBe(bill.rows.length);
      expect(Number(bill.summary['收入笔数'])).toBe(income.length);
      expect(yuan(bill.summary['收入金额'])).toBe(sum(income.map((row) => yuan(row['收支金额(元)']))));
      expect(Number(bill.summary['支出笔数'])).toBe(expense.length);
      expect(yuan(bill.summary['支出金额'])).toBe(sum(expense.map((row) => yuan(row['收支金额(元)']))));
      for (const row of bill.rows) {
        const amount = yuan(row['收支金额(元)']);
        expect(amount).toBeGreaterThanOrEqual(0);
        balance += row['收支类型'] === '收入' ? amount : -amount;
        expect(yuan(row['账户结余(元)'])).toBe(balance);
        if (row['业务类型'] === '提现') settlements.push({ reference: row['业务凭证号'], amount });
      }
    }
    expect(settlements.length).toBeGreaterThan(20);
    const bankFile = written.files.find((file) => basename(file).startsWith('bank-camt053-'))!;
    const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'Ntry' || name === 'Bal' }).parse(readFileSync(bankFile, 'utf8'));
    const statement = xml.Document.BkToCstmrStmt.Stmt;
    const entries = statement.Ntry as Array<{ Amt: { '#text': string | number }; CdtDbtInd: string; NtryDtls: { TxDtls: { Refs: { EndToEndId: string } } } }>;
    const bankAmount = (entry: (typeof entries)[number]) => yuan(String(entry.Amt['#text']));
    const wechatInBank = entries.filter((entry) => entry.NtryDtls.TxDtls.Refs.EndToEndId.startsWith('STLWX'));
    expect(wechatInBank.map((entry) => [entry.NtryDtls.TxDtls.Refs.EndToEndId, bankAmount(entry)])).toEqual(settlements.map((item) => [item.reference, item.amount]));
    const balances = statement.Bal as Array<{ Tp: { CdOrPrtry: { Cd: string } }; Amt: { '#text': string | number } }>;
    const closing = balances.find((item) => item.Tp.CdOrPrtry.Cd === 'CLBD')!;
    const opening = balances.find((item) => item.Tp.CdOrPrtry.Cd === 'OPBD')!;
    const amountOf = (value: string | number) => yuan(String(value));
    expect(amountOf(closing.Amt['#text']) - amountOf(opening.Amt['#text'])).toBe(sum(entries.map(bankAmount)));
    expect(Number(statement.TxsSummry.TtlNtries.NbOfNtries)).toBe(entries.length);
    expect(entries.every((entry) => entry.CdtDbtInd === 'CRDT')).toBe(true);
    expect(entries.some((entry) => entry.NtryDtls.TxDtls.Refs.EndToEndId.startsWith('STLZFB'))).toBe(true);
  });

  it('Alipay 业务明细 zips: GBK, markers, footers add up, rows are the mall plus the injected differences', () => {
    const bills = written.files.filter((file) => file.endsWith('.csv.zip')).map(readAlipayZip);
    const payments: Record<string, string>[] = [];
    const refunds: Record<string, string>[] = [];
    for (const bill of bills) {
      const prefix = `${dataset.accounts.alipayPid}0156_${bill.date.replace(/-/g, '')}`;
      expect(bill.memberNames.sort()).toEqual([`${prefix}_业务明细(汇总).csv`, `${prefix}_业务明细.csv`].sort());
      const trades = bill.rows.filter((row) => row['业务类型'] === '交易');
      const backs = bill.rows.filter((row) => row['业务类型'] === '退款');
      expect(trades.length + backs.length).toBe(bill.rows.length);
      const tradeTotal = formatFenAsYuan(fen(sum(trades.map((row) => yuan(row['商家实收（元）'])))));
      const refundTotal = formatFenAsYuan(fen(sum(backs.map((row) => yuan(row['商家实收（元）'])))));
      expect(bill.footer[0]).toBe(`#交易合计：${trades.length}笔，商家实收共${tradeTotal}元，商家优惠共0.00元`);
      expect(bill.footer[1]).toBe(`#退款合计：${backs.length}笔，商家实收退款共${refundTotal}元，商家优惠退款共0.00元`);
      expect(bill.footer[2]).toMatch(/^#导出时间：\[\d{4}年\d{2}月\d{2}日 05:46:49\]$/);
      for (const row of trades) {
        expect(row['完成时间'].startsWith(bill.date)).toBe(true);
        expect(yuan(row['服务费（元）'])).toBeLessThanOrEqual(0);
        expect(yuan(row['商家实收（元）'])).toBe(yuan(row['订单金额（元）']));
      }
      for (const row of backs) {
        expect(yuan(row['订单金额（元）'])).toBeLessThan(0);
        expect(yuan(row['服务费（元）'])).toBe(fee(-yuan(row['订单金额（元）'])));
      }
      const summaryTotals = bill.summaryLines.find((line) => line.startsWith('合计,'))!.split(',');
      expect(Number(summaryTotals[2])).toBe(trades.length);
      expect(Number(summaryTotals[3])).toBe(backs.length);
      expect(yuan(summaryTotals[5])).toBe(sum(bill.rows.map((row) => yuan(row['商家实收（元）']))));
      expect(yuan(summaryTotals[9])).toBe(sum(bill.rows.map((row) => yuan(row['服务费（元）']))));
      payments.push(...trades);
      refunds.push(...backs);
    }
    const { expectedPayments, expectedRefunds, byCategory } = expectedChannelView(dataset, 'alipay', written.injected);
    expect(payments.map((row) => row['商户订单号']).sort()).toEqual(expectedPayments);
    expect(refunds.map((row) => row['退款批次号/请求号']).sort()).toEqual(expectedRefunds);
    const feeChanged = new Map(byCategory('fee_mismatch').map((item) => [item.order_no, item]));
    const amountChanged = new Map(byCategory('amount_mismatch').map((item) => [item.order_no, item]));
    const mallOrders = new Map(dataset.orders.map((order) => [order.order_no, order]));
    for (const row of payments) {
      const expectedFee = feeChanged.get(row['商户订单号']);
      expect(-yuan(row['服务费（元）'])).toBe(expectedFee ? yuan(expectedFee.channel_amount!) : fee(yuan(row['订单金额（元）'])));
      const order = mallOrders.get(row['商户订单号']);
      if (order && order.channel_trade_no === row['支付宝交易号']) {
        expect(row['订单金额（元）']).toBe(amountChanged.get(order.order_no)?.channel_amount ?? order.paid_amount);
      }
    }
  });

  it('writes files identical to the mall when injection is off, and deterministically', () => {
    const cleanDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-demo-clean-'));
    const againDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-demo-again-'));
    try {
      const clean = writeDemoChannelFiles(dataset, cleanDir, { inject: false });
      expect(clean.injected).toEqual([]);
      const bills = clean.files.filter((file) => basename(file).startsWith('wechat-tradebill-ALL-'));
      const orderNos = bills.flatMap((file) =>
        readWechatBill(file, readFileSync(file, 'utf8').slice(1).split('\r\n')[0]).rows.filter((row) => row['交易状态'] === 'SUCCESS').map((row) => row['商户订单号']),
      );
      expect(orderNos.sort()).toEqual(expectedChannelView(dataset, 'wechat', []).expectedPayments);
      const again = writeDemoChannelFiles(dataset, againDir);
      expect(again.injected).toEqual(written.injected);
      for (let index = 0; index < again.files.length; index += 1) {
        expect(readFileSync(again.files[index]).equals(readFileSync(written.files[index]))).toBe(true);
      }
    } finally {
      rmSync(cleanDir, { recursive: true, force: true });
      rmSync(againDir, { recursive: true, force: true });
    }
  });
});
