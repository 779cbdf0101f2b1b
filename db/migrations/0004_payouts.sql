CREATE TABLE `commission_settlements` (
	`settlement_no` text PRIMARY KEY NOT NULL,
	`cycle_start` text NOT NULL,
	`cycle_end` text NOT NULL,
	`cutoff_at` text NOT NULL,
	`payout_count` integer NOT NULL,
	`amount_fen` integer NOT NULL,
	`carried_over_count` integer NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `commission_settlements_cycle` ON `commission_settlements` (`cycle_end`);--> statement-breakpoint
CREATE TABLE `payout_batch_members` (
	`out_bill_no` text PRIMARY KEY NOT NULL,
	`out_batch_no` text NOT NULL,
	`settlement_no` text NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payout_batch_members_batch` ON `payout_batch_members` (`out_batch_no`,`position`);--> statement-breakpoint
CREATE INDEX `payout_batch_members_settlement` ON `payout_batch_members` (`settlement_no`);--> statement-breakpoint
CREATE TABLE `payout_commissions` (
	`id` integer PRIMARY KEY NOT NULL,
	`payout_id` integer NOT NULL,
	`commission_id` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`released_at` text,
	`clawback_entry_id` integer,
	FOREIGN KEY (`payout_id`) REFERENCES `payouts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payout_commissions_payout` ON `payout_commissions` (`payout_id`);--> statement-breakpoint
CREATE INDEX `payout_commissions_commission` ON `payout_commissions` (`commission_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payout_commissions_active` ON `payout_commissions` (`commission_id`) WHERE released_at IS NULL;--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` integer PRIMARY KEY NOT NULL,
	`out_bill_no` text NOT NULL,
	`kind` text NOT NULL,
	`settlement_no` text NOT NULL,
	`party_id` text NOT NULL,
	`withdrawal_id` text,
	`amount_fen` integer NOT NULL,
	`commission_count` integer NOT NULL,
	`method` text NOT NULL,
	`payee_openid` text,
	`payee_real_name` text,
	`remark` text NOT NULL,
	`channel` text,
	`state` text NOT NULL,
	`channel_ref` text,
	`failure_reason` text,
	`attempt_count` integer DEFAULT 0 NOT NULL,
	`payout_entry_id` integer,
	`paid_entry_id` integer,
	`return_entry_id` integer,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`first_submitted_at` text,
	`updated_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_out_bill_no` ON `payouts` (`out_bill_no`);--> statement-breakpoint
CREATE INDEX `payouts_settlement` ON `payouts` (`settlement_no`);--> statement-breakpoint
CREATE INDEX `payouts_party` ON `payouts` (`party_id`);--> statement-breakpoint
CREATE INDEX `payouts_open` ON `payouts` (`finished_at`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_withdrawal_open` ON `payouts` (`withdrawal_id`) WHERE withdrawal_id IS NOT NULL AND return_entry_id IS NULL;--> statement-breakpoint
CREATE TABLE `withdrawal_reviews` (
	`withdrawal_id` text PRIMARY KEY NOT NULL,
	`withdrawal_no` text NOT NULL,
	`member_id` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`status` text NOT NULL,
	`tier1_by` text,
	`tier1_at` text,
	`tier1_note` text,
	`tier2_by` text,
	`tier2_at` text,
	`tier2_note` text,
	`identity_confirmed` integer DEFAULT false NOT NULL,
	`rejected_by` text,
	`reject_reason` text,
	`approval_entry_id` integer,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `withdrawal_reviews_no` ON `withdrawal_reviews` (`withdrawal_no`);--> statement-breakpoint
CREATE INDEX `withdrawal_reviews_status` ON `withdrawal_reviews` (`status`);