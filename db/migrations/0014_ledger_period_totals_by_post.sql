-- postEntry (electron/core/ledger/post.ts) adds each entry's postings to ledger_period_totals itself,
-- one row per account of the entry, so the trigger that did it once per posting goes (100k-order
-- sync: a trigger program per posting, about a tenth of its time). postEntry is the only writer of
-- postings; `verify` still recomputes the totals from the postings (report_totals).
DROP TRIGGER IF EXISTS `ledger_period_totals_on_posting`;
