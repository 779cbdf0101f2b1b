/**
 * The payouts table: one row per payment to a distributor (commission settlement) or member
 * (approved withdrawal), written in state 'created' before any channel sees it.
 */
import { createHash } from 'node:crypto';
import type { SqliteDatabase, SqliteStatement } from '../../../db/open';
import { fen, type Fen } from '../money';
import type { PayoutState } from './payout-channel';

export type PayoutKind = 'commission' | 'withdrawal';
export type PayoutMethod = 'wechat' | 'alipay' | 'bank';

export interface PayoutRecord {
  id: number;
  outBillNo: string;
  kind: PayoutKind;
  settlementNo: string;
  partyId: string;
  withdrawalId: string | null;
  amountFen: Fen;
  commissionCount: number;
  method: PayoutMethod;
  payeeOpenid: string | null;
  payeeRealName: string | null;
  remark: string;
  channel: string | null;
  state: PayoutState;
  channelRef: string | null;
  failureReason: string | null;
  attemptCount: number;
  payoutEntryId: number | null;
  paidEntryId: number | null;
  returnEntryId: number | null;
  createdAt: string;
  /** When it was first handed to a channel (the start of WeChat's 24 h confirmation window). */
  firstSubmittedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
}

export interface NewPayout {
  outBillNo: string;
  kind: PayoutKind;
  settlementNo: string;
  partyId: string;
  withdrawalId: string | null;
  amountFen: Fen;
  commissionCount: number;
  method: PayoutMethod;
  payeeOpenid: string | null;
  payeeRealName: string | null;
  remark: string;
  payoutEntryId: number | null;
  /** The PayoutChannel chosen up front (a settlement run's explicit WeChat API); null: decided at submit. */
  channel?: string | null;
}

const columns = `id, out_bill_no AS outBillNo, kind, settlement_no AS settlementNo, party_id AS partyId, withdrawal_id AS withdrawalId,
  amount_fen AS amountFen, commission_count AS commissionCount, method, payee_openid AS payeeOpenid, payee_real_name AS payeeRealName,
  remark, channel, state, channel_ref AS channelRef, failure_reason AS failureReason, attempt_count AS attemptCount,
  payout_entry_id AS payoutEntryId, paid_entry_id AS paidEntryId, return_entry_id AS returnEntryId, created_at AS createdAt,
  first_submitted_at AS firstSubmittedAt, updated_at AS updatedAt, finished_at AS finishedAt`;

const outNumberPattern = /^[0-9A-Za-z]+$/;

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length).toUpperCase();
}

/**
 * A commission payout's out_bill_no: the settlement number and the distributor, so a retry (or a
 * re-run after a crash) computes the same number. 'D' + the id when it is plain ASCII letters and
 * digits short enough, otherwise 'H' + a hash of it; at most 32 characters.
 */
export function commissionOutBillNo(settlementNo: string, distributorId: string): string {
  if (!outNumberPattern.test(settlementNo) || settlementNo.length > 11) throw new Error(`settlement number ${settlementNo} is not 1-11 letters or digits`);
  const room = 32 - settlementNo.length - 1;
  const party = outNumberPattern.test(distributorId) && distributorId.length <= room ? `D${distributorId}` : `H${shortHash(distributorId, Math.min(room, 20))}`;
  return `${settlementNo}${party}`;
}

/** A withdrawal payout's out_bill_no: 'W' + the withdrawal number (or a hash when it does not fit). */
export function withdrawalOutBillNo(withdrawalNo: string): string {
  return outNumberPattern.test(withdrawalNo) && withdrawalNo.length <= 31 ? `W${withdrawalNo}` : `WH${shortHash(withdrawalNo, 24)}`;
}

/** The settlement id (batch number prefix, at most 28 characters) a withdrawal's payout is sent under. */
export function withdrawalSettlementNo(withdrawalNo: string): string {
  return outNumberPattern.test(withdrawalNo) && withdrawalNo.length <= 27 ? `W${withdrawalNo}` : `WH${shortHash(withdrawalNo, 24)}`;
}

// A settlement inserts thousands of payouts in one transaction: prepare once per database.
const insertStatements = new WeakMap<SqliteDatabase, SqliteStatement>();

function insertStatementFor(sqlite: SqliteDatabase): SqliteStatement {
  let statement = insertStatements.get(sqlite);
  if (!statement) {
    statement = sqlite.prepare(
      `INSERT INTO payouts (out_bill_no, kind, settlement_no, party_id, withdrawal_id, amount_fen, commission_count, method, payee_openid,
         payee_real_name, remark, channel, state, attempt_count, payout_entry_id, created_at, created_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', 0, ?, ?, ?, ?)`,
    );
    insertStatements.set(sqlite, statement);
  }
  return statement;
}

export function insertPayout(sqlite: SqliteDatabase, payout: NewPayout, userName: string, now: Date): number {
  const at = now.toISOString();
  const result = insertStatementFor(sqlite).run(
    payout.outBillNo,
    payout.kind,
    payout.settlementNo,
    payout.partyId,
    payout.withdrawalId,
    payout.amountFen,
    payout.commissionCount,
    payout.method,
    payout.payeeOpenid,
    payout.payeeRealName,
    payout.remark,
    payout.channel ?? null,
    payout.payoutEntryId,
    at,
    userName,
    at,
  );
  return Number(result.lastInsertRowid);
}

export interface PayoutFilter {
  settlementNo?: string;
  partyId?: string;
  /** Only payouts whose outcome is not booked yet. */
  openOnly?: boolean;
  outBillNos?: readonly string[];
}

export function listPayouts(sqlite: SqliteDatabase, filter: PayoutFilter = {}): PayoutRecord[] {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  if (filter.settlementNo) {
    conditions.push('settlement_no = ?');
    parameters.push(filter.settlementNo);
  }
  if (filter.partyId) {
    conditions.push('party_id = ?');
    parameters.push(filter.partyId);
  }
  if (filter.openOnly) conditions.push('finished_at IS NULL');
  if (filter.outBillNos) {
    conditions.push(`out_bill_no IN (SELECT value FROM json_each(?))`);
    parameters.push(JSON.stringify(filter.outBillNos));
  }
  const rows = sqlite
    .prepare(`SELECT ${columns} FROM payouts ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY id`)
    .all(...parameters) as PayoutRecord[];
  return rows.map((row) => ({ ...row, amountFen: fen(row.amountFen) }));
}

export function payoutByOutBillNo(sqlite: SqliteDatabase, outBillNo: string): PayoutRecord | null {
  return listPayouts(sqlite, { outBillNos: [outBillNo] })[0] ?? null;
}
