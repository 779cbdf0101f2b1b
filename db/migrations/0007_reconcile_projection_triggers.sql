-- Keeps reconcile_mall_items (the keys reconciliation matches on) current as the sync writes mall_documents,
-- so a reconciliation run never parses the documents' JSON. Generated from electron/core/reconcile/projection.ts.
CREATE TRIGGER reconcile_mall_items_on_insert AFTER INSERT ON mall_documents
WHEN NEW.resource IN ('orders', 'topups', 'refunds') AND NEW.document_no IS NOT NULL
BEGIN
  INSERT INTO reconcile_mall_items (resource, id, version, kind, channel, document_no, order_no, order_id, channel_trade_no,
  channel_refund_no, amount_fen, status, settled, event_at, business_date)
  SELECT m.resource, m.id, m.version,
    CASE m.resource WHEN 'refunds' THEN 'refund' ELSE 'payment' END,
    coalesce(CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.channel') ELSE json_extract(m.body_json, '$.pay_channel') END, 'none'),
    m.document_no,
    CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.order_no') ELSE m.document_no END,
    m.order_id,
    json_extract(m.body_json, '$.channel_trade_no'),
    json_extract(m.body_json, '$.channel_refund_no'),
    CASE WHEN CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END GLOB '*[0-9].[0-9][0-9]' AND length(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END) - instr(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END, '.') = 2
    THEN CAST(replace(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END, '.', '') AS INTEGER) END,
    json_extract(m.body_json, '$.status'),
    CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.status') = 'succeeded' ELSE json_extract(m.body_json, '$.paid_at') IS NOT NULL END,
    CASE m.resource WHEN 'refunds' THEN coalesce(json_extract(m.body_json, '$.succeeded_at'), json_extract(m.body_json, '$.requested_at')) ELSE json_extract(m.body_json, '$.paid_at') END,
    date(CASE m.resource WHEN 'refunds' THEN coalesce(json_extract(m.body_json, '$.succeeded_at'), json_extract(m.body_json, '$.requested_at')) ELSE json_extract(m.body_json, '$.paid_at') END, '+8 hours')
  FROM (SELECT NEW.resource AS resource, NEW.id AS id, NEW.version AS version, NEW.document_no AS document_no,
      NEW.order_id AS order_id, NEW.body_json AS body_json) m WHERE true
  ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, kind = excluded.kind,
  channel = excluded.channel, document_no = excluded.document_no, order_no = excluded.order_no, order_id = excluded.order_id,
  channel_trade_no = excluded.channel_trade_no, channel_refund_no = excluded.channel_refund_no, amount_fen = excluded.amount_fen,
  status = excluded.status, settled = excluded.settled, event_at = excluded.event_at, business_date = excluded.business_date;
END;
--> statement-breakpoint
CREATE TRIGGER reconcile_mall_items_on_update AFTER UPDATE ON mall_documents
WHEN NEW.resource IN ('orders', 'topups', 'refunds') AND NEW.document_no IS NOT NULL
BEGIN
  INSERT INTO reconcile_mall_items (resource, id, version, kind, channel, document_no, order_no, order_id, channel_trade_no,
  channel_refund_no, amount_fen, status, settled, event_at, business_date)
  SELECT m.resource, m.id, m.version,
    CASE m.resource WHEN 'refunds' THEN 'refund' ELSE 'payment' END,
    coalesce(CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.channel') ELSE json_extract(m.body_json, '$.pay_channel') END, 'none'),
    m.document_no,
    CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.order_no') ELSE m.document_no END,
    m.order_id,
    json_extract(m.body_json, '$.channel_trade_no'),
    json_extract(m.body_json, '$.channel_refund_no'),
    CASE WHEN CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END GLOB '*[0-9].[0-9][0-9]' AND length(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END) - instr(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END, '.') = 2
    THEN CAST(replace(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END, '.', '') AS INTEGER) END,
    json_extract(m.body_json, '$.status'),
    CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.status') = 'succeeded' ELSE json_extract(m.body_json, '$.paid_at') IS NOT NULL END,
    CASE m.resource WHEN 'refunds' THEN coalesce(json_extract(m.body_json, '$.succeeded_at'), json_extract(m.body_json, '$.requested_at')) ELSE json_extract(m.body_json, '$.paid_at') END,
    date(CASE m.resource WHEN 'refunds' THEN coalesce(json_extract(m.body_json, '$.succeeded_at'), json_extract(m.body_json, '$.requested_at')) ELSE json_extract(m.body_json, '$.paid_at') END, '+8 hours')
  FROM (SELECT NEW.resource AS resource, NEW.id AS id, NEW.version AS version, NEW.document_no AS document_no,
      NEW.order_id AS order_id, NEW.body_json AS body_json) m WHERE true
  ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, kind = excluded.kind,
  channel = excluded.channel, document_no = excluded.document_no, order_no = excluded.order_no, order_id = excluded.order_id,
  channel_trade_no = excluded.channel_trade_no, channel_refund_no = excluded.channel_refund_no, amount_fen = excluded.amount_fen,
  status = excluded.status, settled = excluded.settled, event_at = excluded.event_at, business_date = excluded.business_date;
END;
--> statement-breakpoint
INSERT INTO reconcile_mall_items (resource, id, version, kind, channel, document_no, order_no, order_id, channel_trade_no,
  channel_refund_no, amount_fen, status, settled, event_at, business_date)
SELECT m.resource, m.id, m.version,
    CASE m.resource WHEN 'refunds' THEN 'refund' ELSE 'payment' END,
    coalesce(CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.channel') ELSE json_extract(m.body_json, '$.pay_channel') END, 'none'),
    m.document_no,
    CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.order_no') ELSE m.document_no END,
    m.order_id,
    json_extract(m.body_json, '$.channel_trade_no'),
    json_extract(m.body_json, '$.channel_refund_no'),
    CASE WHEN CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END GLOB '*[0-9].[0-9][0-9]' AND length(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END) - instr(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END, '.') = 2
    THEN CAST(replace(CASE m.resource WHEN 'orders' THEN json_extract(m.body_json, '$.paid_amount') WHEN 'topups' THEN json_extract(m.body_json, '$.amount') ELSE json_extract(m.body_json, '$.channel_amount') END, '.', '') AS INTEGER) END,
    json_extract(m.body_json, '$.status'),
    CASE m.resource WHEN 'refunds' THEN json_extract(m.body_json, '$.status') = 'succeeded' ELSE json_extract(m.body_json, '$.paid_at') IS NOT NULL END,
    CASE m.resource WHEN 'refunds' THEN coalesce(json_extract(m.body_json, '$.succeeded_at'), json_extract(m.body_json, '$.requested_at')) ELSE json_extract(m.body_json, '$.paid_at') END,
    date(CASE m.resource WHEN 'refunds' THEN coalesce(json_extract(m.body_json, '$.succeeded_at'), json_extract(m.body_json, '$.requested_at')) ELSE json_extract(m.body_json, '$.paid_at') END, '+8 hours')
FROM mall_documents m WHERE m.resource IN ('orders', 'topups', 'refunds') AND m.document_no IS NOT NULL
ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, kind = excluded.kind,
  channel = excluded.channel, document_no = excluded.document_no, order_no = excluded.order_no, order_id = excluded.order_id,
  channel_trade_no = excluded.channel_trade_no, channel_refund_no = excluded.channel_refund_no, amount_fen = excluded.amount_fen,
  status = excluded.status, settled = excluded.settled, event_at = excluded.event_at, business_date = excluded.business_date;
