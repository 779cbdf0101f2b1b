import type { SqliteDatabase } from '../../../db/open';

/**
 * Mall money strings are contract-checked to '^-?[0-9]+\.[0-9]{2}$' by the sync, so dropping the
 * point gives fen exactly; anything else becomes NULL and the NOT NULL column refuses it loudly.
 */
function fenOf(expression: string): string {
  return `CASE WHEN ${expression} GLOB '*[0-9].[0-9][0-9]' AND length(${expression}) - instr(${expression}, '.') = 2
    THEN CAST(replace(${expression}, '.', '') AS INTEGER) END`;
}

/** A field of the document's JSON body, as the SQL of the projection reads it. */
type BodyField = (path: ProjectedBodyPath) => string;

/** The body fields the projection reads. */
export const projectedBodyPaths = [
  'succeeded_at', 'requested_at', 'paid_at', 'paid_amount', 'amount', 'channel_amount',
  'channel', 'pay_channel', 'order_no', 'channel_trade_no', 'channel_refund_no', 'status',
] as const;
export type ProjectedBodyPath = (typeof projectedBodyPaths)[number];

const fromBodyJson: BodyField = (path) => `json_extract(m.body_json, '$.${path}')`;

export const projectionColumns = `resource, id, version, kind, channel, document_no, order_no, order_id, channel_trade_no,
  channel_refund_no, amount_fen, status, settled, event_at, business_date`;

/**
 * The projected values of a mall document row aliased `m` (mall_documents, or NEW in a trigger):
 * the exact text the migration reconcile_projection_triggers carries (a test keeps them equal).
 */
export function projectionValuesSql(body: BodyField = fromBodyJson): string {
  const eventAt = `CASE m.resource WHEN 'refunds' THEN coalesce(${body('succeeded_at')}, ${body('requested_at')}) ELSE ${body('paid_at')} END`;
  const amount = `CASE m.resource WHEN 'orders' THEN ${body('paid_amount')} WHEN 'topups' THEN ${body('amount')} ELSE ${body('channel_amount')} END`;
  return `m.resource, m.id, m.version,
    CASE m.resource WHEN 'refunds' THEN 'refund' ELSE 'payment' END,
    coalesce(CASE m.resource WHEN 'refunds' THEN ${body('channel')} ELSE ${body('pay_channel')} END, 'none'),
    m.document_no,
    CASE m.resource WHEN 'refunds' THEN ${body('order_no')} ELSE m.document_no END,
    m.order_id,
    ${body('channel_trade_no')},
    ${body('channel_refund_no')},
    ${fenOf(amount)},
    ${body('status')},
    CASE m.resource WHEN 'refunds' THEN ${body('status')} = 'succeeded' ELSE ${body('paid_at')} IS NOT NULL END,
    ${eventAt},
    date(${eventAt}, '+8 hours')`;
}

export const projectionUpsertSql = `ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, kind = excluded.kind,
  channel = excluded.channel, document_no = excluded.document_no, order_no = excluded.order_no, order_id = excluded.order_id,
  channel_trade_no = excluded.channel_trade_no, channel_refund_no = excluded.channel_refund_no, amount_fen = excluded.amount_fen,
  status = excluded.status, settled = excluded.settled, event_at = excluded.event_at, business_date = excluded.business_date`;

export const projectedResources = `('orders', 'topups', 'refunds')`;

/**
 * The sync writes the projection of each document it stores (store.ts) with this statement: the
 * same SQL as the migration's triggers had, over the body's fields bound as parameters (the sync
 * has the document parsed already) instead of json_extract over its JSON text. Parameters:
 * resource, id, version, document_no, order_id, then projectedBodyPaths in order, each as
 * json_extract would give it (projectedBodyValue).
 */
export const projectionFromParametersSql = `INSERT INTO reconcile_mall_items (${projectionColumns})
  SELECT ${projectionValuesSql((path) => `m.body_${path}`)}
  FROM (SELECT ? AS resource, ? AS id, ? AS version, ? AS document_no, ? AS order_id,
    ${projectedBodyPaths.map((path) => `? AS body_${path}`).join(', ')}) m WHERE true
  ${projectionUpsertSql}`;

/** Whether a stored document has a projection row (the triggers' WHEN). */
export function isProjected(resource: string, documentNo: string | null): boolean {
  return documentNo !== null && (resource === 'orders' || resource === 'topups' || resource === 'refunds');
}

/** A top-level field of a parsed JSON body as SQLite's json_extract returns it: null, text, number, 1/0, or JSON text. */
export function projectedBodyValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return JSON.stringify(value);
}

/**
 * The SQL of migration 0007, which kept reconcile_mall_items current by triggers until 0012 dropped
 * them for the sync's own write (projection.test.ts keeps 0007's shipped text equal to this).
 */
export function projectionMigrationSql(): string {
  const fromNew = `(SELECT NEW.resource AS resource, NEW.id AS id, NEW.version AS version, NEW.document_no AS document_no,
      NEW.order_id AS order_id, NEW.body_json AS body_json) m`;
  const trigger = (event: 'INSERT' | 'UPDATE') => `CREATE TRIGGER reconcile_mall_items_on_${event.toLowerCase()} AFTER ${event} ON mall_documents
WHEN NEW.resource IN ${projectedResources} AND NEW.document_no IS NOT NULL
BEGIN
  INSERT INTO reconcile_mall_items (${projectionColumns})
  SELECT ${projectionValuesSql()}
  FROM ${fromNew} WHERE true
  ${projectionUpsertSql};
END;`;
  return [
    `-- Keeps reconcile_mall_items (the keys reconciliation matches on) current as the sync writes mall_documents,
-- so a reconciliation run never parses the documents' JSON. Generated from electron/core/reconcile/projection.ts.
${trigger('INSERT')}`,
    trigger('UPDATE'),
    `INSERT INTO reconcile_mall_items (${projectionColumns})
SELECT ${projectionValuesSql()}
FROM mall_documents m WHERE m.resource IN ${projectedResources} AND m.document_no IS NOT NULL
${projectionUpsertSql};`,
  ].join('\n--> statement-breakpoint\n');
}

/**
 * Repairs reconcile_mall_items from mall_documents: (re)projects every order, top-up and refund
 * whose version is missing or differs. The sync keeps it current; this scans every document
 * and is for repair and tests, not for each run. Returns the number of documents (re)projected.
 */
export function refreshMallProjection(sqlite: SqliteDatabase): number {
  return sqlite
    .prepare(
      `INSERT INTO reconcile_mall_items (${projectionColumns})
       SELECT ${projectionValuesSql()}
       FROM mall_documents m
       WHERE m.resource IN ${projectedResources} AND m.document_no IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM reconcile_mall_items p WHERE p.resource = m.resource AND p.id = m.id AND p.version = m.version)
       ${projectionUpsertSql}`,
    )
    .run().changes;
}

/** Whether the projection agrees with mall_documents (a verify check: counts and versions). */
export function projectionStaleCount(sqlite: SqliteDatabase): number {
  const row = sqlite
    .prepare(
      `SELECT count(*) AS stale FROM mall_documents m
       WHERE m.resource IN ${projectedResources} AND m.document_no IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM reconcile_mall_items p WHERE p.resource = m.resource AND p.id = m.id AND p.version = m.version)`,
    )
    .get() as { stale: number };
  return row.stale;
}
