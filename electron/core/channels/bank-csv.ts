import { fen, negateFen, type Fen } from '../money';
import { splitCsvLine, trimCell } from './csv-line';
import { RowError, type ChannelFileSummary, type ChannelRow, type ClosingBalance, type LineParser } from './types';
import { beijingTimeFromParts, contentDigest, normalizeHeaderName, parseAmountFen, parseLooseDate, parseTimeOfDay, type BeijingTime } from './values';

/*
 * CSV / XLSX exports of Chinese banks, FORMATS.md 3.3: title and preamble lines before the header
 * (found by content), quoted thousands separators, a signed single amount column or separate
 * income/expense columns or an unsigned amount with a 借/贷 word, space + TAB padding, '-' nulls,
 * footer lines such as "人民币合计". Columns are named by a mapping: a preset or the user's own.
 */

/** Header names are matched after NFKC and whitespace removal; any listed name matches. */
export interface BankColumnMapping {
  /** Shown in errors and used in natural keys, e.g. 'cmb'. */
  name: string;
  date: string[];
  /** A separate time column (HH:mm:ss, HH:mm or HHmmss); the date cell may also carry the time. */
  time?: string[];
  /** One signed amount column ... */
  amount?: string[];
  /** ... or separate income / expense columns (values taken by magnitude, the column says the sign) ... */
  income?: string[];
  expense?: string[];
  /** ... or an unsigned `amount` plus a column holding a direction word. */
  direction?: { column: string[]; creditWords: string[]; debitWords: string[] };
  balance?: string[];
  reference?: string[];
  /** Joined with ' ' when several match. */
  counterparty?: string[];
  /** Joined with ' / ' when several match. */
  memo?: string[];
  currency?: string[];
  /** A column holding the account number (else the caller's account label is used). */
  account?: string[];
  /** Lines before the header. When absent the header is the first line, within headerSearchLineCount, holding every mapped column. */
  preambleLineCount?: number;
  headerSearchLineCount?: number;
  /** Cells meaning "no value" besides empty: '-', '--', '----------' ... (runs of dashes always count). */
  nullWords?: string[];
  /** A row whose first cell contains one of these ends the data (totals footer). */
  footerWords?: string[];
}

export type BankPresetName = 'cmb' | 'icbc' | 'boc' | 'ccb' | 'abc';

export const bankPresets: Record<BankPresetName, BankColumnMapping> = {
  // 招商银行 personal debit export (deb-sig sample): one signed amount with quoted thousands.
  cmb: {
    name: 'cmb',
    date: ['记账日期'],
    time: ['交易时间'],
    amount: ['交易金额'],
    balance: ['联机余额', '余额'],
    counterparty: ['对手信息'],
    memo: ['交易摘要', '客户摘要'],
    currency: ['货币'],
  },
  // 工商银行 debit v2 (deb-sig sample): 记账金额(收入)/(支出) columns, TAB-padded quoted cells, '-' nulls.
  icbc: {
    name: 'icbc',
    date: ['交易日期'],
    income: ['记账金额(收入)'],
    expense: ['记账金额(支出)'],
    balance: ['余额'],
    counterparty: ['对方户名', '对方账户'],
    memo: ['摘要', '交易场所', '交易详情'],
    currency: ['记账币种'],
  },
  // 中国银行 debit (deb-sig sample): title line, date + time columns, signed amount, dash placeholders.
  boc: {
    name: 'boc',
    date: ['记账日期'],
    time: ['记账时间'],
    amount: ['金额'],
    balance: ['余额'],
    counterparty: ['对方账户名', '对方卡号/账号'],
    memo: ['交易名称', '附言'],
    currency: ['币别'],
  },
  // 建设银行 [unverified: header names from deb-sig's positional CCB parser]: separate 支出/收入.
  ccb: {
    name: 'ccb',
    date: ['交易日期'],
    time: ['交易时间'],
    income: ['收入', '收入金额'],
    expense: ['支出', '支出金额'],
    balance: ['账户余额', '余额'],
    counterparty: ['对方户名', '对方账号'],
    memo: ['摘要', '交易地点'],
    currency: ['币种'],
  },
  // 农业银行 debit [unverified header text; fields per deb-sig]: yyyymmdd + hhmmss, signed "+10000.00".
  abc: {
    name: 'abc',
    date: ['交易日期'],
    time: ['交易时间'],
    amount: ['交易金额'],
    balance: ['本次余额'],
    reference: ['日志号'],
    counterparty: ['对手信息'],
    memo: ['交易摘要', '交易附言', '交易渠道'],
  },
};

const defaultFooterWords = ['合计', '总计'];

function isNull(cell: string, nullWords: readonly string[]): boolean {
  return cell === '' || /^-+$/.test(cell) || nullWords.includes(cell);
}

interface ResolvedColumns {
  date: number;
  time: number | null;
  amount: number | null;
  income: number | null;
  expense: number | null;
  direction: number | null;
  balance: number | null;
  reference: number | null;
  counterparty: number[];
  memo: number[];
  currency: number | null;
  account: number | null;
}

function findFirst(names: string[], wanted: string[] | undefined): number | null {
  if (wanted === undefined) return null;
  for (const name of wanted) {
    const position = names.indexOf(normalizeHeaderName(name));
    if (position >= 0) return position;
  }
  return null;
}

function findAll(names: string[], wanted: string[] | undefined): number[] {
  if (wanted === undefined) return [];
  return wanted.map((name) => names.indexOf(normalizeHeaderName(name))).filter((position) => position >= 0);
}

/** Resolves a mapping against a header line's cells; null when a required column is missing. */
export function resolveBankHeader(cells: string[], mapping: BankColumnMapping): ResolvedColumns | null {
  const names = cells.map((cell) => normalizeHeaderName(trimCell(cell)));
  const date = findFirst(names, mapping.date);
  if (date === null) return null;
  const resolved: ResolvedColumns = {
    date,
    time: findFirst(names, mapping.time),
    amount: findFirst(names, mapping.amount),
    income: findFirst(names, mapping.income),
    expense: findFirst(names, mapping.expense),
    direction: findFirst(names, mapping.direction?.column),
    balance: findFirst(names, mapping.balance),
    reference: findFirst(names, mapping.reference),
    counterparty: findAll(names, mapping.counterparty),
    memo: findAll(names, mapping.memo),
    currency: findFirst(names, mapping.currency),
    account: findFirst(names, mapping.account),
  };
  const hasAmount = mapping.amount !== undefined
    ? resolved.amount !== null && (mapping.direction === undefined || resolved.direction !== null)
    : resolved.income !== null && resolved.expense !== null;
  return hasAmount ? resolved : null;
}

function assertMappingShape(mapping: BankColumnMapping): void {
  const hasSigned = mapping.amount !== undefined;
  const hasPair = mapping.income !== undefined || mapping.expense !== undefined;
  if (hasSigned === hasPair || (hasPair && (mapping.income === undefined || mapping.expense === undefined))) {
    throw new RowError(null, `bank column mapping "${mapping.name}" needs either amount or both income and expense`);
  }
}

/** The first preset whose columns all appear in one of the first lines, or null. */
export function detectBankPreset(lines: string[]): BankColumnMapping | null {
  for (const line of lines) {
    const cells = splitCsvLine(line);
    if (cells === null) continue;
    for (const mapping of Object.values(bankPresets)) {
      if (resolveBankHeader(cells, mapping) !== null) return mapping;
    }
  }
  return null;
}

export class BankCsvParser implements LineParser {
  readonly kind = 'bank_csv' as const;
  readonly channel = 'bank' as const;
  readonly toleratesUndecodableBytes = false;
  private columns: ResolvedColumns | null = null;
  private state: 'preamble' | 'detail' | 'footer' = 'preamble';
  private pendingRecord: { text: string; lineNumber: number } | null = null;
  private readonly nullWords: string[];
  private readonly footerWords: string[];
  private readonly keyCounts = new Map<string, number>();
  private rowCount = 0;
  private lastLineNumber = 0;
  private latestBalance: { balanceFen: Fen; at: string; account: string } | null = null;

  constructor(
    private readonly mapping: BankColumnMapping,
    private readonly accountLabel: string | null,
  ) {
    assertMappingShape(mapping);
    this.nullWords = mapping.nullWords ?? [];
    this.footerWords = mapping.footerWords ?? defaultFooterWords;
  }

  consume(line: string, lineNumber: number): ChannelRow[] | null {
    this.lastLineNumber = lineNumber;
    // A quoted cell may span physical lines; join until the quotes balance.
    const record = this.pendingRecord === null ? { text: line, lineNumber } : { text: `${this.pendingRecord.text}\n${line}`, lineNumber: this.pendingRecord.lineNumber };
    const raw = splitCsvLine(record.text);
    if (raw === null) {
      this.pendingRecord = record;
      return null;
    }
    this.pendingRecord = null;
    const cells = raw.map(trimCell);
    if (this.state === 'footer') return null;
    if (this.state === 'preamble') {
      this.readPreamble(cells, record.lineNumber);
      return null;
    }
    if (cells.every((cell) => cell === '')) return null;
    const first = cells.find((cell) => cell !== '') ?? '';
    if (this.footerWords.some((word) => first.includes(word))) {
      this.state = 'footer';
      return null;
    }
    return [this.parseRow(cells, record.text, record.lineNumber)];
  }

  private readPreamble(cells: string[], lineNumber: number): void {
    const fixed = this.mapping.preambleLineCount;
    if (fixed !== undefined && lineNumber <= fixed) return;
    const resolved = resolveBankHeader(cells, this.mapping);
    if (resolved !== null) {
      this.columns = resolved;
      this.state = 'detail';
      return;
    }
    if (fixed !== undefined) throw new RowError(lineNumber, `line ${lineNumber} is not the header the "${this.mapping.name}" mapping describes`);
    if (lineNumber >= (this.mapping.headerSearchLineCount ?? 30)) {
      throw new RowError(lineNumber, `no header with the columns of the "${this.mapping.name}" mapping in the first ${lineNumber} lines`);
    }
  }

  private amountAt(cells: string[], position: number | null, column: string, lineNumber: number, required: boolean): Fen | null {
    const text = position === null ? '' : (cells[position] ?? '');
    if (isNull(text, this.nullWords)) {
      if (required) throw new RowError(lineNumber, `${column}: empty amount`);
      return null;
    }
    const parsed = parseAmountFen(text, { allowThousandsSeparators: true, allowPlusSign: true });
    if (!parsed.ok) throw new RowError(lineNumber, `${column}: ${parsed.error}`);
    return parsed.value;
  }

  private occurredAt(cells: string[], lineNumber: number): BeijingTime {
    const columns = this.columns!;
    const dateText = cells[columns.date] ?? '';
    const date = parseLooseDate(dateText);
    if (date === null) throw new RowError(lineNumber, `date: not a date: "${dateText}"`);
    if (columns.time === null || isNull(cells[columns.time] ?? '', this.nullWords)) return date;
    const time = parseTimeOfDay(cells[columns.time]);
    if (time === null) throw new RowError(lineNumber, `time: not a time of day: "${cells[columns.time]}"`);
    const [year, month, day] = date.businessDate.split('-').map(Number);
    return beijingTimeFromParts(year, month, day, ...time)!;
  }

  private signedAmount(cells: string[], lineNumber: number): Fen {
    const columns = this.columns!;
    if (this.mapping.amount !== undefined) {
      const amount = this.amountAt(cells, columns.amount, '金额', lineNumber, true)!;
      const direction = this.mapping.direction;
      if (direction === undefined) return amount;
      const word = cells[columns.direction!] ?? '';
      const magnitude = Math.abs(amount);
      if (direction.creditWords.some((credit) => word.includes(credit))) return fen(magnitude);
      if (direction.debitWords.some((debit) => word.includes(debit))) return negateFen(fen(magnitude));
      throw new RowError(lineNumber, `direction: "${word}" is neither ${direction.creditWords.join('/')} nor ${direction.debitWords.join('/')}`);
    }
    const income = this.amountAt(cells, columns.income, '收入', lineNumber, false);
    const expense = this.amountAt(cells, columns.expense, '支出', lineNumber, false);
    if (income === null && expense === null) throw new RowError(lineNumber, 'neither income nor expense holds an amount');
    return fen(Math.abs(income ?? 0) - Math.abs(expense ?? 0));
  }

  private joined(cells: string[], positions: number[], separator: string): string | null {
    const parts = positions.map((position) => cells[position] ?? '').filter((cell) => !isNull(cell, this.nullWords));
    return parts.length === 0 ? null : [...new Set(parts)].join(separator);
  }

  private parseRow(cells: string[], rawLine: string, lineNumber: number): ChannelRow {
    const columns = this.columns!;
    const at = this.occurredAt(cells, lineNumber);
    const amountFen = this.signedAmount(cells, lineNumber);
    const balance = this.amountAt(cells, columns.balance, '余额', lineNumber, false);
    const account = (columns.account === null ? null : cells[columns.account] || null) ?? this.accountLabel;
    const reference = columns.reference === null || isNull(cells[columns.reference] ?? '', this.nullWords) ? null : cells[columns.reference];
    const counterparty = this.joined(cells, columns.counterparty, ' ');
    const memo = this.joined(cells, columns.memo, ' / ');
    const currencyCell = columns.currency === null ? '' : cells[columns.currency] ?? '';
    const currency = isNull(currencyCell, this.nullWords) || /人民币|RMB|CNY/i.test(currencyCell) ? 'CNY' : currencyCell;
    if (balance !== null && (this.latestBalance === null || at.occurredAt >= this.latestBalance.at)) {
      this.latestBalance = { balanceFen: balance, at: at.occurredAt, account: account ?? this.mapping.name };
    }
    const baseKey = `bank:${account ?? this.mapping.name}:${at.occurredAt}:${amountFen}:${reference ?? contentDigest([balance, counterparty, memo])}`;
    const seen = this.keyCounts.get(baseKey) ?? 0;
    this.keyCounts.set(baseKey, seen + 1);
    this.rowCount += 1;
    return {
      channel: 'bank',
      kind: 'transfer',
      merchantOrderNo: null,
      merchantRefundNo: null,
      channelTradeNo: reference,
      channelRefundNo: null,
      amountFen,
      orderAmountFen: null,
      feeFen: fen(0),
      currency,
      ...at,
      status: amountFen >= 0 ? 'CRDT' : 'DBIT',
      account,
      counterparty,
      memo,
      lineNumber,
      rawLine,
      naturalKey: seen === 0 ? baseKey : `${baseKey}#${seen + 1}`,
    };
  }

  end(): ChannelRow[] | null {
    if (this.pendingRecord !== null) throw new RowError(this.pendingRecord.lineNumber, 'unbalanced quote: the file ends inside a quoted cell');
    if (this.state === 'preamble') throw new RowError(this.lastLineNumber + 1, `no header with the columns of the "${this.mapping.name}" mapping`);
    return null;
  }

  summary(): ChannelFileSummary {
    const closingBalances: ClosingBalance[] = this.latestBalance === null ? [] : [{ account: this.latestBalance.account, balanceFen: this.latestBalance.balanceFen, at: this.latestBalance.at }];
    // Bank exports state no totals we can trust (footers are often masked); nothing was checked.
    return { totalsChecked: false, closingBalances, rowCount: this.rowCount };
  }
}
