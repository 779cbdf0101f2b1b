CREATE TABLE `channel_file_blocks` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_id` integer NOT NULL,
	`first_line_number` integer NOT NULL,
	`line_count` integer NOT NULL,
	`data` blob NOT NULL,
	FOREIGN KEY (`file_id`) REFERENCES `import_files`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_file_blocks_file_line` ON `channel_file_blocks` (`file_id`,`first_line_number`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_channel_transactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`file_id` integer NOT NULL,
	`line_number` integer NOT NULL,
	`raw_line` text,
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
INSERT INTO `__new_channel_transactions`("id", "file_id", "line_number", "raw_line", "natural_key", "channel", "kind", "merchant_order_no", "merchant_refund_no", "channel_trade_no", "channel_refund_no", "amount_fen", "order_amount_fen", "fee_fen", "currency", "occurred_at", "business_date", "status", "account", "counterparty", "memo") SELECT "id", "file_id", "line_number", "raw_line", "natural_key", "channel", "kind", "merchant_order_no", "merchant_refund_no", "channel_trade_no", "channel_refund_no", "amount_fen", "order_amount_fen", "fee_fen", "currency", "occurred_at", "business_date", "status", "account", "counterparty", "memo" FROM `channel_transactions`;--> statement-breakpoint
DROP TABLE `channel_transactions`;--> statement-breakpoint
ALTER TABLE `__new_channel_transactions` RENAME TO `channel_transactions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `channel_transactions_natural_key` ON `channel_transactions` (`natural_key`);--> statement-breakpoint
CREATE INDEX `channel_transactions_order_no` ON `channel_transactions` (`merchant_order_no`);--> statement-breakpoint
CREATE INDEX `channel_transactions_refund_no` ON `channel_transactions` (`merchant_refund_no`);