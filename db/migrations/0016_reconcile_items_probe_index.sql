DROP INDEX `reconcile_mall_items_no`;--> statement-breakpoint
CREATE INDEX `reconcile_mall_items_no` ON `reconcile_mall_items` (`document_no`,`kind`,`channel`,`settled`);