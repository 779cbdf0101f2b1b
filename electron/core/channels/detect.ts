import { AlipayParser, alipayKindFromFirstLine } from './alipay';
import { BankCsvParser, detectBankPreset, type BankColumnMapping } from './bank-csv';
import { Camt053Parser } from './camt053';
import { Mt940Parser, looksLikeMt940 } from './mt940';
import { RowError, type LineParser } from './types';
import { isWechatFundFlowHeader, WechatFundFlowParser } from './wechat-fundflow';
import { isWechatTradeHeader, WechatTradeParser } from './wechat-trade';

export interface DetectOptions {
  /** Column mapping for a bank CSV/XLSX export (the caller keeps one per bank account). Without it the presets are tried. */
  bankMapping?: BankColumnMapping;
  /**
   * Account label for rows whose file does not name one: the WeChat fund-flow account type
   * (BASIC / OPERATION / FEES; default BASIC) or the bank account of a CSV export.
   */
  account?: string;
  /** Check bank statements' opening + entries = closing balance (MT940, camt.053). Default true. */
  verifyBankBalances?: boolean;
}

export type Detection = { parser: LineParser; skipThroughLine: number } | 'ignore';

/**
 * Picks the parser from the first lines of a decoded file: WeChat headers, Alipay '#' titles,
 * camt.053 XML, MT940 tags, then bank CSV presets. The file name is never consulted.
 */
export function detectParser(lines: string[], firstLineNumber: number, options: DetectOptions): Detection {
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex < 0) throw new RowError(null, 'empty file');
  const first = lines[firstIndex].replace(/^\uFEFF/, '');
  const firstLine = firstLineNumber + firstIndex;
  const verifyBalances = options.verifyBankBalances ?? true;
  // A mis-decoded BOM shows up as a leading '?' in some captured WeChat bills.
  const header = first.replace(/^\?(?=交易时间|记账时间)/, '');

  if (/^\s*<xml>/.test(first) || first.includes('<return_code>')) {
    const message = /<return_msg>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?<\/return_msg>/.exec(lines.join('\n'));
    throw new RowError(firstLine, `WeChat returned an error document instead of a bill${message === null ? '' : `: ${message[1]}`}`);
  }
  if (isWechatTradeHeader(header)) return { parser: new WechatTradeParser(header, firstLine), skipThroughLine: firstLine };
  if (isWechatFundFlowHeader(header)) {
    return { parser: new WechatFundFlowParser(header, firstLine, options.account ?? 'BASIC'), skipThroughLine: firstLine };
  }
  const alipayKind = alipayKindFromFirstLine(first);
  if (alipayKind === 'summary') return 'ignore'; // 业务明细(汇总): totals per store, the detail file carries its own
  if (alipayKind !== null) return { parser: new AlipayParser(alipayKind), skipThroughLine: 0 };
  if (/^\s*<(\?xml|Document)/.test(first)) {
    if (!lines.join('\n').includes('camt.053')) throw new RowError(firstLine, 'XML that is not a camt.053 bank statement');
    return { parser: new Camt053Parser(verifyBalances), skipThroughLine: 0 };
  }
  if (looksLikeMt940(lines)) return { parser: new Mt940Parser(verifyBalances), skipThroughLine: 0 };
  const mapping = options.bankMapping ?? detectBankPreset(lines);
  if (mapping !== null) return { parser: new BankCsvParser(mapping, options.account ?? null), skipThroughLine: 0 };
  throw new RowError(firstLine, 'unknown layout: not a WeChat, Alipay, camt.053, MT940 or known bank export (pass a bank column mapping for other banks)');
}
