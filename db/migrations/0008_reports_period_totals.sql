-- Month totals of the ledger for the reports (electron/core/reports): debits and credits per
-- (period, account, entry type), kept by a trigger as postings are written, so the monthly
-- overview reads a few hundred rows instead of millions of postings. A reversal counts as the
-- type of the entry it reverses. Postings are immutable (0001), so an insert trigger is enough;
-- `verify` recomputes the totals from the postings (reports/totals.ts).
CREATE TABLE ledger_period_totals (
  period TEXT NOT NULL,
  account_code TEXT NOT NULL,
  entry_type TEXT NOT NULL,
  debit_fen INTEGER NOT NULL,
  credit_fen INTEGER NOT NULL,
  posting_count INTEGER NOT NULL,
  PRIMARY KEY (period, account_code, entry_type)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO ledger_period_totals (period, account_code, entry_type, debit_fen, credit_fen, posting_count)
SELECT e.period, p.account_code, coalesce(original.entry_type, e.entry_type), sum(p.debit_fen), sum(p.credit_fen), count(*)
FROM postings p
JOIN journal_entries e ON e.id = p.entry_id
LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id
GROUP BY 1, 2, 3;
--> statement-breakpoint
CREATE TRIGGER ledger_period_totals_on_posting AFTER INSERT ON postings
BEGIN
  INSERT INTO ledger_period_totals (period, account_code, entry_type, debit_fen, credit_fen, posting_count)
  SELECT e.period, NEW.account_code, coalesce(original.entry_type, e.entry_type), NEW.debit_fen, NEW.credit_fen, 1
  FROM journal_entries e LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id
  WHERE e.id = NEW.entry_id
  ON CONFLICT (period, account_code, entry_type) DO UPDATE SET
    debit_fen = debit_fen + excluded.debit_fen,
    credit_fen = credit_fen + excluded.credit_fen,
    posting_count = posting_count + 1;
END;
