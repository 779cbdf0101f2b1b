import type { SqliteDatabase } from '../../../db/open';
import { LedgerdeskError } from '../errors';
import { mallRowidSql } from './pass';
import { unclearedRefundDays } from './settings';

/** requested -> succeeded (the mall says so) -> cleared (the channel's refund row matched, same amount). */
export type RefundClearingState = 'requested' | 'succeeded' | 'cleared' | 'failed';

export interface RefundClearing {
  refundId: string;
  refundNo: string;
  orderId: string | null;
  orderNo: string | null;
  channel: 'wechat' | 'alipay';
  amountFen: number;
  mallStatus: string;
  state: RefundClearingState;
  /** succeeded_at, or requested_at while the refund is not through. */
  eventAt: string | null;
  businessDate: string | null;
  /** Its discrepancy or pending item in reconciliation_results; null when matched (a pair) or not yet reconciled. */
  resultId: number | null;
}

export interface RefundClearingOptions {
  /** Only refunds not cleared whose event is older than this many days before `now` (default: the setting, 7). */
  unclearedOlderThanDays?: number;
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A channel refund row in a matched pair whose lookup (the run's, mallRowidSql) finds refund m: by
 * the merchant refund number, or a row of the order with the refund's channel refund number.
 */
const matchedRefundRowSql = `SELECT 1 FROM channel_transactions c
  JOIN reconciliation_matches x ON x.business_date = c.business_date AND x.channel = c.channel AND x.kind = c.kind AND x.channel_transaction_id = c.id
  WHERE c.kind = 'refund' AND c.channel = m.channel AND m.rowid = ${mallRowidSql}
    AND c.id IN (SELECT id FROM channel_transactions WHERE merchant_refund_no = m.document_no
                 UNION ALL SELECT id FROM channel_transactions WHERE merchant_order_no = m.order_no AND channel_refund_no = m.channel_refund_no)`;

/**
 * The clearing state of every mall refund through a channel, linked to its order; with
 * `now`, only those still not cleared after N days (the "uncleared refunds" list).
 */
export function refundClearing(sqlite: SqliteDatabase, options: RefundClearingOptions = {}): RefundClearing[] {
  const rows = sqlite
    .prepare(
      `SELECT m.id AS refundId, m.document_no AS refundNo, m.order_id AS orderId, m.order_no AS orderNo, m.channel, m.amount_fen AS amountFen,
         m.status AS mallStatus, m.event_at AS eventAt, m.business_date AS businessDate, r.id AS resultId,
         CASE WHEN m.status IN ('failed', 'rejected') THEN 'failed'
              WHEN m.settled = 0 THEN 'requested'
              WHEN r.category = 'fee_mismatch'
                OR (r.id IS NULL AND EXISTS (${matchedRefundRowSql})) THEN 'cleared'
              ELSE 'succeeded' END AS state
       FROM reconcile_mall_items m
       LEFT JOIN reconciliation_results r ON r.item_key = 'R|' || m.channel || '|' || m.document_no
       WHERE m.kind = 'refund' AND m.channel IN ('wechat', 'alipay') AND m.amount_fen > 0
       ORDER BY m.event_at, m.id`,
    )
    .all() as RefundClearing[];
  if (!options.now) return rows;
  const days = options.unclearedOlderThanDays ?? unclearedRefundDays(sqlite);
  if (!Number.isSafeInteger(days) || days < 0) throw new LedgerdeskError('invalid_input', `days must be a whole number >= 0, got ${days}`);
  const before = options.now.getTime() - days * DAY_MS;
  return rows.filter((row) => (row.state === 'requested' || row.state === 'succeeded') && row.eventAt !== null && Date.parse(row.eventAt) < before);
}
