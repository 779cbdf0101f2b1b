-- The sync writes reconcile_mall_items itself as it stores each order, top-up and refund
-- (electron/core/mall/sync/store.ts, with the same SQL over the parsed record's fields), so the
-- triggers that re-parsed every document's JSON text go (100k-order sync: about 10 % of its time).
-- mall_documents has no other writer; `verify` still checks the projection against the documents.
DROP TRIGGER IF EXISTS `reconcile_mall_items_on_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `reconcile_mall_items_on_update`;
