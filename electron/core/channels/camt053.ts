import { XMLParser } from 'fast-xml-parser';
import { fen, formatFenAsYuan, negateFen, type Fen } from '../money';
import { RowError, type ChannelFileSummary, type ChannelRow, type ClosingBalance, type LineParser } from './types';
import { beijingTimeFromParts, contentDigest, parseAmountFen, type BeijingTime } from './values';

/*
 * ISO 20022 camt.053 (BkToCstmrStmt), versions 001.02 to 001.08, FORMATS.md 3.2: unsigned
 * amounts with CdtDbtInd, RvslInd reversing the sign, v02 <Sts>BOOK</Sts> vs v08 <Sts><Cd>,
 * Dt vs DtTm, more than 2 decimals (trailing zeros only). One row per booked entry (Ntry);
 * a batch entry with several TxDtls stays one row, as the bank booked it.
 * XML is parsed whole: statements are small next to trade bills.
 */

type Node = Record<string, unknown>;

export function camtVersion(text: string): number | null {
  const match = /urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})/.exec(text);
  return match === null ? null : Number(match[1]);
}

function child(node: unknown, ...path: string[]): unknown {
  let current: unknown = node;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? (current[0] as Node | undefined)?.[key] : (current as Node)[key];
  }
  return Array.isArray(current) ? current[0] : current;
}

function list(node: unknown, key: string): unknown[] {
  if (node === null || typeof node !== 'object') return [];
  const value = (node as Node)[key];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function text(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'number') return String(node);
  if (typeof node === 'object' && '#text' in (node as Node)) return text((node as Node)['#text']);
  return null;
}

/** Line number of a character offset; offsets must be asked for in increasing order. */
function lineCounter(document: string): (offset: number) => number {
  let line = 1;
  let scanned = 0;
  return (offset) => {
    for (let index = document.indexOf('\n', scanned); index !== -1 && index < offset; index = document.indexOf('\n', index + 1)) {
      line += 1;
      scanned = index + 1;
    }
    return line;
  };
}

/** A Dt (naive date, Beijing) or DtTm (with or without an offset) as a Beijing timestamp. */
function dateOf(node: unknown): BeijingTime | null {
  const date = text(child(node, 'Dt'));
  if (date !== null) {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
    return match === null ? null : beijingTimeFromParts(+match[1], +match[2], +match[3]);
  }
  const dateTime = text(child(node, 'DtTm'));
  if (dateTime === null) return null;
  const naive = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(dateTime);
  if (naive !== null) return beijingTimeFromParts(+naive[1], +naive[2], +naive[3], +naive[4], +naive[5], +naive[6]);
  const instant = Date.parse(dateTime);
  if (Number.isNaN(instant)) return null;
  // Shift the instant to Beijing wall-clock time (UTC+8, no DST) and read it back in UTC fields.
  const beijing = new Date(instant + 8 * 3600 * 1000);
  return beijingTimeFromParts(beijing.getUTCFullYear(), beijing.getUTCMonth() + 1, beijing.getUTCDate(), beijing.getUTCHours(), beijing.getUTCMinutes(), beijing.getUTCSeconds());
}

function signedAmount(node: unknown, where: string, lineNumber: number): { amountFen: Fen; currency: string } {
  const amountNode = child(node, 'Amt');
  const amountText = text(amountNode);
  if (amountText === null) throw new RowError(lineNumber, `${where}: no Amt`);
  const parsed = parseAmountFen(amountText, { decimalsMax: 5 });
  if (!parsed.ok) throw new RowError(lineNumber, `${where}: ${parsed.error}`);
  const indicator = text(child(node, 'CdtDbtInd'));
  if (indicator !== 'CRDT' && indicator !== 'DBIT') throw new RowError(lineNumber, `${where}: CdtDbtInd must be CRDT or DBIT, found "${indicator}"`);
  const currency = amountNode !== null && typeof amountNode === 'object' ? String((amountNode as Node)['@_Ccy'] ?? '') : '';
  return { amountFen: indicator === 'DBIT' ? negateFen(parsed.value) : parsed.value, currency };
}

export class Camt053Parser implements LineParser {
  readonly kind = 'bank_camt053' as const;
  readonly channel = 'bank' as const;
  readonly toleratesUndecodableBytes = false;
  private readonly lines: string[] = [];
  private rowCount = 0;
  private balancedStatementCount = 0;
  private readonly closingBalances: ClosingBalance[] = [];
  /** The first statement whose balances disagree; reported by summary(), like a totals mismatch. */
  private balanceFailure: RowError | null = null;

  constructor(private readonly verifyBalances: boolean) {}

  consume(line: string): ChannelRow[] | null {
    this.lines.push(line);
    return null;
  }

  end(): ChannelRow[] | null {
    const document = this.lines.join('\n');
    const version = camtVersion(document);
    if (version === null || version < 2 || version > 8) {
      throw new RowError(1, `unsupported camt.053 version ${version === null ? '(no namespace)' : `001.0${version}`}`);
    }
    // Line of each <Ntry> opening tag, in document order, for error messages and rawLine.
    const lineAt = lineCounter(document);
    const entryPositions = [...document.matchAll(/<(?:\w+:)?Ntry>[\s\S]*?<\/(?:\w+:)?Ntry>/g)].map((match) => ({
      line: lineAt(match.index),
      raw: match[0],
    }));
    const statementLineAt = lineCounter(document);
    const statementLines = [...document.matchAll(/<(?:\w+:)?Stmt>/g)].map((match) => statementLineAt(match.index));
    let parsed: Node;
    try {
      parsed = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, trimValues: true }).parse(document, true) as Node;
    } catch (error) {
      const detail = error as { err?: { msg?: string; line?: number } };
      throw new RowError(detail.err?.line ?? null, `not well-formed XML (truncated?): ${detail.err?.msg ?? (error as Error).message}`);
    }
    const statementsParent = child(parsed, 'Document', 'BkToCstmrStmt');
    if (statementsParent === undefined) throw new RowError(1, 'no Document/BkToCstmrStmt: not a camt.053 statement');
    const rows: ChannelRow[] = [];
    let entryIndex = 0;
    let statementIndex = 0;
    const keyCounts = new Map<string, number>();
    for (const statement of list(statementsParent, 'Stmt')) {
      const account = text(child(statement, 'Acct', 'Id', 'IBAN')) ?? text(child(statement, 'Acct', 'Id', 'Othr', 'Id'));
      let entrySum = 0;
      let entryCount = 0;
      let statementCurrency: string | null = text(child(statement, 'Acct', 'Ccy'));
      for (const entry of list(statement, 'Ntry')) {
        const position = entryPositions[entryIndex] ?? { line: null, raw: '' };
        entryIndex += 1;
        const lineNumber = position.line ?? entryIndex;
        const status = text(child(entry, 'Sts', 'Cd')) ?? text(child(entry, 'Sts'));
        if (status !== 'BOOK') continue; // pending / information entries do not move the booked balance
        const { amountFen: unreversed, currency } = signedAmount(entry, 'Ntry', lineNumber);
        const reversed = text(child(entry, 'RvslInd')) === 'true';
        const amountFen = reversed ? negateFen(unreversed) : unreversed;
        statementCurrency ??= currency;
        entrySum += amountFen;
        entryCount += 1;
        const booked = dateOf(child(entry, 'BookgDt')) ?? dateOf(child(entry, 'ValDt'));
        if (booked === null) throw new RowError(lineNumber, 'Ntry has no BookgDt/ValDt date');
        const details = list(child(entry, 'NtryDtls'), 'TxDtls');
        const single = details.length === 1 ? details[0] : undefined;
        const endToEnd = text(child(single, 'Refs', 'EndToEndId'));
        const reference = text(child(entry, 'AcctSvcrRef')) ?? (endToEnd === 'NOTPROVIDED' ? null : endToEnd) ?? text(child(single, 'Refs', 'Prtry', 'Ref'));
        const partyRole = amountFen >= 0 ? 'Dbtr' : 'Cdtr';
        const counterparty = text(child(single, 'RltdPties', partyRole, 'Nm')) ?? text(child(single, 'RltdPties', partyRole, 'Pty', 'Nm'));
        const remittance = single === undefined ? [] : list(child(single, 'RmtInf'), 'Ustrd').map(text).filter((part): part is string => part !== null);
        const structuredReference = text(child(single, 'RmtInf', 'Strd', 'CdtrRefInf', 'Ref'));
        const memoParts = [...remittance, structuredReference ?? '', text(child(entry, 'AddtlNtryInf')) ?? ''].filter((part) => part !== '');
        if (details.length > 1) memoParts.unshift(`batch of ${details.length} transactions`);
        const baseKey = `bank:camt:${account ?? ''}:${booked.businessDate}:${amountFen}:${reference ?? contentDigest([memoParts.join('|')])}`;
        const seen = keyCounts.get(baseKey) ?? 0;
        keyCounts.set(baseKey, seen + 1);
        this.rowCount += 1;
        rows.push({
          channel: 'bank',
          kind: 'transfer',
          merchantOrderNo: null,
          merchantRefundNo: null,
          channelTradeNo: reference,
          channelRefundNo: null,
          amountFen,
          orderAmountFen: null,
          feeFen: fen(0),
          currency: currency || (statementCurrency ?? ''),
          ...booked,
          status: reversed ? `${status}/REVERSAL` : status,
          account,
          counterparty,
          memo: memoParts.length === 0 ? null : memoParts.join('\n'),
          lineNumber,
          rawLine: position.raw,
          naturalKey: seen === 0 ? baseKey : `${baseKey}#${seen + 1}`,
        });
      }
      this.checkStatement(statement, statementLines[statementIndex] ?? null, account, entrySum, entryCount);
      statementIndex += 1;
    }
    return rows;
  }

  private checkStatement(statement: unknown, statementLine: number | null, account: string | null, entrySum: number, entryCount: number): void {
    const balances = new Map<string, { amountFen: Fen; currency: string; at: BeijingTime | null }>();
    for (const balance of list(statement, 'Bal')) {
      const code = text(child(balance, 'Tp', 'CdOrPrtry', 'Cd')) ?? text(child(balance, 'Tp', 'CdOrPrtry', 'Prtry'));
      if (code === null) continue;
      balances.set(code, { ...signedAmount(balance, `Bal ${code}`, statementLine ?? 1), at: dateOf(child(balance, 'Dt')) });
    }
    const stated = text(child(statement, 'TxsSummry', 'TtlNtries', 'NbOfNtries'));
    if (this.verifyBalances && stated !== null && Number(stated) !== entryCount) {
      this.balanceFailure ??= new RowError(statementLine, `statement ${text(child(statement, 'Id')) ?? ''}: TxsSummry says ${stated} entries, found ${entryCount} booked`);
    }
    const opening = balances.get('OPBD') ?? balances.get('PRCD');
    const closing = balances.get('CLBD');
    if (this.verifyBalances && opening !== undefined && closing !== undefined) {
      if (opening.currency === closing.currency && opening.amountFen + entrySum === closing.amountFen) this.balancedStatementCount += 1;
      else {
        this.balanceFailure ??= new RowError(statementLine, `statement ${text(child(statement, 'Id')) ?? ''} does not balance: opening ${formatFenAsYuan(opening.amountFen)} ${opening.currency} + entries ${formatFenAsYuan(fen(entrySum))} != closing ${formatFenAsYuan(closing.amountFen)} ${closing.currency}`);
      }
    }
    if (closing !== undefined) {
      this.closingBalances.push({ account: account ?? '', balanceFen: closing.amountFen, at: closing.at?.occurredAt ?? '' });
    }
  }

  summary(): ChannelFileSummary {
    if (this.balanceFailure !== null) throw this.balanceFailure;
    return { totalsChecked: this.balancedStatementCount > 0, closingBalances: this.closingBalances, rowCount: this.rowCount };
  }
}
