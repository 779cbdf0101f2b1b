CREATE TABLE `bank_column_mappings` (
	`account` text PRIMARY KEY NOT NULL,
	`mapping_json` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `channel_balances` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_id` integer NOT NULL,
	`channel` text NOT NULL,
	`account` text NOT NULL,
	`balance_fen` integer NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`file_id`) REFERENCES `import_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_balances_channel_at` ON `channel_balances` (`channel`,`at`);--> statement-breakpoint
CREATE TABLE `channel_transactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_id` integer NOT NULL,
	`line_number` integer NOT NULL,
	`raw_line` text NOT NULL,
	`natural_key` text NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`merchant_order_no` text,
	`merchant_refund_no` text,
	`channel_trade_no` text,
	`channel_refund_no` text,
	`amount_fen` integer NOT NULL,
	`order_amount_fen` integer,
	`fee_fen` integer NOT NULL,
	`currency` text NOT NULL,
	`occurred_at` text NOT NULL,
	`business_date` text NOT NULL,
	`status` text NOT NULL,
	`account` text,
	`counterparty` text,
	`memo` text,
	FOREIGN KEY (`file_id`) REFERENCES `import_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_transactions_natural_key` ON `channel_transactions` (`natural_key`);--> statement-breakpoint
CREATE INDEX `channel_transactions_order_no` ON `channel_transactions` (`merchant_order_no`);--> statement-breakpoint
CREATE INDEX `channel_transactions_refund_no` ON `channel_transactions` (`merchant_refund_no`);--> statement-breakpoint
CREATE INDEX `channel_transactions_trade_no` ON `channel_transactions` (`channel_trade_no`);--> statement-breakpoint
CREATE INDEX `channel_transactions_date` ON `channel_transactions` (`business_date`);--> statement-breakpoint
CREATE TABLE `import_files` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`content_sha256` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`encoding` text NOT NULL,
	`row_count` integer NOT NULL,
	`inserted_count` integer NOT NULL,
	`overlapping_count` integer NOT NULL,
	`totals_checked` integer NOT NULL,
	`first_business_date` text,
	`last_business_date` text,
	`imported_at` text NOT NULL,
	`imported_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_files_content` ON `import_files` (`content_sha256`);