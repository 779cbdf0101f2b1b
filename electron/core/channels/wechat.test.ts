import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { wechatHeaders, wechatTradeBill, wechatTradeLine, yuan, type WechatTradeRowSpec } from './bill-writers';
import { freshDir, readFailure, readOk, writeTemp } from './test-helpers';

const negate = (value: number) => (value === 0 ? 0 : -value);

const payment = (overrides: Partial<WechatTradeRowSpec> = {}): WechatTradeRowSpec => ({
  time: '2021-01-28 17:07:11',
  tradeNo: '4200000925202101284997714292',
  orderNo: 'S20210128170702357723',
  status: 'SUCCESS',
  settledFen: 2990,
  feeFen: 18,
  goodsName: '商品',
  attach: 'cipher code',
  ...overrides,
});

const refund = (overrides: Partial<WechatTradeRowSpec> = {}): WechatTradeRowSpec => ({
  time: '2021-01-24 16:16:25',
  tradeNo: '4200000844202101245866928772',
  orderNo: 'S20210124161554311546',
  status: 'REFUND',
  settledFen: 0,
  orderFen: 0,
  refundFen: 26000,
  feeFen: -156,
  refundNo: '50300807172021020106006664916',
  merchantRefundNo: 'RF20210201143320649393',
  refundRequestTime: '2021-02-01 14:33:21',
  refundSuccessTime: '2021-02-01 14:33:24',
  ...overrides,
});

describe('WeChat trade bill', () => {
  it('reads an ALL bill with BOM, CRLF and no final newline: backticks, empty last field, "0" refund ids', async () => {
    const dir = freshDir();
    const path = writeTemp(dir, 'bill.csv', wechatTradeBill('ALL', [payment(), refund()], { bom: true, eol: '\r\n', finalNewline: false }));
    const { reader, rows, summary } = await readOk(path);
    expect(reader.kind).toBe('wechat_trade_all');
    expect(reader.encoding).toBe('utf-8');
    expect(summary).toEqual({ totalsChecked: true, closingBalances: [], rowCount: 2 });
    expect(rows[0]).toMatchObject({
      channel: 'wechat',
      kind: 'payment',
      merchantOrderNo: 'S20210128170702357723',
      merchantRefundNo: null, // the literal 0 is "no refund id"
      channelTradeNo: '4200000925202101284997714292',
      channelRefundNo: null,
      amountFen: 2990,
      orderAmountFen: 2990,
      feeFen: 18, // "0.18000": 29.90 x 0.60% cent-rounded and zero-padded
      occurredAt: '2021-01-28T17:07:11+08:00',
      businessDate: '2021-01-28',
      status: 'SUCCESS',
      account: '1601959334',
      memo: '商品',
      lineNumber: 2,
      naturalKey: 'wechat:pay:4200000925202101284997714292',
    });
    expect(rows[0].rawLine.startsWith('`2021-01-28 17:07:11,`wx')).toBe(true);
    expect(rows[0].rawLine.endsWith(',`')).toBe(true);
    expect(rows[1]).toMatchObject({
      kind: 'refund',
      amountFen: -26000,
      orderAmountFen: -26000,
      feeFen: -156, // "-1.56000": the fee returned on a refund
      merchantRefundNo: 'RF20210201143320649393',
      channelRefundNo: '50300807172021020106006664916',
      status: 'REFUND/SUCCESS',
      lineNumber: 3,
      naturalKey: 'wechat:refund:50300807172021020106006664916',
    });
  });

  it('reads LF files with a final newline and a stray empty last line', async () => {
    const dir = freshDir();
    const path = writeTemp(dir, 'bill.csv', `${wechatTradeBill('SUCCESS', [payment()], { eol: '\n', finalNewline: true })}\n`);
    const { reader, rows } = await readOk(path);
    expect(reader.kind).toBe('wechat_trade_success');
    expect(rows.map((row) => row.amountFen)).toEqual([2990]);
  });

  it('tolerates the mis-decoded BOM "?" before the header', async () => {
    const dir = freshDir();
    const path = writeTemp(dir, 'bill.csv', `?${wechatTradeBill('SUCCESS', [payment()])}`);
    expect((await readOk(path)).rows).toHaveLength(1);
  });

  it('keeps commas inside 商品名称 and 商户数据包, and rebuilds a row whose free text holds ",`"', async () => {
    const dir = freshDir();
    const rows = [
      payment({ goodsName: '苹果,香蕉,橙子', attach: '{"a":1,"b":[2,3]}' }),
      payment({ tradeNo: '4200000000000000000000000002', goodsName: 'odd,`name', attach: 'x,`y', settledFen: 100, feeFen: 1 }),
    ];
    const path = writeTemp(dir, 'bill.csv', wechatTradeBill('SUCCESS', rows));
    const read = await readOk(path);
    expect(read.rows[0].memo).toBe('苹果,香蕉,橙子');
    expect(read.rows.map((row) => [row.amountFen, row.feeFen])).toEqual([[2990, 18], [100, 1]]);
    expect(read.rows[1].memo).toBe('odd');
    expect(read.rows[1].channelTradeNo).toBe('4200000000000000000000000002');
  });

  it('uses the refund times of a REFUND bill (交易时间 there is the original payment time)', async () => {
    const dir = freshDir();
    const path = writeTemp(dir, 'bill.csv', wechatTradeBill('REFUND', [refund()]));
    const { reader, rows } = await readOk(path);
    expect(reader.kind).toBe('wechat_trade_refund');
    expect(rows[0]).toMatchObject({ occurredAt: '2021-02-01T14:33:24+08:00', businessDate: '2021-02-01', amountFen: -26000, feeFen: -156 });
  });

  it('accepts the documented 4-column SUCCESS summary and float-formatted counts', async () => {
    const dir = freshDir();
    const four = writeTemp(dir, 'four.csv', wechatTradeBill('SUCCESS', [payment(), payment({ tradeNo: '42x' })], { fullSummaryOnSuccess: false }));
    expect(await readOk(four)).toMatchObject({ summary: { totalsChecked: true, rowCount: 2 } });
    const float = writeTemp(dir, 'float.csv', wechatTradeBill('SUCCESS', [payment(), payment({ tradeNo: '42x' })], { summaryOverride: { 总交易单数: '2.0' } }));
    expect((await readOk(float)).summary.rowCount).toBe(2);
  });

  it('reads the legacy 24-column ALL layout with its 5-column summary and full-width colons in times', async () => {
    const header = '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率';
    const rows = [
      '`2014-11-10 16：33：45,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1001690740201411100005734289,`1415640626,`085e9858e3ba5186aafcbaed1,`MICROPAY,`SUCCESS,`CFT,`CNY,`0.01,`0.0,`0,`0,`0,`0,`,`,`被扫支付测试,`订单额外描述,`0.00000,`0.60%',
      '`2014-11-10 16：46：14,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1002780740201411100005729794,`1415635270,`085e9858e90ca40c0b5aee463,`MICROPAY,`REFUND,`CFT,`CNY,`0.00,`0.0,`2004190740201411100003217234,`1415635270,`0.01,`0.0,`ORIGINAL,`SUCCESS,`被扫支付测试,`订单额外描述,`0.00000,`0.60%',
    ];
    const summary = ['总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额', '`2,`0.01,`0.01,`0.0,`0.00000'];
    const path = writeTemp(freshDir(), 'legacy.csv', [header, ...rows, ...summary].join('\r\n'));
    const read = await readOk(path);
    expect(read.reader.kind).toBe('wechat_trade_all');
    expect(read.rows.map((row) => [row.kind, row.amountFen, row.occurredAt])).toEqual([
      ['payment', 1, '2014-11-10T16:33:45+08:00'],
      ['refund', -1, '2014-11-10T16:46:14+08:00'],
    ]);
  });

  it('reads the legacy 18-column SUCCESS and 26-column REFUND headers', async () => {
    const success = '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,商品名称,商户数据包,手续费,费率';
    const successRow = '`2015-01-01 10:00:00,`wx1,`100,`0,`,`4200001,`ORD1,`o1,`JSAPI,`SUCCESS,`CFT,`CNY,`12.30,`0.00,`书,`,`0.07000,`0.60%';
    const dir = freshDir();
    const successPath = writeTemp(dir, 's.csv', [success, successRow, '总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额', '`1,`12.30,`0.00,`0.00,`0.07000'].join('\n'));
    expect((await readOk(successPath)).rows[0]).toMatchObject({ amountFen: 1230, feeFen: 7 });
    const refundHeader = '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率';
    const refundRow = '`2015-01-01 10:00:00,`wx1,`100,`0,`,`4200001,`ORD1,`o1,`JSAPI,`REFUND,`CFT,`CNY,`0.00,`0.00,`2015-01-03 09:00:00,`2015-01-03 09:00:05,`5030001,`RF1,`12.30,`0.00,`ORIGINAL,`SUCCESS,`书,`,`-0.07000,`0.60%';
    const refundPath = writeTemp(dir, 'r.csv', [refundHeader, refundRow, '总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额', '`1,`0.00,`12.30,`0.00,`-0.07000'].join('\n'));
    const read = await readOk(refundPath);
    expect(read.reader.kind).toBe('wechat_trade_refund');
    expect(read.rows[0]).toMatchObject({ amountFen: -1230, feeFen: -7, occurredAt: '2015-01-03T09:00:05+08:00', merchantRefundNo: 'RF1' });
  });

  it('reads a GBK-encoded bill (web UI download) and a gzip-compressed one', async () => {
    const dir = freshDir();
    const text = wechatTradeBill('ALL', [payment({ goodsName: '中文商品' }), refund()]);
    const gbk = await readOk(writeTemp(dir, 'gbk.csv', iconv.encode(text, 'gbk')));
    expect(gbk.reader.encoding).toBe('gb18030');
    expect(gbk.rows[0].memo).toBe('中文商品');
    const gz = await readOk(writeTemp(dir, 'bill.csv.gz', gzipSync(Buffer.from(text))));
    expect(gz.rows.map((row) => row.amountFen)).toEqual([2990, -26000]);
  });

  it('reports a fee with real digits past the fen (0.17940) as a broken row with its line', async () => {
    const text = wechatTradeBill('SUCCESS', [payment(), payment({ tradeNo: '42b' })]).replace('`0.18000', '`0.17940');
    const failure = await readFailure(writeTemp(freshDir(), 'bill.csv', text));
    expect(failure.stage).toBe('rows');
    expect(failure.error.line).toBe(2);
    expect(failure.error.reason).toMatch(/手续费.*0\.17940/);
  });

  it('reports bad rates, dates, amounts and column counts with their lines', async () => {
    const dir = freshDir();
    const base = wechatTradeBill('SUCCESS', [payment(), payment({ tradeNo: '42b' }), payment({ tradeNo: '42c' })]).split('\r\n');
    const cases: [string, RegExp][] = [
      [base[3].replace('`0.60%', '`0.60'), /费率/],
      [base[3].replace('`2021-01-28 17:07:11', '`2021-13-28 17:07:11'), /交易时间/],
      [base[3].replace('`29.90', '`29.9x'), /应结订单金额/],
      [base[3].split(',`').slice(0, 10).join(',`'), /expected 20 fields, found 10/],
      [base[3].replace('`SUCCESS', '`WHATEVER'), /交易状态/],
    ];
    for (const [broken, reason] of cases) {
      const lines = [...base];
      lines[3] = broken;
      const failure = await readFailure(writeTemp(dir, 'bill.csv', lines.join('\r\n')));
      expect(failure.stage).toBe('rows');
      expect(failure.error).toMatchObject({ line: 4 });
      expect(failure.error.reason).toMatch(reason);
    }
  });

  it('rejects a file whose detail does not add up to its summary, naming the summary line', async () => {
    const dir = freshDir();
    const rows = [payment(), refund()];
    for (const [name, value] of [['总交易单数', '3'], ['应结订单总金额', '29.91'], ['退款总金额', '0.00'], ['手续费总金额', '0.02000'], ['申请退款总金额', '1.00']]) {
      const path = writeTemp(dir, 'bill.csv', wechatTradeBill('ALL', rows, { summaryOverride: { [name]: value } }));
      const failure = await readFailure(path);
      expect(failure.stage).toBe('finish');
      expect(failure.error.line).toBe(5);
      expect(failure.error.reason).toContain(`totals mismatch: ${name}`);
    }
  });

  it('rejects a truncated bill (summary block missing) and a non-bill', async () => {
    const dir = freshDir();
    const lines = wechatTradeBill('ALL', [payment(), refund()]).split('\r\n');
    const truncated = await readFailure(writeTemp(dir, 'cut.csv', lines.slice(0, 3).join('\r\n')));
    expect(truncated.stage).toBe('rows');
    expect(truncated.error).toMatchObject({ line: 4, reason: expect.stringMatching(/truncated/) });
    const halfRow = await readFailure(writeTemp(dir, 'half.csv', `${lines.slice(0, 2).join('\r\n')}\r\n${lines[2].slice(0, 40)}`));
    expect(halfRow.error.line).toBe(3);
    const xml = await readFailure(writeTemp(dir, 'err.csv', '<xml><return_code><![CDATA[FAIL]]></return_code><return_msg><![CDATA[No Bill Exist]]></return_msg></xml>'));
    expect(xml).toMatchObject({ stage: 'open', error: { line: 1, reason: expect.stringContaining('No Bill Exist') } });
  });

  it('rejects an unknown trade-bill layout at the header line', async () => {
    const header = `${wechatHeaders.SUCCESS},额外列`;
    const failure = await readFailure(writeTemp(freshDir(), 'odd.csv', `${header}\n${wechatTradeLine('SUCCESS', payment())},\`\n`));
    expect(failure).toMatchObject({ stage: 'open', error: { line: 1, reason: expect.stringMatching(/unknown WeChat trade bill layout/) } });
  });

  it('rejects bytes that are not text in the detected encoding, naming the line', async () => {
    const text = wechatTradeBill('SUCCESS', [payment(), payment({ tradeNo: '42b' })]);
    const bytes = Buffer.from(text);
    const firstRowStart = bytes.indexOf(Buffer.from('\r\n`2021')) + 2;
    const secondRowStart = bytes.indexOf(Buffer.from('\r\n`2021'), firstRowStart) + 2;
    bytes[secondRowStart + 5] = 0xff; // inside line 3
    const failure = await readFailure(writeTemp(freshDir(), 'bad.csv', bytes));
    expect(failure.stage).toBe('open');
    expect(failure.error.line).toBe(3);
    expect(failure.error.reason).toMatch(/encoding/);
  });

  it('round-trips generated bills: amounts, fees, ids and totals (property)', async () => {
    const dir = freshDir();
    const freeText = fc.string({ unit: fc.constantFrom('a', '中', ',', ' ', '{', '}', '"', ':', '1'), maxLength: 12 });
    const rowSpec = fc.record({
      refund: fc.boolean(),
      amountFen: fc.integer({ min: 0, max: 10_000_000 }),
      feeFen: fc.integer({ min: 0, max: 60_000 }),
      goodsName: freeText,
      attach: freeText,
      second: fc.integer({ min: 0, max: 86_399 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowSpec, { maxLength: 30 }), fc.constantFrom('\n', '\r\n') as fc.Arbitrary<'\n' | '\r\n'>, async (specs, eol) => {
        const rows: WechatTradeRowSpec[] = specs.map((spec, index) => {
          const time = `2024-03-01 ${String(Math.floor(spec.second / 3600)).padStart(2, '0')}:${String(Math.floor(spec.second / 60) % 60).padStart(2, '0')}:${String(spec.second % 60).padStart(2, '0')}`;
          return spec.refund
            ? refund({ time, tradeNo: `4200${index}`, refundNo: `5030${index}`, refundFen: spec.amountFen, feeFen: negate(spec.feeFen), goodsName: spec.goodsName, attach: spec.attach, refundSuccessTime: time, refundRequestTime: time })
            : payment({ time, tradeNo: `4200${index}`, settledFen: spec.amountFen, feeFen: spec.feeFen, goodsName: spec.goodsName, attach: spec.attach });
        });
        const path = writeTemp(dir, 'generated.csv', wechatTradeBill('ALL', rows, { eol }));
        const read = await readOk(path);
        expect(read.rows.map((row) => row.amountFen)).toEqual(specs.map((spec) => (spec.refund ? negate(spec.amountFen) : spec.amountFen)));
        expect(read.rows.map((row) => row.feeFen)).toEqual(specs.map((spec) => (spec.refund ? negate(spec.feeFen) : spec.feeFen)));
        expect(read.rows.map((row) => row.channelTradeNo)).toEqual(specs.map((_, index) => `4200${index}`));
        expect(read.summary.rowCount).toBe(specs.length);
        // Where a free text holds no ",`" the name survives exactly.
        specs.forEach((spec, index) => {
          if (!spec.goodsName.includes(',`') && !spec.attach.includes(',`')) expect(read.rows[index].memo).toBe(spec.goodsName.trim() === '' ? null : spec.goodsName.trim());
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('WeChat fund-flow bill', () => {
  const header = '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号';
  const rows = [
    '`2021-02-01 09:00:00,`4200000920202101197964319284,`1900009231202102015884652186,`交易,`交易,`收入,`100.00,`100.23,`system,`,`S20210201090000',
    '`2021-02-01 09:00:00,`4200000920202101197964319284,`1900009231202102015884652187,`交易,`扣除交易手续费,`支出,`0.60,`99.63,`system,`手续费,含逗号,`S20210201090000',
    '`2021-02-01 14:00:45,`50300907032021020105978998710,`4200000846202101197461830397,`退款,`退款,`支出,`0.01,`99.62,`1601959334API,`退款总金额0.01元;\\r\\n含手续费0.00元,`S20210201140044552846',
  ];

  it('reads direction from 收支类型, unescapes \\r\\n, keeps commas in 备注 and the closing balance; full-width (元) and float counts', async () => {
    const dir = freshDir();
    const text = [header.replace('(元)', '（元）').replace('(元)', '（元）'), ...rows, '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额', '`3.0,`1.0,`100.00,`2.0,`0.61'].join('\r\n');
    const read = await readOk(writeTemp(dir, 'fund.csv', text), { account: 'BASIC' });
    expect(read.reader.kind).toBe('wechat_fundflow');
    expect(read.rows.map((row) => [row.kind, row.amountFen])).toEqual([['payment', 10000], ['fee', -60], ['refund', -1]]);
    expect(read.rows[1].memo).toBe('手续费,含逗号');
    expect(read.rows[2]).toMatchObject({
      memo: '退款总金额0.01元;\n含手续费0.00元',
      channelRefundNo: '50300907032021020105978998710',
      channelTradeNo: '4200000846202101197461830397',
      merchantRefundNo: 'S20210201140044552846',
      account: 'BASIC',
    });
    expect(new Set(read.rows.map((row) => row.naturalKey)).size).toBe(3);
    expect(read.summary).toEqual({ totalsChecked: true, rowCount: 3, closingBalances: [{ account: 'BASIC', balanceFen: 9962, at: '2021-02-01T14:00:45+08:00' }] });
  });

  it('rejects a running balance that does not follow, and totals that do not match', async () => {
    const dir = freshDir();
    const broken = [header, rows[0], rows[1].replace('`99.63', '`99.64'), '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额', '`2,`1,`100.00,`1,`0.60'].join('\n');
    expect(await readFailure(writeTemp(dir, 'a.csv', broken))).toMatchObject({ stage: 'rows', error: { line: 3, reason: expect.stringMatching(/账户结余/) } });
    const wrongTotals = [header, rows[0], '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额', '`1,`1,`100.01,`0,`0.00'].join('\n');
    expect(await readFailure(writeTemp(dir, 'b.csv', wrongTotals))).toMatchObject({ stage: 'finish', error: { line: 4, reason: expect.stringMatching(/收入金额/) } });
    const noSummary = [header, rows[0]].join('\n');
    expect(await readFailure(writeTemp(dir, 'c.csv', noSummary))).toMatchObject({ stage: 'rows', error: { line: 3, reason: expect.stringMatching(/truncated/) } });
    const badDirection = [header, rows[0].replace('`收入', '`其他')].join('\n');
    expect(await readFailure(writeTemp(dir, 'd.csv', badDirection))).toMatchObject({ stage: 'rows', error: { line: 2 } });
  });
});

describe('bill writer sanity', () => {
  it('writes 5-decimal fees and 2-decimal amounts', () => {
    expect(yuan(-156)).toBe('-1.56');
    expect(wechatTradeLine('SUCCESS', payment())).toContain('`0.18000');
  });
});
