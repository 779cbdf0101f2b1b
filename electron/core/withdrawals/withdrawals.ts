/**
 * Withdrawals synced from the mall (mall_documents, resource 'withdrawals') and their two-tier
 * review: operations first, then finance, by two different users. Status here is the review's
 * when Ledgerdesk has reviewed the withdrawal, else the mall's.
 */
import type { SqliteDatabase } from '../../../db/open';
import { listCommissionBasis } from '../commissions/basis';
import { fen, parseYuanToFen, sumFen, type Fen } from '../money';
import { readSetting } from '../workspace/secrets';

export const IDENTITY_THRESHOLD_SETTING = 'withdrawals.identity_threshold_fen';
/** At or above ¥10,000.00 the finance reviewer must confirm the payee's verified real name. */
export const DEFAULT_IDENTITY_THRESHOLD_FEN: Fen = fen(1_000_000);

export type WithdrawalStatus = 'submitted' | 'tier1_approved' | 'approved' | 'rejected' | 'paid' | 'failed' | 'cancelled';

export interface WithdrawalItem {
  withdrawalId: string;
  withdrawalNo: string;
  memberId: string;
  source: 'balance' | 'commission';
  amountFen: Fen;
  feeFen: Fen;
  netFen: Fen;
  method: 'wechat' | 'alipay' | 'bank';
  payeeOpenid: string | null;
  realName: string | null;
  submittedAt: string;
  mallStatus: string;
  status: WithdrawalStatus;
  tier1By: string | null;
  tier2By: string | null;
  rejectReason: string | null;
}

interface WithdrawalBody {
  id: string;
  withdrawal_no: string;
  member_id: string;
  source: 'balance' | 'commission';
  amount: string;
  fee: string;
  net_amount: string;
  method: 'wechat' | 'alipay' | 'bank';
  payee_openid: string | null;
  real_name: string | null;
  status: string;
  submitted_at: string;
}

interface Row {
  bodyJson: string;
  reviewStatus: WithdrawalStatus | null;
  tier1By: string | null;
  tier2By: string | null;
  rejectReason: string | null;
}

function money(text: string): Fen {
  const parsed = parseYuanToFen(text);
  // Synced records passed the contract checks; an unreadable amount here is our bug.
  if (!parsed.ok) throw new Error(`withdrawal amount "${text}": ${parsed.error}`);
  return parsed.value;
}

function itemOf(row: Row): WithdrawalItem {
  const body = JSON.parse(row.bodyJson) as WithdrawalBody;
  return {
    withdrawalId: body.id,
    withdrawalNo: body.withdrawal_no,
    memberId: body.member_id,
    source: body.source,
    amountFen: money(body.amount),
    feeFen: money(body.fee),
    netFen: money(body.net_amount),
    method: body.method,
    payeeOpenid: body.payee_openid,
    realName: body.real_name,
    submittedAt: body.submitted_at,
    mallStatus: body.status,
    status: row.reviewStatus ?? (body.status as WithdrawalStatus),
    tier1By: row.tier1By,
    tier2By: row.tier2By,
    rejectReason: row.rejectReason,
  };
}

const selectRows = `SELECT d.body_json AS bodyJson, r.status AS reviewStatus, r.tier1_by AS tier1By, r.tier2_by AS tier2By, r.reject_reason AS rejectReason
  FROM mall_documents d LEFT JOIN withdrawal_reviews r ON r.withdrawal_id = d.id WHERE d.resource = 'withdrawals'`;

export function listWithdrawals(sqlite: SqliteDatabase, filter: { status?: string; memberId?: string } = {}): WithdrawalItem[] {
  const parameters: unknown[] = [];
  let where = '';
  if (filter.memberId) {
    where = ` AND coalesce(d.party_id, json_extract(d.body_json, '$.member_id')) = ?`;
    parameters.push(filter.memberId);
  }
  const rows = sqlite.prepare(`${selectRows}${where} ORDER BY json_extract(d.body_json, '$.submitted_at'), d.id`).all(...parameters) as Row[];
  const items = rows.map(itemOf);
  return filter.status ? items.filter((item) => item.status === filter.status) : items;
}

export function findWithdrawal(sqlite: SqliteDatabase, withdrawalNo: string): WithdrawalItem | null {
  const row = sqlite.prepare(`${selectRows} AND (d.document_no = ? OR json_extract(d.body_json, '$.withdrawal_no') = ?) LIMIT 1`).get(withdrawalNo, withdrawalNo) as
    | Row
    | undefined;
  return row ? itemOf(row) : null;
}

export function identityThresholdFen(sqlite: SqliteDatabase): Fen {
  const value = readSetting<number>(sqlite, IDENTITY_THRESHOLD_SETTING, DEFAULT_IDENTITY_THRESHOLD_FEN);
  return Number.isSafeInteger(value) && value > 0 ? fen(value) : DEFAULT_IDENTITY_THRESHOLD_FEN;
}

export interface MemberHistory {
  memberId: string;
  commissionCount: number;
  commissionTotalFen: Fen;
  commissionPaidCount: number;
  commissionFlaggedCount: number;
  commissionCancelledCount: number;
  commissions: { commissionId: string; orderNo: string; level: number; amountFen: Fen | null; status: string; flagged: boolean; payout: string | null }[];
  withdrawals: { withdrawalNo: string; amountFen: Fen; status: string; submittedAt: string }[];
}

/** What the finance reviewer sees before approving a large withdrawal: the member's commission and withdrawal record. */
export function memberHistory(sqlite: SqliteDatabase, memberId: string): MemberHistory {
  const commissions = listCommissionBasis(sqlite, { distributorId: memberId });
  const withdrawals = listWithdrawals(sqlite, { memberId });
  return {
    memberId,
    commissionCount: commissions.length,
    commissionTotalFen: sumFen(commissions.filter((row) => row.status !== 'cancelled').map((row) => row.mallAmountFen ?? fen(0))),
    commissionPaidCount: commissions.filter((row) => row.payout?.state === 'success').length,
    commissionFlaggedCount: commissions.filter((row) => row.flagged).length,
    commissionCancelledCount: commissions.filter((row) => row.status === 'cancelled').length,
    commissions: commissions.map((row) => ({
      commissionId: row.commissionId,
      orderNo: row.orderNo,
      level: row.level,
      amountFen: row.mallAmountFen,
      status: row.status,
      flagged: row.flagged,
      payout: row.payout?.outBillNo ?? null,
    })),
    withdrawals: withdrawals.map((item) => ({ withdrawalNo: item.withdrawalNo, amountFen: item.amountFen, status: item.status, submittedAt: item.submittedAt })),
  };
}
