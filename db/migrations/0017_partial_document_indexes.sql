DROP INDEX `mall_documents_order`;--> statement-breakpoint
DROP INDEX `mall_documents_no`;--> statement-breakpoint
DROP INDEX `mall_documents_business_date`;--> statement-breakpoint
CREATE INDEX `mall_documents_order` ON `mall_documents` (`order_id`,`resource`) WHERE "mall_documents"."order_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `mall_documents_no` ON `mall_documents` (`document_no`) WHERE "mall_documents"."document_no" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `mall_documents_business_date` ON `mall_documents` (`resource`,`business_date`) WHERE "mall_documents"."business_date" IS NOT NULL;--> statement-breakpoint
DROP INDEX `reconcile_mall_items_trade_no`;--> statement-breakpoint
DROP INDEX `reconcile_mall_items_refund_no`;--> statement-breakpoint
CREATE INDEX `reconcile_mall_items_trade_no` ON `reconcile_mall_items` (`channel_trade_no`) WHERE "reconcile_mall_items"."channel_trade_no" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `reconcile_mall_items_refund_no` ON `reconcile_mall_items` (`channel_refund_no`) WHERE "reconcile_mall_items"."channel_refund_no" IS NOT NULL;