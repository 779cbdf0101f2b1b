import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { bankPresets, type BankColumnMapping } from './index';
import { freshDir, readFailure, readOk, writeTemp } from './test-helpers';

describe('MT940', () => {
  const statement = [
    '\u0001',
    'ABNANL2A',
    '940',
    ':20:STMT1',
    ':25:NL26VAYB8060476890',
    ':28C:00001/001',
    ':60F:C231230EUR100,00',
    ':61:2312310102D9,NTRFNONREF//BANKREF1',
    'SUPPLEMENTARY LINE',
    ':86:FIRST LINE OF INFO',
    'SECOND LINE',
    ':61:231231CR11,5NTRFINV-2023-1',
    ':86:A CREDIT',
    ':61:231231RD2,50NMSCNONREF',
    ':62F:C231231EUR105,00',
    '-',
    ':20:STMT2',
    ':25:NL26VAYB8060476890',
    ':28C:00002/001',
    ':60F:C240102EUR105,00',
    ':61:240103',
    'C1,00NTRFNONREF',
    ':',
    '86:WRAPPED TAG',
    ':62F:C240103EUR106,00',
    '-\u0003',
  ].join('\r\n');

  it('reads SOH/ETX, preambles, comma decimals, multi-line :61:/:86:, reversals, year rollover and checks balances', async () => {
    const read = await readOk(writeTemp(freshDir(), 'stmt.sta', statement));
    expect(read.reader.kind).toBe('bank_mt940');
    expect(read.rows.map((row) => [row.amountFen, row.businessDate, row.status])).toEqual([
      [-900, '2024-01-02', 'D'], // entry date 0102 after value date 231231: next year
      [1150, '2023-12-31', 'C'],
      [250, '2023-12-31', 'RD'], // reversal of a debit is money in
      [100, '2024-01-03', 'C'],
    ]);
    expect(read.rows[0]).toMatchObject({ channelTradeNo: 'BANKREF1', memo: 'SUPPLEMENTARY LINE\nFIRST LINE OF INFO\nSECOND LINE', account: 'NL26VAYB8060476890', currency: 'EUR', lineNumber: 8 });
    expect(read.rows[1].channelTradeNo).toBe('INV-2023-1');
    expect(read.rows[3].memo).toBe('WRAPPED TAG');
    expect(read.summary).toEqual({
      totalsChecked: true,
      rowCount: 4,
      closingBalances: [{ account: 'NL26VAYB8060476890', balanceFen: 10600, at: '2024-01-03T00:00:00+08:00' }],
    });
  });

  it('rejects a statement whose entries do not lead from opening to closing balance, unless told not to check', async () => {
    const path = writeTemp(freshDir(), 'bad.sta', statement.replace(':62F:C231231EUR105,00', ':62F:C231231EUR105,01'));
    expect(await readFailure(path)).toMatchObject({ stage: 'finish', error: { line: 16, reason: expect.stringMatching(/does not balance/) } });
    expect((await readOk(path, { verifyBankBalances: false })).rows).toHaveLength(4);
  });

  it('reports a malformed :61: at its line', async () => {
    const path = writeTemp(freshDir(), 'broken.sta', statement.replace(':61:231231CR11,5NTRFINV-2023-1', ':61:23123XCR11,5NTRF'));
    expect(await readFailure(path)).toMatchObject({ stage: 'rows', error: { line: 12, reason: expect.stringMatching(/statement line/) } });
  });
});

function camt(version: '02' | '08', entries: string, closing = '119.15'): string {
  const status = version === '02' ? '<Sts>BOOK</Sts>' : '<Sts><Cd>BOOK</Cd></Sts>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2024-01-02T08:00:00+08:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S1</Id>
      <Acct><Id><IBAN>CN00BANK0001</IBAN></Id><Ccy>CNY</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">100.000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">${closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-02</Dt></Dt></Bal>
${entries.replaceAll('STATUS', status)}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

const camtEntries = `      <Ntry>
        <Amt Ccy="CNY">20.150</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>false</RvslInd>STATUS
        <BookgDt><DtTm>2024-01-01T23:30:00Z</DtTm></BookgDt><AcctSvcrRef>REF-1</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><RltdPties><Dbtr><Nm>财付通</Nm></Dbtr></RltdPties><RmtInf><Ustrd>微信结算</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>STATUS
        <BookgDt><Dt>2024-01-02</Dt></BookgDt>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>STATUS
        <BookgDt><Dt>2024-01-02</Dt></BookgDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>A</EndToEndId></Refs></TxDtls><TxDtls><Refs><EndToEndId>B</EndToEndId></Refs></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">999.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts>
        <BookgDt><Dt>2024-01-02</Dt></BookgDt>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>STATUS
        <ValDt><Dt>2024-01-02</Dt></ValDt>
      </Ntry>`;

describe('camt.053', () => {
  for (const version of ['02', '08'] as const) {
    it(`reads version 001.${version}: status shapes, reversal, DtTm to +08:00, 3 decimals, batch entries, pending skipped`, async () => {
      const read = await readOk(writeTemp(freshDir(), 'stmt.xml', camt(version, camtEntries)));
      expect(read.reader.kind).toBe('bank_camt053');
      expect(read.rows.map((row) => row.amountFen)).toEqual([2015, -100, -500, 500]);
      expect(read.rows[0]).toMatchObject({
        occurredAt: '2024-01-02T07:30:00+08:00',
        businessDate: '2024-01-02',
        channelTradeNo: 'REF-1',
        counterparty: '财付通',
        memo: '微信结算',
        account: 'CN00BANK0001',
        currency: 'CNY',
        lineNumber: 10,
      });
      expect(read.rows[1].status).toBe('BOOK/REVERSAL');
      expect(read.rows[2].memo).toBe('batch of 2 transactions');
      expect(read.summary).toMatchObject({ totalsChecked: true, rowCount: 4, closingBalances: [{ account: 'CN00BANK0001', balanceFen: 11915 }] });
    });
  }

  it('rejects unbalanced statements, truncated XML and unknown versions', async () => {
    const dir = freshDir();
    expect(await readFailure(writeTemp(dir, 'a.xml', camt('08', camtEntries, '119.16')))).toMatchObject({ stage: 'finish', error: { line: 5, reason: expect.stringMatching(/does not balance/) } });
    const whole = camt('02', camtEntries);
    expect(await readFailure(writeTemp(dir, 'b.xml', whole.slice(0, whole.length - 60)))).toMatchObject({ stage: 'rows', error: { reason: expect.stringMatching(/XML/) } });
    expect(await readFailure(writeTemp(dir, 'c.xml', whole.replace('camt.053.001.02', 'camt.053.001.12')))).toMatchObject({ stage: 'rows', error: { reason: expect.stringMatching(/version/) } });
  });
});

describe('bank CSV / XLSX exports', () => {
  it('招商银行: one signed amount column with quoted thousands separators', async () => {
    const text = '记账日期,货币,交易金额,联机余额,交易摘要,对手信息,客户摘要\n2024-01-01,CNY,"1,234.00","1,271.66",代发,中心,约定提取\n2024-01-01,CNY,"-1,000.00",271.66,转账汇款,张三 666,转账\n';
    const read = await readOk(writeTemp(freshDir(), 'cmb.csv', `\uFEFF${text}`), { account: '6225-0001' });
    expect(read.rows.map((row) => row.amountFen)).toEqual([123400, -100000]);
    expect(read.rows[1]).toMatchObject({ account: '6225-0001', counterparty: '张三 666', memo: '转账汇款 / 转账', status: 'DBIT', currency: 'CNY' });
    expect(read.summary).toMatchObject({ totalsChecked: false, closingBalances: [{ account: '6225-0001', balanceFen: 27166 }] });
    expect(read.rows[0].naturalKey).not.toBe(read.rows[1].naturalKey);
  });

  it('工商银行 in GBK: preamble, TAB + space padding inside quotes, "-" nulls, income/expense columns, 合计 footer', async () => {
    const pad = (cell: string) => `"${cell.padEnd(20, ' ')}\t"`;
    const header = '交易日期,摘要,交易详情,交易场所,交易国家或地区简称,钞/汇,交易金额(收入),交易金额(支出),交易币种,记账金额(收入),记账金额(支出),记账币种,余额,对方户名,对方账户';
    const row = (date: string, income: string, expense: string, balance: string) =>
      [`${date}     \t`, pad('消费'), pad(''), pad('财付通'), pad('CHN'), '钞        \t', pad('-'), pad('-'), '-              \t', pad(income), pad(expense), '人民币         \t', pad(balance), pad('深圳市财付通支付科技有限公司'), pad('1234****9876'), ''].join(',');
    const text = ['明细查询文件下载', '', '卡号: 1234****9876,"卡别名: 这是卡别名"', '', header, row('2023-05-02', '', '13.40', '1,986.60'), row('2023-04-22', '1,234.56', '', '2,000.00'), ' ', '人民币合计,,,,,,,,,"1,234.56\t","13.40\t",'].join('\r\n');
    const read = await readOk(writeTemp(freshDir(), 'icbc.csv', iconv.encode(text, 'gbk')));
    expect(read.reader.encoding).toBe('gb18030');
    expect(read.rows.map((row) => [row.amountFen, row.lineNumber, row.counterparty])).toEqual([
      [-1340, 6, '深圳市财付通支付科技有限公司 1234****9876'],
      [123456, 7, '深圳市财付通支付科技有限公司 1234****9876'],
    ]);
    expect(read.summary.closingBalances[0]).toMatchObject({ balanceFen: 198660, at: '2023-05-02T00:00:00+08:00' });
  });

  it('中国银行: title line, date + time columns, dashes as nulls', async () => {
    const text = '中国银行交易流水明细单\n记账日期,记账时间,币别,金额,余额,交易名称,渠道,网点名称,附言,对方账户名,对方卡号/账号,对方开户行,借记卡号\n2025-08-22,17:57:17,人民币,-71.89,"3,240.28",无卡支付,线上,-------------------,----------,张三,6226******5669,-------------------,3167';
    const read = await readOk(writeTemp(freshDir(), 'boc.csv', text));
    expect(read.rows[0]).toMatchObject({ amountFen: -7189, occurredAt: '2025-08-22T17:57:17+08:00', memo: '无卡支付', counterparty: '张三 6226******5669' });
  });

  it('农业银行: yyyymmdd + hhmmss and "+" amounts; a user mapping with 借/贷 words', async () => {
    const dir = freshDir();
    const abc = '交易日期,交易时间,交易金额,本次余额,对手信息,日志号,交易渠道,交易附言,交易摘要\n20240105,093015,+10000.00,"10,500.00",某公司,LOG1,网银,,转账\n';
    expect((await readOk(writeTemp(dir, 'abc.csv', abc))).rows[0]).toMatchObject({ amountFen: 1000000, occurredAt: '2024-01-05T09:30:15+08:00', channelTradeNo: 'LOG1' });
    const mapping: BankColumnMapping = {
      name: 'bocom',
      date: ['交易日期'],
      amount: ['发生额'],
      direction: { column: ['借贷标志'], creditWords: ['贷', 'Cr'], debitWords: ['借', 'Dr'] },
      balance: ['余额'],
      memo: ['摘要'],
    };
    const bocom = '交易日期,借贷标志,发生额,余额,摘要\n2024/01/05,贷 Cr,100.00,100.00,入账\n2024/01/06,借 Dr,30.00,70.00,支出\n2024/01/07,平,1.00,70.00,?\n';
    const failure = await readFailure(writeTemp(dir, 'bocom.csv', bocom), { bankMapping: mapping });
    expect(failure.rows.map((row) => row.amountFen)).toEqual([10000, -3000]);
    expect(failure.error).toMatchObject({ line: 4, reason: expect.stringMatching(/direction/) });
  });

  it('reads the same export from .xlsx (worksheet rows as lines, dates and numbers as cells)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('明细');
    sheet.addRow(['招商银行交易明细']);
    sheet.addRow(['记账日期', '货币', '交易金额', '联机余额', '交易摘要', '对手信息', '客户摘要']);
    sheet.addRow([new Date(Date.UTC(2024, 0, 1)), 'CNY', 1234.5, 1271.66, '代发', '中心', '']);
    sheet.addRow(['2024-01-02', 'CNY', '-1,000.00', '271.66', '转账', '张三', '']);
    const path = `${freshDir()}/cmb.xlsx`;
    await workbook.xlsx.writeFile(path);
    const read = await readOk(path);
    expect(read.reader.encoding).toBe('xlsx');
    expect(read.rows.map((row) => [row.amountFen, row.businessDate, row.lineNumber])).toEqual([[123450, '2024-01-01', 3], [-100000, '2024-01-02', 4]]);
  });

  it('reports unknown layouts, bad dates and bad amounts with their lines', async () => {
    const dir = freshDir();
    expect(await readFailure(writeTemp(dir, 'x.csv', 'a,b,c\n1,2,3\n'))).toMatchObject({ stage: 'open', error: { line: 1, reason: expect.stringMatching(/unknown layout/) } });
    const cmb = '记账日期,货币,交易金额,联机余额\n2024-01-01,CNY,1.00,1.00\n2024-13-01,CNY,1.00,2.00\n';
    expect(await readFailure(writeTemp(dir, 'd.csv', cmb))).toMatchObject({ stage: 'rows', error: { line: 3, reason: expect.stringMatching(/date/) } });
    const amount = '记账日期,货币,交易金额,联机余额\n2024-01-01,CNY,"1,00.00",1.00\n';
    expect(await readFailure(writeTemp(dir, 'a.csv', amount))).toMatchObject({ stage: 'rows', error: { line: 2, reason: expect.stringMatching(/交易金额|金额/) } });
    expect(Object.keys(bankPresets).sort()).toEqual(['abc', 'boc', 'ccb', 'cmb', 'icbc']);
  });
});
