import type { SqliteDatabase } from '../../../db/open';

/**
 * Mall money strings are contract-checked to '^-?[0-9]+\.[0-9]{2}$' by the sync, so dropping the
 * point gives fen exactly; anything else becomes NULL and the NOT NULL column refuses it loudly.
 */
function fenOf(expression: string): string {
  return `CASE WHEN ${expression} GLOB '*[0-9].[0-9][0-9]' AND length(${expression}) - instr(${expression}, '.') = 2
    THEN CAST(replace(${expression}, '.', '') AS INTEGER) END`;
}

const body = (path: string) => `json_extract(m.body_json, '$.${path}')`;

/**
 * Brings reconcile_mall_items up to date with mall_documents: only orders, top-ups and refunds
 * whose version is new or changed are (re)projected, in one INSERT ... SELECT.
 * Returns the number of documents (re)projected.
 */
export function refreshMallProjection(sqlite: SqliteDatabase): number {
  const eventAt = `CASE m.resource WHEN 'refunds' THEN coalesce(${body('succeeded_at')}, ${body('requested_at')}) ELSE ${body('paid_at')} END`;
  const amount = `CASE m.resource WHEN 'orders' THEN ${body('paid_amount')} WHEN 'topups' THEN ${body('amount')} ELSE ${body('channel_amount')} END`;
  const result = sqlite
    .prepare(
      `INSERT INTO reconcile_mall_items (resource, id, version, kind, channel, document_no, order_no, order_id, channel_trade_no,
         channel_refund_no, amount_fen, status, settled, event_at, business_date)
       SELECT m.resource, m.id, m.version,
         CASE m.resource WHEN 'refunds' THEN 'refund' ELSE 'payment' END,
         coalesce(CASE m.resource WHEN 'refunds' THEN ${body('channel')} ELSE ${body('pay_channel')} END, 'none'),
         m.document_no,
         CASE m.resource WHEN 'refunds' THEN ${body('order_no')} ELSE m.document_no END,
         m.order_id,
         ${body('channel_trade_no')},
         ${body('channel_refund_no')},
         ${fenOf(amount)},
         ${body('status')},
         CASE m.resource WHEN 'orders' THEN ${body('paid_at')} IS NOT NULL
                         WHEN 'topups' THEN ${body('paid_at')} IS NOT NULL
                         ELSE ${body('status')} = 'succeeded' END,
         ${eventAt},
         date(${eventAt}, '+8 hours')
       FROM mall_documents m
       WHERE m.resource IN ('orders', 'topups', 'refunds') AND m.document_no IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM reconcile_mall_items p WHERE p.resource = m.resource AND p.id = m.id AND p.version = m.version)
       ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, kind = excluded.kind, channel = excluded.channel,
         document_no = excluded.document_no, order_no = excluded.order_no, order_id = excluded.order_id,
         channel_trade_no = excluded.channel_trade_no, channel_refund_no = excluded.channel_refund_no,
         amount_fen = excluded.amount_fen, status = excluded.status, settled = excluded.settled,
         event_at = excluded.event_at, business_date = excluded.business_date`,
    )
    .run();
  return result.changes;
}
