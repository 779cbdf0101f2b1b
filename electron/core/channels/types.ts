import type { Fen } from '../money';

export type ChannelName = 'wechat' | 'alipay' | 'bank';
export type ChannelRowKind = 'payment' | 'refund' | 'fee' | 'transfer' | 'settlement';
export type ChannelFileKind =
  | 'wechat_trade_all'
  | 'wechat_trade_success'
  | 'wechat_trade_refund'
  | 'wechat_fundflow'
  | 'alipay_trade'
  | 'alipay_account'
  | 'bank_camt053'
  | 'bank_mt940'
  | 'bank_csv';

/** One movement read from a channel or bank file, normalised for reconciliation. */
export interface ChannelRow {
  channel: ChannelName;
  kind: ChannelRowKind;
  /** 商户订单号 (= mall order_no or topup_no). */
  merchantOrderNo: string | null;
  /** 商户退款单号 / 退款批次号 (= mall refund_no); never the literal '0'. */
  merchantRefundNo: string | null;
  /** 微信订单号 / 支付宝交易号 / bank reference. */
  channelTradeNo: string | null;
  channelRefundNo: string | null;
  /** Signed, money INTO the merchant's channel/bank account: payment +, refund -, payout/expense -. */
  amountFen: Fen;
  /**
   * The amount the mall should know for this row, same sign convention as amountFen:
   * WeChat 订单金额 / -申请退款金额, Alipay 订单金额; null when the file has no such column.
   */
  orderAmountFen: Fen | null;
  /** Fee charged to the merchant on this row (+); a fee returned on a refund is negative. */
  feeFen: Fen;
  /** ISO 4217 code of amountFen ("fen" = minor unit x 100 of that currency); 'CNY' for WeChat/Alipay. */
  currency: string;
  /** RFC 3339 with +08:00 (bank XML times keep the offset they carry). */
  occurredAt: string;
  /** YYYY-MM-DD (Asia/Shanghai) of occurredAt. */
  businessDate: string;
  /** The channel's raw status word (SUCCESS, REFUND, 交易, 退款, BOOK, C, ...). */
  status: string;
  /** Bank account / fund-flow account type / alipay account. */
  account: string | null;
  counterparty: string | null;
  memo: string | null;
  /** 1-based physical line in the decoded file, or row number in xlsx / entry index in xml. */
  lineNumber: number;
  /** The original line text, so a reconciliation result can show it. */
  rawLine: string;
  /** Stable identity of this row across overlapping files (e.g. wechat:pay:<channelTradeNo>). */
  naturalKey: string;
}

export interface ChannelFileError {
  file: string;
  line: number | null;
  reason: string;
}

export interface ClosingBalance {
  account: string;
  balanceFen: Fen;
  at: string;
}

export interface ChannelFileSummary {
  /** True when the rows were checked against totals the file states about itself. */
  totalsChecked: boolean;
  closingBalances: ClosingBalance[];
  rowCount: number;
}

/** The rows a run of decoded lines completed, with those lines (for keeping the file's text). */
export interface ChannelRowBatch {
  /** Position of the text part among the file's detail parts (zip members); 0 for a plain file. */
  partIndex: number;
  /** Every decoded line of the run, header and summary lines included; empty for rows a parser releases at the end. */
  lines: string[];
  /** Line number of lines[0]; the others follow consecutively. */
  firstLineNumber: number;
  rows: ChannelRow[];
}

export interface ChannelFileReader {
  kind: ChannelFileKind;
  channel: ChannelName;
  /** 'utf-8' or 'gb18030' (the bytes as found), 'xlsx' for workbooks. */
  encoding: string;
  /** Throws ChannelFileParseError on the first broken row. May be iterated once. */
  rows(): AsyncIterable<ChannelRow>;
  /** The same rows in batches, with the lines they came from. Either this or rows() may be iterated, once. */
  rowBatches(): AsyncIterable<ChannelRowBatch>;
  /** After rows() is exhausted; throws ChannelFileParseError when the totals disagree with the file. */
  finish(): ChannelFileSummary;
}

/** Bad outside input found while reading a file: carries file, line and reason. */
export class ChannelFileParseError extends Error {
  readonly detail: ChannelFileError;
  constructor(detail: ChannelFileError) {
    super(`${detail.file}${detail.line === null ? '' : `:${detail.line}`}: ${detail.reason}`);
    this.name = 'ChannelFileParseError';
    this.detail = detail;
  }
}

/** Thrown by format parsers, which do not know the file name; the reader adds it. */
export class RowError extends Error {
  constructor(
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'RowError';
  }
}

/**
 * A format parser fed one decoded line at a time (physical lines, CR/LF and BOM already removed).
 * consume() returns the rows a line completes (often none or one); finish() runs the totals check.
 */
export interface LineParser {
  readonly kind: ChannelFileKind;
  readonly channel: ChannelName;
  /** Whether U+FFFD (bytes that did not decode) may appear; true only for formats known to carry garbled text. */
  readonly toleratesUndecodableBytes: boolean;
  consume(line: string, lineNumber: number): ChannelRow[] | null;
  /** Called once after the last line; may return rows still buffered, throws RowError on a totals mismatch. */
  end(): ChannelRow[] | null;
  summary(): ChannelFileSummary;
}
