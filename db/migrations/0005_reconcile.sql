CREATE TABLE `discrepancy_comments` (
	`id` integer PRIMARY KEY NOT NULL,
	`result_id` integer NOT NULL,
	`at` text NOT NULL,
	`user_name` text NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `discrepancy_comments_result` ON `discrepancy_comments` (`result_id`);--> statement-breakpoint
CREATE TABLE `reconcile_mall_items` (
	`resource` text NOT NULL,
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`document_no` text NOT NULL,
	`order_no` text,
	`order_id` text,
	`channel_trade_no` text,
	`channel_refund_no` text,
	`amount_fen` integer NOT NULL,
	`status` text NOT NULL,
	`settled` integer NOT NULL,
	`event_at` text,
	`business_date` text,
	PRIMARY KEY(`resource`, `id`)
);
--> statement-breakpoint
CREATE INDEX `reconcile_mall_items_no` ON `reconcile_mall_items` (`document_no`);--> statement-breakpoint
CREATE INDEX `reconcile_mall_items_trade_no` ON `reconcile_mall_items` (`channel_trade_no`);--> statement-breakpoint
CREATE INDEX `reconcile_mall_items_refund_no` ON `reconcile_mall_items` (`channel_refund_no`);--> statement-breakpoint
CREATE TABLE `reconciliation_results` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_key` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`category` text,
	`mall_resource` text,
	`mall_id` text,
	`order_no` text,
	`refund_no` text,
	`channel_trade_no` text,
	`channel_transaction_id` integer,
	`mall_amount_fen` integer,
	`channel_amount_fen` integer,
	`difference_fen` integer NOT NULL,
	`expected_fee_fen` integer,
	`channel_fee_fen` integer,
	`business_date` text NOT NULL,
	`fingerprint` text NOT NULL,
	`first_run_id` integer NOT NULL,
	`changed_run_id` integer NOT NULL,
	`assigned_to` text,
	`resolution` text,
	`resolution_note` text,
	`resolved_by` text,
	`resolved_at` text,
	`adjustment_entry_no` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reconciliation_results_item_key` ON `reconciliation_results` (`item_key`);--> statement-breakpoint
CREATE INDEX `reconciliation_results_date` ON `reconciliation_results` (`business_date`);--> statement-breakpoint
CREATE INDEX `reconciliation_results_status_date` ON `reconciliation_results` (`status`,`business_date`);--> statement-breakpoint
CREATE INDEX `reconciliation_results_category_date` ON `reconciliation_results` (`category`,`business_date`) WHERE category IS NOT NULL;--> statement-breakpoint
CREATE INDEX `reconciliation_results_order_no` ON `reconciliation_results` (`order_no`);--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text NOT NULL,
	`run_by` text NOT NULL,
	`date_from` text,
	`date_to` text,
	`summary_json` text NOT NULL
);
