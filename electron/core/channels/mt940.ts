import { fen, formatFenAsYuan, negateFen, type Fen } from '../money';
import { RowError, type ChannelFileSummary, type ChannelRow, type ClosingBalance, type LineParser } from './types';
import { beijingTimeFromParts, contentDigest, parseAmountFen, type BeijingTime } from './values';

/*
 * SWIFT MT940 customer statements, FORMATS.md 3.1: bank preambles and SOH/ETX bytes around the
 * message, multi-line :61:/:86:, comma decimals ("9,"), entry dates without a year, several
 * statements per file. Per statement, opening balance + entries must equal the closing balance.
 */

const tagPattern = /^:(\d{2}[A-Z]?|NS):(.*)$/;
// value date, entry date, mark, funds code, amount, type, customer ref, //bank ref
const statementLinePattern = /^(\d{2})(\d{2})(\d{2})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15},\d{0,2})([NSF][A-Z0-9]{3})(.{0,16}?)(?:\/\/(.{0,16}))?$/;

export function looksLikeMt940(lines: string[]): boolean {
  return lines.some((line) => /^:(20|25|28C?|60[FM]|61):/.test(line.replace(/[\u0001\u0003]/g, '')));
}

interface Balance {
  amountFen: Fen;
  currency: string;
  date: string;
}

interface PendingEntry {
  text: string;
  lineNumber: number;
  information: string | null;
  rawLines: string[];
}

function parseYear(twoDigits: string): number {
  const value = Number(twoDigits);
  return value < 70 ? 2000 + value : 1900 + value;
}

function parseBalance(content: string, lineNumber: number): Balance {
  const match = /^([CD])(\d{2})(\d{2})(\d{2})([A-Z]{3})(\d{1,15},\d{0,2})$/.exec(content.replace(/\s+$/, ''));
  if (match === null) throw new RowError(lineNumber, `not an MT940 balance: "${content}"`);
  const date = beijingTimeFromParts(parseYear(match[2]), +match[3], +match[4]);
  if (date === null) throw new RowError(lineNumber, `bad balance date in "${content}"`);
  const amount = parseAmountFen(match[6].replace(',', '.').replace(/\.$/, ''));
  if (!amount.ok) throw new RowError(lineNumber, `balance amount: ${amount.error}`);
  return { amountFen: match[1] === 'D' ? negateFen(amount.value) : amount.value, currency: match[5], date: date.businessDate };
}

export class Mt940Parser implements LineParser {
  readonly kind = 'bank_mt940' as const;
  readonly channel = 'bank' as const;
  // National characters in unknown 8-bit code pages arrive garbled; they only affect memo text.
  readonly toleratesUndecodableBytes = true;
  private currentTag: { tag: string; content: string; lineNumber: number; rawLines: string[] } | null = null;
  private danglingColon: { lineNumber: number } | null = null;
  private account: string | null = null;
  private opening: Balance | null = null;
  private closing: Balance | null = null;
  private entrySumFen = 0;
  private currency: string | null = null;
  private pending: PendingEntry | null = null;
  private readonly keyCounts = new Map<string, number>();
  private rowCount = 0;
  private balancedStatementCount = 0;
  /** The first statement whose balances disagree; reported by summary(), like a totals mismatch. */
  private balanceFailure: RowError | null = null;
  private lastLineNumber = 0;
  private readonly closingByAccount = new Map<string, ClosingBalance>();

  constructor(private readonly verifyBalances: boolean) {}

  consume(rawLine: string, lineNumber: number): ChannelRow[] | null {
    this.lastLineNumber = lineNumber;
    const line = rawLine.replace(/[\u0001\u0003]/g, '');
    // "-", "-XXX", "-}" end a message.
    if (/^-(XXX|\})?\s*$/.test(line)) {
      const rows = this.concat(this.closeTag(), this.flushPending());
      this.endStatement(lineNumber);
      return rows;
    }
    // A tag marker split over two lines (":" then "86:..."), seen in a Sparkasse export.
    if (line === ':') {
      this.danglingColon = { lineNumber };
      return null;
    }
    const joined = this.danglingColon !== null ? `:${line}` : line;
    this.danglingColon = null;
    const match = tagPattern.exec(joined);
    if (match !== null) {
      const rows = this.closeTag();
      this.currentTag = { tag: match[1], content: match[2], lineNumber, rawLines: [rawLine] };
      return rows;
    }
    if (this.currentTag === null) return null; // bank preamble ("ABNANL2A", "940", "0000 01INGB...")
    if (line.trim() === '' ) return null;
    this.currentTag.content += `\n${line}`;
    this.currentTag.rawLines.push(rawLine);
    return null;
  }

  private concat(first: ChannelRow[] | null, second: ChannelRow[] | null): ChannelRow[] | null {
    if (first === null) return second;
    if (second === null) return first;
    return [...first, ...second];
  }

  /** Handles the tag that just ended; returns an entry row once its :86: (if any) is known. */
  private closeTag(): ChannelRow[] | null {
    const tag = this.currentTag;
    this.currentTag = null;
    if (tag === null) return null;
    if (tag.tag === '86') {
      if (this.pending !== null && this.pending.information === null) {
        this.pending.information = tag.content;
        this.pending.rawLines.push(...tag.rawLines);
        return null;
      }
      return null; // statement-level information after :62F:
    }
    const flushed = this.flushPending();
    switch (tag.tag) {
      case '20':
        break;
      case '25':
        this.account = tag.content.trim();
        break;
      case '60F':
      case '60M':
        this.opening = parseBalance(tag.content, tag.lineNumber);
        this.currency = this.opening.currency;
        break;
      case '62F':
      case '62M':
        this.closing = parseBalance(tag.content, tag.lineNumber);
        break;
      case '61':
        this.pending = { text: tag.content, lineNumber: tag.lineNumber, information: null, rawLines: tag.rawLines };
        break;
      default:
        break;
    }
    return flushed;
  }

  private flushPending(): ChannelRow[] | null {
    const entry = this.pending;
    this.pending = null;
    return entry === null ? null : [this.entryRow(entry)];
  }

  /** The mandatory part of :61: may itself be wrapped; supplementary details follow on the next line. */
  private parseStatementLine(entry: PendingEntry): { match: RegExpExecArray; supplementary: string } {
    const lines = entry.text.split('\n');
    for (let count = 1; count <= lines.length; count += 1) {
      const match = statementLinePattern.exec(lines.slice(0, count).join('').trimEnd());
      if (match !== null) return { match, supplementary: lines.slice(count).join(' ').trim() };
    }
    throw new RowError(entry.lineNumber, `not an MT940 statement line: ":61:${lines[0]}"`);
  }

  private entryRow(entry: PendingEntry): ChannelRow {
    const { match, supplementary } = this.parseStatementLine(entry);
    const valueYear = parseYear(match[1]);
    const valueDate = beijingTimeFromParts(valueYear, +match[2], +match[3]);
    if (valueDate === null) throw new RowError(entry.lineNumber, `bad value date in ":61:${entry.text}"`);
    let booked: BeijingTime = valueDate;
    if (match[4] !== undefined) {
      // The entry date has no year: take the one closest to the value date (December/January).
      const month = +match[4].slice(0, 2);
      const day = +match[4].slice(2);
      const candidates = [valueYear - 1, valueYear, valueYear + 1]
        .map((year) => beijingTimeFromParts(year, month, day))
        .filter((candidate): candidate is BeijingTime => candidate !== null);
      if (candidates.length === 0) throw new RowError(entry.lineNumber, `bad entry date in ":61:${entry.text}"`);
      const distance = (candidate: BeijingTime) => Math.abs(Date.parse(candidate.businessDate) - Date.parse(valueDate.businessDate));
      booked = candidates.reduce((best, candidate) => (distance(candidate) < distance(best) ? candidate : best));
    }
    const amount = parseAmountFen(match[7].replace(',', '.').replace(/\.$/, ''));
    if (!amount.ok) throw new RowError(entry.lineNumber, `amount: ${amount.error}`);
    const mark = match[5];
    // D = debit (money out), C = credit; RD / RC reverse them.
    const incoming = mark === 'C' || mark === 'RD';
    const amountFen = incoming ? amount.value : negateFen(amount.value);
    this.entrySumFen += amountFen;
    this.rowCount += 1;
    const customerReference = match[9].trim();
    const bankReference = match[10]?.trim() || null;
    const reference = bankReference ?? (customerReference === '' || customerReference === 'NONREF' ? null : customerReference);
    const memo = [supplementary, entry.information ?? ''].filter((part) => part !== '').join('\n') || null;
    const baseKey = `bank:mt940:${this.account ?? ''}:${booked.businessDate}:${amountFen}:${reference ?? contentDigest([memo])}`;
    const seen = this.keyCounts.get(baseKey) ?? 0;
    this.keyCounts.set(baseKey, seen + 1);
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
      currency: this.currency ?? '',
      ...booked,
      status: mark,
      account: this.account,
      counterparty: null,
      memo,
      lineNumber: entry.lineNumber,
      rawLine: entry.rawLines.join('\n'),
      naturalKey: seen === 0 ? baseKey : `${baseKey}#${seen + 1}`,
    };
  }

  private endStatement(lineNumber: number): void {
    if (this.verifyBalances && this.opening !== null && this.closing !== null) {
      this.balancedStatementCount += 1;
      const expected = this.opening.amountFen + this.entrySumFen;
      if (this.opening.currency !== this.closing.currency || expected !== this.closing.amountFen) {
        this.balanceFailure ??= new RowError(lineNumber, `statement does not balance: opening ${formatFenAsYuan(this.opening.amountFen)} ${this.opening.currency} + entries ${formatFenAsYuan(fen(this.entrySumFen))} != closing ${formatFenAsYuan(this.closing.amountFen)} ${this.closing.currency}`);
      }
    }
    if (this.closing !== null) {
      const account = this.account ?? '';
      const previous = this.closingByAccount.get(account);
      if (previous === undefined || this.closing.date >= previous.at.slice(0, 10)) {
        this.closingByAccount.set(account, { account, balanceFen: this.closing.amountFen, at: `${this.closing.date}T00:00:00+08:00` });
      }
    }
    this.opening = null;
    this.closing = null;
    this.entrySumFen = 0;
  }

  end(): ChannelRow[] | null {
    const rows = this.closeTag();
    const flushed = this.concat(rows, this.flushPending());
    // A file may stop without the final "-" (e.g. a single statement); close what is open.
    this.endStatement(this.lastLineNumber);
    return flushed;
  }

  summary(): ChannelFileSummary {
    if (this.balanceFailure !== null) throw this.balanceFailure;
    return { totalsChecked: this.balancedStatementCount > 0, closingBalances: [...this.closingByAccount.values()], rowCount: this.rowCount };
  }
}
