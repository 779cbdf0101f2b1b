import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bankPresets } from './index';
import { readChannelFile, readFailure, readOk } from './test-helpers';
import { sharedPath } from '../../../test/support/shared-directory';

/*
 * Every file in the shared samples folder (FORMATS.md section 6). Several are fixtures from parser
 * libraries that were trimmed or hand-edited; their known quirks are asserted as the errors they
 * must produce, so a parser that silently accepted an inconsistent file would fail here.
 */
const samples = sharedPath('formats', 'samples');
const sample = (name: string) => join(samples, name);

describe.skipIf(!existsSync(samples))('shared sample files', () => {
  const clean: [string, string, number, number][] = [
    // file, kind, rows, sum of amountFen
    ['gunsluo-wechatpay-go__tradebill_ALL.csv', 'wechat_trade_all', 3, 3],
    ['gunsluo-wechatpay-go__tradebill_REFUND.csv', 'wechat_trade_refund', 2, -2],
    ['gunsluo-wechatpay-go__tradebill_SUCCESS.csv', 'wechat_trade_success', 1, 1], // 7-column summary on a SUCCESS bill
    ['unknown-repo_v2downloadbill_SUCCESS_20191104.crlf.csv', 'wechat_trade_success', 5, 5], // leading '?'
    ['DERIVED_bom_crlf__v2downloadbill_SUCCESS_20191104.csv', 'wechat_trade_success', 5, 5],
    ['unknown-repo_com.payment.alipay__alipay_trade_业务明细_20190916.utf8.csv', 'alipay_trade', 10, 2],
    ['DERIVED_gbk_crlf__alipay_trade_业务明细_20190916.csv', 'alipay_trade', 10, 2],
    ['WoLpH-mt940__mt940_tests_mBank_mt940.sta', 'bank_mt940', 3, 3],
    ['deb-sig-double-entry-generator__example_cmb_debit_example-cmb-records.csv', 'bank_csv', 5, -77914],
    ['deb-sig-double-entry-generator__example_boc_debit_example-boc-records.PII-masked.csv', 'bank_csv', 17, 42670],
  ];
  for (const [name, kind, rowCount, sumFen] of clean) {
    it(`${name}: ${kind}, ${rowCount} rows`, async () => {
      const read = await readOk(sample(name));
      expect(read.reader.kind).toBe(kind);
      expect(read.rows).toHaveLength(rowCount);
      expect(read.summary.rowCount).toBe(rowCount);
      expect(read.rows.reduce((sum, row) => sum + row.amountFen, 0)).toBe(sumFen);
      for (const row of read.rows) expect(row.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      if (kind.startsWith('wechat') || kind.startsWith('alipay')) expect(read.summary.totalsChecked).toBe(true);
    });
  }

  it('GBK and UTF-8 copies of the Alipay bill give the same rows', async () => {
    const utf8 = await readOk(sample('unknown-repo_com.payment.alipay__alipay_trade_业务明细_20190916.utf8.csv'));
    const gbk = await readOk(sample('DERIVED_gbk_crlf__alipay_trade_业务明细_20190916.csv'));
    expect(gbk.reader.encoding).toBe('gb18030');
    expect(gbk.rows.map(({ rawLine: _gbkLine, ...row }) => row)).toEqual(utf8.rows.map(({ rawLine: _utf8Line, ...row }) => row));
  });

  it('the trimmed fund-flow capture (summary says 3 rows, 2 present) is rejected at its summary', async () => {
    const failure = await readFailure(sample('gunsluo-wechatpay-go__fundflowbill_BASIC.csv'));
    expect(failure).toMatchObject({ stage: 'finish', error: { line: 5, reason: expect.stringMatching(/资金流水总笔数 says 3/) } });
    expect(failure.rows.map((row) => [row.kind, row.amountFen])).toEqual([['refund', -1], ['refund', -1]]);
  });

  it('the trimmed 2012 账务明细 (footer says 18 income rows, 3 present) is rejected at its footer', async () => {
    const failure = await readFailure(sample('unknown-repo_com.rongyifu.mms__alipay_signcustomer_账务明细_20121229.PII-masked.csv'));
    expect(failure).toMatchObject({ stage: 'finish', error: { line: 11, reason: expect.stringMatching(/18笔/) } });
    expect(failure.rows.map((row) => row.amountFen)).toEqual([227400, 39300, 111100]);
  });

  it('the ICBC sample has masked balances ("xx,yyyy.zz"): rejected with the preset, read with balance unmapped', async () => {
    const name = 'deb-sig-double-entry-generator__example_icbc_debit-v2_example-icbc-debit-v2-records.csv';
    expect(await readFailure(sample(name))).toMatchObject({ stage: 'rows', error: { line: 8, reason: expect.stringMatching(/余额/) } });
    const { balance: _masked, ...withoutBalance } = bankPresets.icbc;
    const read = await readOk(sample(name), { bankMapping: withoutBalance });
    expect(read.rows).toHaveLength(11);
    expect(read.rows.filter((row) => row.amountFen > 0)).toHaveLength(5);
  });

  // Hand-edited library fixtures whose balances do not add up; each figure was checked by hand.
  const unbalanced: [string, string, number][] = [
    ['WoLpH-mt940__mt940_tests_jejik_abnamro.sta', 'bank_mt940', 10],
    ['WoLpH-mt940__mt940_tests_jejik_ing.sta', 'bank_mt940', 7],
    ['WoLpH-mt940__mt940_tests_betterplace_sepa_snippet.sta', 'bank_mt940', 11],
    ['genkgo-camt__test_data_camt053.v2.minimal.xml', 'bank_camt053', 1], // CLBD in SEK and DBIT
    ['genkgo-camt__test_data_camt053.v8.xml', 'bank_camt053', 1],
    ['genkgo-camt__test_data_camt053.v2.five.decimals.xml', 'bank_camt053', 1], // 18.150 + 8.850 != 27.050
  ];
  for (const [name, kind, rowCount] of unbalanced) {
    it(`${name}: balance check rejects it; without the check ${rowCount} rows`, async () => {
      const failure = await readFailure(sample(name));
      expect(failure).toMatchObject({ stage: 'finish', error: { reason: expect.stringMatching(/does not balance/) } });
      const read = await readOk(sample(name), { verifyBankBalances: false });
      expect(read.reader.kind).toBe(kind);
      expect(read.rows).toHaveLength(rowCount);
    });
  }

  it('the Sparkasse fragment (newline inside :61:, tag marker split over two lines) gives its one entry', async () => {
    const read = await readOk(sample('WoLpH-mt940__mt940_tests_self-provided_sparkassen.sta'));
    expect(read.rows).toHaveLength(1);
    expect(read.rows[0]).toMatchObject({ amountFen: 3000, businessDate: '2018-11-26', memo: expect.stringContaining('GUTSCHR. UEBERWEISUNG') });
    expect(read.summary.totalsChecked).toBe(false);
  });

  it('the camt 3-decimal amounts parse exactly', async () => {
    const read = await readChannelFile(sample('genkgo-camt__test_data_camt053.v2.five.decimals.xml'), { verifyBankBalances: false });
    expect(read.rows[0].amountFen).toBe(885);
  });
});
