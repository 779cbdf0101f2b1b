import type { SqliteDatabase } from '../../../db/open';
import { toStoredInstant } from '../calendar/shanghai';
import { fen, type Fen } from '../money';
import { allAccounts, isDebitNormal, memberSubLedgerAccounts, type AccountKind } from './accounts';

export interface TrialBalanceLine {
  accountCode: string;
  accountName: string;
  accountNameZh: string;
  kind: AccountKind;
  debitFen: Fen;
  creditFen: Fen;
  /** Signed by the account's normal side: a liability with more credits than debits is positive. */
  balanceFen: Fen;
}

export interface TrialBalance {
  asOf: string | null;
  lines: TrialBalanceLine[];
  debitTotalFen: Fen;
  creditTotalFen: Fen;
}

/** Totals per account over every entry up to `asOf` (exclusive instant), or all entries. */
export function trialBalance(sqlite: SqliteDatabase, asOf: string | null = null): TrialBalance {
  const rows = sqlite
    .prepare(
      `SELECT p.account_code AS code, sum(p.debit_fen) AS debit, sum(p.credit_fen) AS credit
       FROM postings p ${asOf ? 'JOIN journal_entries e ON e.id = p.entry_id WHERE e.occurred_at < ?' : ''}
       GROUP BY p.account_code`,
    )
    .all(...(asOf ? [toStoredInstant(asOf)] : [])) as { code: string; debit: number; credit: number }[];
  const byCode = new Map(rows.map((row) => [row.code, row]));
  let debitTotal = 0;
  let creditTotal = 0;
  const lines = allAccounts.map((account) => {
    const row = byCode.get(account.code);
    const debitFen = fen(row?.debit ?? 0);
    const creditFen = fen(row?.credit ?? 0);
    debitTotal += debitFen;
    creditTotal += creditFen;
    const balance = isDebitNormal(account.kind) ? debitFen - creditFen : creditFen - debitFen;
    return {
      accountCode: account.code,
      accountName: account.name,
      accountNameZh: account.nameZh,
      kind: account.kind,
      debitFen,
      creditFen,
      balanceFen: fen(balance),
    };
  });
  return { asOf, lines, debitTotalFen: fen(debitTotal), creditTotalFen: fen(creditTotal) };
}

/**
 * An account's balance (normal side positive) from every entry whose business time is before
 * `before`; for one party when given.
 */
export function accountBalanceBefore(sqlite: SqliteDatabase, accountCode: string, before: string, partyId?: string): Fen {
  const account = allAccounts.find((candidate) => candidate.code === accountCode);
  if (!account) throw new Error(`unknown account ${accountCode}`);
  const row = sqlite
    .prepare(
      `SELECT coalesce(sum(p.debit_fen), 0) AS debit, coalesce(sum(p.credit_fen), 0) AS credit
       FROM postings p JOIN journal_entries e ON e.id = p.entry_id
       WHERE p.account_code = ? AND e.occurred_at < ? ${partyId === undefined ? '' : 'AND p.party_id = ?'}`,
    )
    .get(accountCode, toStoredInstant(before), ...(partyId === undefined ? [] : [partyId])) as { debit: number; credit: number };
  return fen(isDebitNormal(account.kind) ? row.debit - row.credit : row.credit - row.debit);
}

export type MemberSubLedger = 'stored_value' | 'balance' | 'commission' | 'points';

export interface StatementLine {
  entryNo: string;
  entryType: string;
  occurredAt: string;
  source: { resource: string; id: string; no: string | null };
  /** Fen for money ledgers, points for the points ledger; + increases what the mall owes. */
  change: number;
  runningBalance: number;
}

export interface MemberStatement {
  memberId: string;
  subLedger: MemberSubLedger;
  unit: 'fen' | 'points';
  from: string;
  to: string;
  opening: number;
  lines: StatementLine[];
  closing: number;
}

/**
 * One member's sub-ledger between two instants [from, to): stored value, withdrawable balance,
 * commission payable, or points (a quantity). The three money sub-ledgers never mix.
 */
export function memberStatement(
  sqlite: SqliteDatabase,
  memberId: string,
  subLedger: MemberSubLedger,
  from: string,
  to: string,
): MemberStatement {
  const movementsSql =
    subLedger === 'points'
      ? `SELECT e.entry_no, e.entry_type, e.occurred_at, e.source_resource, e.source_id, e.source_no, m.change_points AS change
         FROM points_ledger m JOIN journal_entries e ON e.id = m.entry_id
         WHERE m.member_id = ? AND e.occurred_at < ? AND e.occurred_at >= ?
         ORDER BY e.occurred_at, e.id`
      : `SELECT e.entry_no, e.entry_type, e.occurred_at, e.source_resource, e.source_id, e.source_no,
                p.credit_fen - p.debit_fen AS change
         FROM postings p JOIN journal_entries e ON e.id = p.entry_id
         WHERE p.party_id = ? AND e.occurred_at < ? AND e.occurred_at >= ? AND p.account_code = '${memberSubLedgerAccounts[subLedger as Exclude<MemberSubLedger, 'points'>] ?? ''}'
         ORDER BY e.occurred_at, e.id`;
  const beginning = '0000';
  const openingRows = sqlite.prepare(movementsSql).all(memberId, toStoredInstant(from), beginning) as { change: number }[];
  const opening = openingRows.reduce((sum, row) => sum + row.change, 0);
  const rows = sqlite.prepare(movementsSql).all(memberId, toStoredInstant(to), toStoredInstant(from)) as {
    entry_no: string;
    entry_type: string;
    occurred_at: string;
    source_resource: string;
    source_id: string;
    source_no: string | null;
    change: number;
  }[];
  let running = opening;
  const lines = rows.map((row) => {
    running += row.change;
    return {
      entryNo: row.entry_no,
      entryType: row.entry_type,
      occurredAt: row.occurred_at,
      source: { resource: row.source_resource, id: row.source_id, no: row.source_no },
      change: row.change,
      runningBalance: running,
    };
  });
  return { memberId, subLedger, unit: subLedger === 'points' ? 'points' : 'fen', from, to, opening, lines, closing: running };
}
