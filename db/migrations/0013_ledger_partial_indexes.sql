DROP INDEX `journal_entries_reverses`;--> statement-breakpoint
CREATE UNIQUE INDEX `journal_entries_reverses` ON `journal_entries` (`reverses_entry_id`) WHERE "journal_entries"."reverses_entry_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX `postings_party_account`;--> statement-breakpoint
CREATE INDEX `postings_party_account` ON `postings` (`party_id`,`account_code`) WHERE "postings"."party_id" IS NOT NULL;