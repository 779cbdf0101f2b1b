CREATE TABLE `mall_checkpoints` (
	`resource` text PRIMARY KEY NOT NULL,
	`updated_since` text,
	`cursor` text,
	`high_water` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mall_daily_summaries` (
	`date` text PRIMARY KEY NOT NULL,
	`gmv_fen` integer NOT NULL,
	`order_count` integer NOT NULL,
	`paid_amount_fen` integer NOT NULL,
	`refund_amount_fen` integer NOT NULL,
	`refund_count` integer NOT NULL,
	`topup_amount_fen` integer NOT NULL,
	`fetched_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mall_documents` (
	`resource` text NOT NULL,
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL,
	`document_no` text,
	`party_id` text,
	`order_id` text,
	`business_date` text,
	`body_json` text NOT NULL,
	`synced_at` text NOT NULL,
	PRIMARY KEY(`resource`, `id`)
);
--> statement-breakpoint
CREATE INDEX `mall_documents_order` ON `mall_documents` (`order_id`,`resource`);--> statement-breakpoint
CREATE INDEX `mall_documents_no` ON `mall_documents` (`document_no`);--> statement-breakpoint
CREATE INDEX `mall_documents_business_date` ON `mall_documents` (`resource`,`business_date`);--> statement-breakpoint
CREATE TABLE `mall_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`path` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`body_json` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`response_status` integer,
	`response_json` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mall_outbox_idempotency_key` ON `mall_outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `mall_outbox_due` ON `mall_outbox` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `mall_rejected_records` (
	`row_id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource` text NOT NULL,
	`record_id` text NOT NULL,
	`version` integer,
	`reason` text NOT NULL,
	`body_json` text NOT NULL,
	`seen_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mall_rejected_records_identity` ON `mall_rejected_records` (`resource`,`record_id`,`version`);