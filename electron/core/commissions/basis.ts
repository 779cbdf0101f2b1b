/**
 * Commission basis: every commission the mall sent, with its order, line, basis amount, rate and
 * level, the amount recomputed here (basis x rate, half-up to the fen) and a flag where the mall's
 * amount differs. Also the drill-downs: commission -> payout, payout -> commissions.
 */
import type { SqliteDatabase } from '../../../db/open';
import { fen, multiplyByRate, parseRate, parseYuanToFen, subtractFen, type Fen } from '../money';

export interface CommissionBasisRow {
  commissionId: string;
  distributorId: string;
  orderId: string;
  orderNo: string;
  lineId: string;
  level: number;
  basisFen: Fen | null;
  /** The rate exactly as the mall sent it. */
  rate: string;
  mallAmountFen: Fen | null;
  /** round_half_up(basis x rate); null when basis or rate cannot be read. */
  computedAmountFen: Fen | null;
  /** mall - computed. */
  differenceFen: Fen | null;
  /** The mall's amount differs from the recomputed one, or a value cannot be read. */
  flagged: boolean;
  flagReason: string | null;
  status: string;
  settleableAt: string | null;
  /** The payout that settles it (not a returned one), if any. */
  payout: { outBillNo: string; settlementNo: string; state: string; amountFen: Fen } | null;
  clawbackEntryId: number | null;
}

interface CommissionBody {
  id?: unknown;
  distributor_id?: unknown;
  order_id?: unknown;
  order_no?: unknown;
  line_id?: unknown;
  level?: unknown;
  basis_amount?: unknown;
  rate?: unknown;
  amount?: unknown;
  status?: unknown;
  settleable_at?: unknown;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export interface CommissionAmountCheck {
  basisFen: Fen | null;
  mallAmountFen: Fen | null;
  computedAmountFen: Fen | null;
  differenceFen: Fen | null;
  flagReason: string | null;
}

/** Recomputes basis x rate (half-up to the fen) and compares it with the mall's amount. */
export function checkCommissionAmount(basisText: string, rateText: string, amountText: string): CommissionAmountCheck {
  const basis = parseYuanToFen(basisText);
  const rate = parseRate(rateText);
  const amount = parseYuanToFen(amountText);
  const basisFen = basis.ok ? basis.value : null;
  const mallAmountFen = amount.ok ? amount.value : null;
  const computedAmountFen = basis.ok && rate.ok ? multiplyByRate(basis.value, rate.value, 'half-up') : null;
  const differenceFen = mallAmountFen !== null && computedAmountFen !== null ? subtractFen(mallAmountFen, computedAmountFen) : null;
  let flagReason: string | null = null;
  if (!basis.ok) flagReason = `basis "${basisText}": ${basis.error}`;
  else if (!rate.ok) flagReason = `rate "${rateText}": ${rate.error}`;
  else if (!amount.ok) flagReason = `amount "${amountText}": ${amount.error}`;
  else if (differenceFen !== 0) flagReason = `mall amount differs from basis x rate by ${differenceFen} fen`;
  return { basisFen, mallAmountFen, computedAmountFen, differenceFen, flagReason };
}

export function commissionRowFromBody(bodyJson: string): Omit<CommissionBasisRow, 'payout' | 'clawbackEntryId'> {
  const body = JSON.parse(bodyJson) as CommissionBody;
  const check = checkCommissionAmount(text(body.basis_amount), text(body.rate), text(body.amount));
  return {
    commissionId: text(body.id),
    distributorId: text(body.distributor_id),
    orderId: text(body.order_id),
    orderNo: text(body.order_no),
    lineId: text(body.line_id),
    level: typeof body.level === 'number' ? body.level : 0,
    basisFen: check.basisFen,
    rate: text(body.rate),
    mallAmountFen: check.mallAmountFen,
    computedAmountFen: check.computedAmountFen,
    differenceFen: check.differenceFen,
    flagged: check.flagReason !== null,
    flagReason: check.flagReason,
    status: text(body.status),
    settleableAt: typeof body.settleable_at === 'string' ? body.settleable_at : null,
  };
}

export interface CommissionBasisFilter {
  distributorId?: string;
  orderNo?: string;
  commissionIds?: readonly string[];
  flaggedOnly?: boolean;
}

/** Commission rows with their recomputed amounts and the payout that settles each. */
export function listCommissionBasis(sqlite: SqliteDatabase, filter: CommissionBasisFilter = {}): CommissionBasisRow[] {
  const conditions = [`d.resource = 'commissions'`];
  const parameters: unknown[] = [];
  if (filter.distributorId) {
    conditions.push(`coalesce(d.party_id, json_extract(d.body_json, '$.distributor_id')) = ?`);
    parameters.push(filter.distributorId);
  }
  if (filter.orderNo) {
    conditions.push(`json_extract(d.body_json, '$.order_no') = ?`);
    parameters.push(filter.orderNo);
  }
  if (filter.commissionIds) {
    conditions.push('d.id IN (SELECT value FROM json_each(?))');
    parameters.push(JSON.stringify(filter.commissionIds));
  }
  const rows = sqlite
    .prepare(
      `SELECT d.body_json AS bodyJson, p.out_bill_no AS outBillNo, p.settlement_no AS settlementNo, p.state AS state,
         pc.amount_fen AS payoutAmountFen, pc.clawback_entry_id AS clawbackEntryId
       FROM mall_documents d
       LEFT JOIN payout_commissions pc ON pc.commission_id = d.id AND pc.released_at IS NULL
       LEFT JOIN payouts p ON p.id = pc.payout_id
       WHERE ${conditions.map((condition) => `(${condition})`).join(' AND ')}
       ORDER BY d.id`,
    )
    .all(...parameters) as { bodyJson: string; outBillNo: string | null; settlementNo: string | null; state: string | null; payoutAmountFen: number | null; clawbackEntryId: number | null }[];
  const result = rows.map((row) => ({
    ...commissionRowFromBody(row.bodyJson),
    payout: row.outBillNo ? { outBillNo: row.outBillNo, settlementNo: row.settlementNo!, state: row.state!, amountFen: fen(row.payoutAmountFen ?? 0) } : null,
    clawbackEntryId: row.clawbackEntryId,
  }));
  return filter.flaggedOnly ? result.filter((row) => row.flagged) : result;
}

/** Drill-down from a payout (by out_bill_no) to every commission it settles. */
export function commissionsOfPayout(sqlite: SqliteDatabase, outBillNo: string): CommissionBasisRow[] {
  const ids = (
    sqlite
      .prepare(`SELECT pc.commission_id FROM payout_commissions pc JOIN payouts p ON p.id = pc.payout_id WHERE p.out_bill_no = ? ORDER BY pc.id`)
      .all(outBillNo) as { commission_id: string }[]
  ).map((row) => row.commission_id);
  return ids.length === 0 ? [] : listCommissionBasis(sqlite, { commissionIds: ids });
}

export interface OrderLineDrillDown {
  commission: CommissionBasisRow;
  order: { id: string; orderNo: string; status: string | null; paidAt: string | null } | null;
  line: { lineId: string; sku: string; name: string; quantity: number; amount: string } | null;
}

/** Drill-down from a commission to its order and order line (as synced from the mall). */
export function commissionOrderLine(sqlite: SqliteDatabase, commissionId: string): OrderLineDrillDown | null {
  const [commission] = listCommissionBasis(sqlite, { commissionIds: [commissionId] });
  if (!commission) return null;
  const orderRow = sqlite.prepare(`SELECT body_json FROM mall_documents WHERE resource = 'orders' AND id = ?`).get(commission.orderId) as { body_json: string } | undefined;
  if (!orderRow) return { commission, order: null, line: null };
  const order = JSON.parse(orderRow.body_json) as { id: string; order_no: string; status?: string; paid_at?: string | null; lines?: { line_id: string; sku: string; name: string; quantity: number; amount: string }[] };
  const line = order.lines?.find((candidate) => candidate.line_id === commission.lineId) ?? null;
  return {
    commission,
    order: { id: order.id, orderNo: order.order_no, status: order.status ?? null, paidAt: order.paid_at ?? null },
    line: line ? { lineId: line.line_id, sku: line.sku, name: line.name, quantity: line.quantity, amount: line.amount } : null,
  };
}
