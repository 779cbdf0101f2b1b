CREATE TABLE `accounts` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_zh` text NOT NULL,
	`kind` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`user_name` text NOT NULL,
	`action` text NOT NULL,
	`object_type` text NOT NULL,
	`object_id` text,
	`detail_json` text NOT NULL,
	`previous_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_object` ON `audit_log` (`object_type`,`object_id`);--> statement-breakpoint
CREATE INDEX `audit_log_user` ON `audit_log` (`user_name`);--> statement-breakpoint
CREATE TABLE `journal_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`entry_no` text NOT NULL,
	`entry_type` text NOT NULL,
	`occurred_at` text NOT NULL,
	`period` text NOT NULL,
	`posted_at` text NOT NULL,
	`source_resource` text NOT NULL,
	`source_id` text NOT NULL,
	`source_no` text,
	`source_version` integer,
	`reverses_entry_id` integer,
	`memo` text,
	`created_by` text NOT NULL,
	`previous_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journal_entries_entry_no` ON `journal_entries` (`entry_no`);--> statement-breakpoint
CREATE INDEX `journal_entries_source` ON `journal_entries` (`source_resource`,`source_id`);--> statement-breakpoint
CREATE INDEX `journal_entries_source_no` ON `journal_entries` (`source_no`);--> statement-breakpoint
CREATE INDEX `journal_entries_period` ON `journal_entries` (`period`);--> statement-breakpoint
CREATE INDEX `journal_entries_occurred` ON `journal_entries` (`occurred_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `journal_entries_reverses` ON `journal_entries` (`reverses_entry_id`);--> statement-breakpoint
CREATE TABLE `periods` (
	`month` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`closed_at` text,
	`closed_by` text,
	`reopened_at` text,
	`reopened_by` text,
	`reopen_reason` text,
	`figures_json` text
);
--> statement-breakpoint
CREATE TABLE `points_ledger` (
	`id` integer PRIMARY KEY NOT NULL,
	`entry_id` integer NOT NULL,
	`member_id` text NOT NULL,
	`change_points` integer NOT NULL,
	`movement_kind` text NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `journal_entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `points_ledger_member` ON `points_ledger` (`member_id`);--> statement-breakpoint
CREATE INDEX `points_ledger_entry` ON `points_ledger` (`entry_id`);--> statement-breakpoint
CREATE TABLE `postings` (
	`id` integer PRIMARY KEY NOT NULL,
	`entry_id` integer NOT NULL,
	`line_no` integer NOT NULL,
	`account_code` text NOT NULL,
	`party_id` text,
	`debit_fen` integer NOT NULL,
	`credit_fen` integer NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `journal_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_code`) REFERENCES `accounts`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `postings_entry` ON `postings` (`entry_id`);--> statement-breakpoint
CREATE INDEX `postings_account` ON `postings` (`account_code`);--> statement-breakpoint
CREATE INDEX `postings_party_account` ON `postings` (`party_id`,`account_code`);--> statement-breakpoint
CREATE TABLE `secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`cipher_text` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value_json` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`failed_login_count` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`created_at` text NOT NULL,
	`disabled` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_name_unique` ON `users` (`name`);--> statement-breakpoint
CREATE TABLE `workspace_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
