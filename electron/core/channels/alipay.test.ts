import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { freshDir, readFailure, readOk, writeTemp } from './test-helpers';

const dashes = (count: number) => '-'.repeat(count);
const tradeHeader = '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';

function tradeRow(tradeNo: string, orderNo: string, type: '交易' | '退款', goods: string, created: string, completed: string, amount: string, fee: string, refundNo = ''): string {
  return `${tradeNo}\t,${orderNo}\t,${type}\t,${goods},${created},${completed},alipay_store\t,门店\t,alipay\t,\t,*津水(602***@qq.com)\t,${amount},${amount},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,${refundNo}\t,${fee},0.00,${goods}`;
}

function tradeDetail(rows: string[], footer = ['#交易合计：2笔，商家实收共101.00元，商家优惠共0.00元', '#退款合计：1笔，商家实收退款共-1.00元，商家优惠退款共0.00元']): string {
  return [
    '#支付宝业务明细查询',
    '#账号：[20880211096256330156]',
    '#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]',
    `#${dashes(41)}业务明细列表${dashes(40)}`,
    tradeHeader,
    ...rows,
    `#${dashes(41)}业务明细列表结束${dashes(36)}`,
    ...footer,
    '#导出时间：[2019年09月17日 05:46:49]',
  ].join('\r\n');
}

const rows = [
  tradeRow('2019091622001458860515315453', 'T1001', '交易', '下单,测试', '2019-09-16 10:55:16', '2019-09-16 10:55:23', '1.00', '-0.01'),
  tradeRow('2019091622001458860515315453', 'T1001', '退款', '下单,测试', '2019-09-16 10:55:16', '2019-09-16 10:56:48', '-1.00', '0.01', 're_T1001_1'),
  tradeRow('2019091622001458860513822558', 'T1002', '交易', '书', '2019-09-16 11:07:03', '2019-09-16 11:07:09', '100.00', '-0.60'),
];

const summaryFile = [
  '#支付宝业务汇总查询',
  '#账号：[20880211096256330156]',
  `#${dashes(41)}业务汇总列表${dashes(40)}`,
  '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
  '合计,,2,1,100.00,100.00,0.00,0.00,0.00,-0.60,0.00,99.40',
  `#${dashes(40)}业务汇总列表结束${dashes(37)}`,
].join('\r\n');

/**
 * A zip like Alipay's: GBK content, GBK member names WITHOUT the UTF-8 flag. fflate writes names
 * as UTF-8, so each member is written under an ASCII placeholder of the same byte length and the
 * placeholder bytes are then replaced by the GBK name in the local and central headers.
 */
function alipayZip(members: Record<string, string>): Buffer {
  const placeholders: [Buffer, Buffer][] = [];
  const files: Record<string, Uint8Array> = {};
  Object.entries(members).forEach(([name, content], index) => {
    const gbkName = iconv.encode(name, 'gbk');
    const placeholder = Buffer.from(`${index}`.padEnd(gbkName.length, 'x'));
    placeholders.push([placeholder, gbkName]);
    files[placeholder.toString('latin1')] = iconv.encode(content, 'gbk');
  });
  const zip = Buffer.from(zipSync(files));
  for (const [placeholder, gbkName] of placeholders) {
    for (let at = zip.indexOf(placeholder); at !== -1; at = zip.indexOf(placeholder, at + 1)) gbkName.copy(zip, at);
  }
  return zip;
}

describe('Alipay 业务明细', () => {
  it('reads a GBK .csv.zip with GBK member names, skips the 汇总 member, trims TABs, folds a comma in 商品名称', async () => {
    const zip = alipayZip({
      '20880211096256330156_20190916_业务明细.csv': tradeDetail(rows),
      '20880211096256330156_20190916_业务明细(汇总).csv': summaryFile,
    });
    // The model is faithful: general-purpose flag bit 11 (UTF-8 names) is unset in the central directory.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt16LE(central + 8) & 0x800).toBe(0);
    const path = writeTemp(freshDir(), '20880211096256330156_20190916.csv.zip', zip);
    const read = await readOk(path);
    expect(read.reader).toMatchObject({ kind: 'alipay_trade', channel: 'alipay', encoding: 'gb18030' });
    expect(read.summary).toEqual({ totalsChecked: true, closingBalances: [], rowCount: 3 });
    expect(read.rows[0]).toMatchObject({
      kind: 'payment',
      channelTradeNo: '2019091622001458860515315453',
      merchantOrderNo: 'T1001',
      amountFen: 100,
      orderAmountFen: 100,
      feeFen: 1, // 服务费 -0.01 is a charge
      occurredAt: '2019-09-16T10:55:23+08:00',
      account: '20880211096256330156',
      counterparty: '*津水(602***@qq.com)',
      memo: '下单,测试',
      lineNumber: 6,
      naturalKey: 'alipay:pay:2019091622001458860515315453',
    });
    expect(read.rows[1]).toMatchObject({
      kind: 'refund',
      merchantRefundNo: 're_T1001_1',
      amountFen: -100,
      feeFen: -1,
      occurredAt: '2019-09-16T10:56:48+08:00', // 完成时间 is the refund time
      naturalKey: 'alipay:refund:2019091622001458860515315453:re_T1001_1',
    });
    expect(read.rows[2]).toMatchObject({ amountFen: 10000, feeFen: 60 });
  });

  it('reads a 200,000-row GBK zip member, decoded in 256 KiB slices: characters cut by a slice edge come out whole', async () => {
    const rowCount = 200_000;
    const many: string[] = [];
    for (let index = 0; index < rowCount; index += 1) {
      many.push(tradeRow(`20261001220014588605${String(index).padStart(8, '0')}`, `SO${index}`, '交易', '书', '2026-10-01 11:07:03', '2026-10-01 11:07:09', '1.00', '0.00'));
    }
    const footer = [`#交易合计：${rowCount}笔，商家实收共${rowCount}.00元，商家优惠共0.00元`, '#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元'];
    const path = writeTemp(freshDir(), 'big.csv.zip', alipayZip({ '20880211096256330156_20261001_业务明细.csv': tradeDetail(many, footer) }));
    const read = await readOk(path);
    expect(read.summary.rowCount).toBe(rowCount);
    expect(read.rows.filter((row) => row.memo !== '书' || !row.counterparty?.startsWith('*津水'))).toEqual([]);
    expect(read.rows.at(-1)?.merchantOrderNo).toBe(`SO${rowCount - 1}`);
  }, 120_000);

  it('finds the header by content whatever the preamble length, and accepts ASCII (元)', async () => {
    const text = tradeDetail(rows).replace('#账号', '#说明：额外一行\r\n#账号').replace(tradeHeader, tradeHeader.replace(/（元）/g, '(元)'));
    const read = await readOk(writeTemp(freshDir(), 'plain.csv', text));
    expect(read.rows.map((row) => row.lineNumber)).toEqual([7, 8, 9]);
  });

  it('rejects footer totals that the rows do not add up to, at the footer line', async () => {
    const text = tradeDetail(rows, ['#交易合计：2笔，商家实收共101.01元，商家优惠共0.00元', '#退款合计：1笔，商家实收退款共-1.00元，商家优惠退款共0.00元']);
    const failure = await readFailure(writeTemp(freshDir(), 'bad.csv', text));
    expect(failure).toMatchObject({ stage: 'finish', error: { line: 10, reason: expect.stringMatching(/交易合计.*101\.01/) } });
    const countText = tradeDetail(rows, ['#交易合计：3笔，商家实收共101.00元，商家优惠共0.00元', '#退款合计：1笔，商家实收退款共-1.00元，商家优惠退款共0.00元']);
    expect((await readFailure(writeTemp(freshDir(), 'bad2.csv', countText))).error.reason).toMatch(/3笔/);
  });

  it('rejects a truncated detail list, a truncated zip and a broken row', async () => {
    const dir = freshDir();
    const cut = tradeDetail(rows).split('\r\n').slice(0, 7).join('\r\n');
    expect(await readFailure(writeTemp(dir, 'cut.csv', cut))).toMatchObject({ stage: 'rows', error: { line: 8, reason: expect.stringMatching(/truncated/) } });
    const zip = alipayZip({ 'a_业务明细.csv': tradeDetail(rows) });
    const truncatedZip = await readFailure(writeTemp(dir, 'cut.csv.zip', zip.subarray(0, zip.length - 30)));
    expect(truncatedZip).toMatchObject({ stage: 'open', error: { line: null, reason: expect.stringMatching(/zip/) } });
    const broken = tradeDetail([rows[0], rows[1].replace('-1.00,-1.00', 'abc,abc'), rows[2]]);
    expect(await readFailure(writeTemp(dir, 'broken.csv', broken))).toMatchObject({ stage: 'rows', error: { line: 7 } });
  });
});

describe('Alipay 账务明细', () => {
  const header = '账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注';
  const text = (footer: string[]) => [
    '#支付宝账务明细查询',
    '#账号：[20888011365400330156]',
    '#起始日期：[2012年12月29日 00:00:00]   终止日期：[2012年12月30日 00:00:00]',
    `#${dashes(41)}账务明细列表${dashes(40)}`,
    header,
    '54632446537371\t,2012122923922029\t,3226563\t,海航机票\t,2012-12-29 21:02:06,陈* (k***@126.com)\t,2274.00,0.00,14533.03,支付宝,在线支付,',
    '54632446537372\t,2012122923922030\t,\t,服务费\t,2012-12-29 21:02:07,\t,0.00,-2.27,14530.76,支付宝,收费,',
    '54629090595411\t,2012122948927762\t,3226533\t,海航机票\t,2012-12-29 20:31:32,张* (133****6888)\t,393.00,0.00,12259.03,支付宝,在线支付,',
    `#${dashes(40)}账务明细列表结束${dashes(37)}`,
    ...footer,
    '#导出时间：[2012年12月31日 13:19:01]',
  ].join('\r\n');

  it('reads income/expense columns (expense written negative), the latest balance and the footer totals', async () => {
    const read = await readOk(writeTemp(freshDir(), 'acct.csv', iconv.encode(text(['#支出合计：1笔，共2.27元', '#收入合计：2笔，共2,667.00元']), 'gbk')));
    expect(read.reader.kind).toBe('alipay_account');
    expect(read.rows.map((row) => [row.kind, row.amountFen])).toEqual([['payment', 227400], ['fee', -227], ['payment', 39300]]);
    expect(read.rows[0]).toMatchObject({ merchantOrderNo: '3226563', channelTradeNo: '2012122923922029', naturalKey: 'alipay:acct:54632446537371' });
    expect(read.summary.closingBalances).toEqual([{ account: '20888011365400330156', balanceFen: 1453076, at: '2012-12-29T21:02:07+08:00' }]);
  });

  it('rejects footer totals that disagree', async () => {
    const failure = await readFailure(writeTemp(freshDir(), 'acct.csv', text(['#支出合计：0笔，共0.00元', '#收入合计：2笔，共2667.00元'])));
    expect(failure).toMatchObject({ stage: 'finish', error: { line: 10, reason: expect.stringMatching(/支出合计/) } });
  });
});
