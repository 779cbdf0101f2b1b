-- Matched pairs leave reconciliation_results (electron/core/reconcile): that table keeps the items
-- someone may look at or act on (pending, open, resolved), and a matched pair is one narrow row
-- here, keyed by (business date, channel, kind, channel row) so the grid walks a date's matches in
-- order, the per-day counts are one pass in key order, and the run appends them without building
-- four indexes over a million wide rows. Channel rows are immutable, so a pair never changes; a
-- run inserts new pairs and deletes pairs that stopped matching. The pair's mall document is found
-- again by the channel row's numbers when it is shown (the run's own lookup), not stored: a rowid
-- could be renumbered by VACUUM INTO, and the document's key would widen every row by half.
CREATE TABLE reconciliation_matches (
  business_date TEXT NOT NULL,
  channel_transaction_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  channel_amount_fen INTEGER NOT NULL,
  PRIMARY KEY (business_date, channel, kind, channel_transaction_id)
) WITHOUT ROWID;
--> statement-breakpoint
-- Per (business date, channel, kind): how many pairs matched and their channel amount, rewritten by
-- each run from the table above, so the figures and the grid's page arithmetic read a few rows.
CREATE TABLE reconciliation_match_days (
  business_date TEXT NOT NULL,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  items INTEGER NOT NULL,
  channel_amount_fen INTEGER NOT NULL,
  PRIMARY KEY (business_date, channel, kind)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO reconciliation_matches (business_date, channel_transaction_id, channel, kind, channel_amount_fen)
SELECT business_date, channel_transaction_id, channel, kind, channel_amount_fen
FROM reconciliation_results
WHERE status = 'matched' AND channel_transaction_id IS NOT NULL AND channel_amount_fen IS NOT NULL;
--> statement-breakpoint
INSERT INTO reconciliation_match_days (business_date, channel, kind, items, channel_amount_fen)
SELECT business_date, channel, kind, count(*), sum(channel_amount_fen) FROM reconciliation_matches GROUP BY 1, 2, 3;
--> statement-breakpoint
DELETE FROM reconciliation_results WHERE status = 'matched';
