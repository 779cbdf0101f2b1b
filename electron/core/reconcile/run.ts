import { performance } from 'node:perf_hooks';
import type { SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import { isCalendarDate } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { fen, type Fen } from '../money';
import type { Workspace } from '../workspace';
import { discrepancyCategories, type DiscrepancyCategory } from './categories';
import { feeRate, type RateFraction } from './settings';
import { ratioText } from './rate';

/** The channel files whose payment and refund rows are matched (fund-flow rows repeat them). */
export const tradeFileKinds = ['wechat_trade_all', 'wechat_trade_success', 'wechat_trade_refund', 'alipay_trade'] as const;

export interface ReconcileOptions {
  /** Business dates (Asia/Shanghai, inclusive) the summary covers; matching always sees every row. */
  from?: string;
  to?: string;
  /** Called with each step's wall time (measurement by hand and the bench). */
  onStep?: (step: string, milliseconds: number) => void;
}

function stepTimer(onStep: ReconcileOptions['onStep']): (step: string) => void {
  let last = performance.now();
  return (step) => {
    const now = performance.now();
    onStep?.(step, now - last);
    last = now;
  };
}

export interface ReconcileSummary {
  runId: number;
  from: string | null;
  to: string | null;
  matched: number;
  pending: number;
  openDiscrepancies: number;
  resolvedDiscrepancies: number;
  byCategory: Record<DiscrepancyCategory, number>;
  /** Sum of |difference| over open discrepancies. */
  openDifferenceFen: Fen;
  /** Sum of the channel payment rows' amounts. */
  channelPaymentFen: Fen;
  /** openDifferenceFen / channelPaymentFen as a decimal string ("0.000123"); "0" when no payments. */
  discrepancyRate: string;
  /** What this run changed in the results table. */
  changes: { written: number; removed: number };
}

function checkDate(label: string, value: string | undefined): void {
  if (value !== undefined && !isCalendarDate(value)) throw new LedgerdeskError('invalid_input', `--${label} "${value}" is not a YYYY-MM-DD date`);
}

/** Integer half-up of |amount| x rate, with the amount's sign: the same figure as multiplyByRate(..., 'half-up'). */
export function expectedFeeSql(amount: string, rate: RateFraction): string {
  return `(CASE WHEN ${amount} < 0 THEN -1 ELSE 1 END) * ((abs(${amount}) * ${rate.numerator} * 2 + ${rate.denominator}) / ${2 * rate.denominator})`;
}

function feeSql(channelColumn: string, amount: string, rates: Record<'wechat' | 'alipay', RateFraction>): string {
  return `CASE ${channelColumn} WHEN 'wechat' THEN ${expectedFeeSql(amount, rates.wechat)} ELSE ${expectedFeeSql(amount, rates.alipay)} END`;
}

/**
 * Builds the new state of every item into temp.rc_new. All set-based: one pass over the channel
 * rows (each probes the projection by merchant number, falling back to the channel's own id, and
 * the merchant-number index for an earlier row of the same number), one pass over the mall
 * documents no row matched. No sort over the whole set.
 */
function computeResults(sqlite: SqliteDatabase, step: (label: string) => void): void {
  const rates = { wechat: feeRate(sqlite, 'wechat'), alipay: feeRate(sqlite, 'alipay') };
  const kinds = tradeFileKinds.map((kind) => `'${kind}'`).join(', ');
  sqlite.exec(`
    DROP TABLE IF EXISTS temp.rc_trade_files;
    DROP TABLE IF EXISTS temp.rc_covered;
    DROP TABLE IF EXISTS temp.rc_rows;
    DROP TABLE IF EXISTS temp.rc_new;
    CREATE TEMP TABLE rc_trade_files (id INTEGER PRIMARY KEY);
    INSERT INTO rc_trade_files SELECT id FROM import_files WHERE kind IN (${kinds});
    -- Dates whose bill is imported, per channel: the T+1 window stays open until the next day's bill is in.
    CREATE TEMP TABLE rc_covered (channel TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY (channel, date)) WITHOUT ROWID;
    WITH RECURSIVE span(channel, date, last) AS (
      SELECT channel, first_business_date, last_business_date FROM import_files
        WHERE kind IN (${kinds}) AND first_business_date IS NOT NULL
      UNION
      SELECT channel, date(date, '+1 day'), last FROM span WHERE date < last
    )
    INSERT OR IGNORE INTO rc_covered SELECT channel, date FROM span;

    CREATE TEMP TABLE rc_rows AS
    SELECT c.id AS row_id, c.channel, c.kind, c.merchant_order_no AS order_no, c.merchant_refund_no AS refund_no,
      c.channel_trade_no AS trade_no, c.amount_fen, c.fee_fen, c.business_date,
      -- CAST: a typed column, so the NOT EXISTS probe below can search its index (an untyped one only scans it).
      CAST(CASE c.kind WHEN 'payment' THEN coalesce(
          (SELECT m.rowid FROM reconcile_mall_items m WHERE m.document_no = c.merchant_order_no AND m.kind = 'payment'
             AND (m.channel = c.channel OR m.settled = 0) LIMIT 1),
          (SELECT m.rowid FROM reconcile_mall_items m WHERE m.channel_trade_no = c.channel_trade_no AND m.kind = 'payment'
             AND m.channel = c.channel LIMIT 1))
        ELSE coalesce(
          (SELECT m.rowid FROM reconcile_mall_items m WHERE m.document_no = c.merchant_refund_no AND m.kind = 'refund'
             AND m.channel = c.channel LIMIT 1),
          (SELECT m.rowid FROM reconcile_mall_items m WHERE m.channel_refund_no = c.channel_refund_no AND m.kind = 'refund'
             AND m.channel = c.channel LIMIT 1))
      END AS INTEGER) AS mall_rowid,
      CASE c.kind WHEN 'payment' THEN EXISTS (
          SELECT 1 FROM channel_transactions e WHERE e.merchant_order_no = c.merchant_order_no AND e.rowid < c.rowid
            AND e.channel = c.channel AND e.kind = 'payment' AND e.file_id IN (SELECT id FROM rc_trade_files))
        ELSE EXISTS (
          SELECT 1 FROM channel_transactions e WHERE e.merchant_refund_no = c.merchant_refund_no AND e.rowid < c.rowid
            AND e.channel = c.channel AND e.kind = 'refund' AND e.file_id IN (SELECT id FROM rc_trade_files))
      END AS earlier_row
    FROM channel_transactions c
    WHERE c.kind IN ('payment', 'refund') AND c.file_id IN (SELECT id FROM rc_trade_files);

    CREATE TEMP TABLE rc_new (
      item_key TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, category TEXT,
      mall_resource TEXT, mall_id TEXT, order_no TEXT, refund_no TEXT, channel_trade_no TEXT, channel_transaction_id INTEGER,
      mall_amount_fen INTEGER, channel_amount_fen INTEGER, difference_fen INTEGER NOT NULL, expected_fee_fen INTEGER,
      channel_fee_fen INTEGER, business_date TEXT NOT NULL, fingerprint TEXT NOT NULL
    );`);
  step('channel rows probed');

  // A row is an extra one when an earlier row has its merchant number, or when it matched only
  // through the channel id while another row carries the document's own number.
  // Refund rows carry negative amounts and fees; the comparison is on the refunded (positive) figure.
  const expectedFee = feeSql('r.channel', 'r.amount_fen', rates);
  sqlite.exec(`
    INSERT INTO rc_new
    SELECT
      CASE WHEN extra THEN (CASE kind WHEN 'payment' THEN 'D|' ELSE 'RD|' END) || row_id
           ELSE (CASE kind WHEN 'payment' THEN 'P|' ELSE 'R|' END) || channel || '|' || coalesce(m_no, row_no, '#' || row_id) END,
      kind, channel,
      CASE WHEN category IS NULL THEN 'matched' ELSE 'open' END,
      category, m_resource, m_id,
      CASE kind WHEN 'payment' THEN coalesce(m_no, row_no) ELSE coalesce(m_order_no, order_no) END,
      CASE kind WHEN 'refund' THEN coalesce(m_no, row_no) END,
      trade_no, row_id, m_amount, channel_amount,
      CASE WHEN category IS NULL THEN 0
           WHEN category = 'fee_mismatch' THEN abs(fee_fen) - abs(expected_fee)
           ELSE channel_amount - coalesce(m_amount, 0) END,
      expected_fee, fee_fen, business_date,
      coalesce(category, 'matched') || '|' || coalesce(m_id, '') || '|' || coalesce(m_amount, '') || '|' || channel_amount || '|' ||
        fee_fen || '|' || expected_fee || '|' || row_id
    FROM (
      SELECT y.*,
        CASE
          WHEN y.kind = 'payment' AND y.extra THEN 'duplicate_in_channel'
          WHEN y.kind = 'payment' AND y.m_id IS NULL THEN 'missing_in_mall'
          WHEN y.kind = 'payment' AND y.m_settled = 0 THEN 'status_mismatch'
          WHEN y.kind = 'payment' AND y.channel_amount != y.m_amount THEN 'amount_mismatch'
          WHEN y.kind = 'refund' AND (y.extra OR y.m_id IS NULL OR y.m_settled = 0) THEN 'refund_missing_in_mall'
          WHEN y.kind = 'refund' AND y.channel_amount != y.m_amount THEN 'refund_amount_mismatch'
          WHEN abs(y.fee_fen - y.expected_fee) > 1 THEN 'fee_mismatch'
        END AS category
      FROM (
        SELECT r.row_id, r.channel, r.kind, r.order_no, r.trade_no, r.fee_fen, r.business_date,
          CASE r.kind WHEN 'payment' THEN r.order_no ELSE r.refund_no END AS row_no,
          CASE r.kind WHEN 'payment' THEN r.amount_fen ELSE -r.amount_fen END AS channel_amount,
          ${expectedFee} AS expected_fee,
          m.resource AS m_resource, m.id AS m_id, m.document_no AS m_no, m.order_no AS m_order_no,
          m.amount_fen AS m_amount, m.settled AS m_settled,
          CASE WHEN r.earlier_row THEN 1
               WHEN m.rowid IS NULL OR (CASE r.kind WHEN 'payment' THEN r.order_no ELSE r.refund_no END) IS m.document_no THEN 0
               WHEN r.kind = 'payment' THEN EXISTS (SELECT 1 FROM channel_transactions e WHERE e.merchant_order_no = m.document_no
                 AND e.channel = r.channel AND e.kind = 'payment' AND e.file_id IN (SELECT id FROM rc_trade_files))
               ELSE EXISTS (SELECT 1 FROM channel_transactions e WHERE e.merchant_refund_no = m.document_no
                 AND e.channel = r.channel AND e.kind = 'refund' AND e.file_id IN (SELECT id FROM rc_trade_files))
          END AS extra
        FROM rc_rows r LEFT JOIN reconcile_mall_items m ON m.rowid = r.mall_rowid
      ) y
    );`);
  step('channel rows classified');

  // Mall documents the channel should show but no row matched: missing, or pending inside T+1.
  sqlite.exec(`
    CREATE INDEX temp.rc_rows_mall ON rc_rows (mall_rowid);
    INSERT INTO rc_new
    SELECT
      (CASE m.kind WHEN 'payment' THEN 'P|' ELSE 'R|' END) || m.channel || '|' || m.document_no,
      m.kind, m.channel,
      CASE WHEN pending THEN 'pending' ELSE 'open' END,
      CASE WHEN pending THEN NULL WHEN m.kind = 'payment' THEN 'missing_in_channel' ELSE 'refund_missing_in_channel' END,
      m.resource, m.id, m.order_no, CASE m.kind WHEN 'refund' THEN m.document_no END, m.channel_trade_no, NULL,
      m.amount_fen, NULL, CASE WHEN pending THEN 0 ELSE -m.amount_fen END, NULL, NULL, coalesce(m.business_date, ''),
      CASE WHEN pending THEN 'pending' ELSE 'missing' END || '|' || m.id || '|' || m.amount_fen
    FROM (
      SELECT m.*,
        NOT (EXISTS (SELECT 1 FROM rc_covered v WHERE v.channel = m.channel AND v.date = m.business_date)
             AND EXISTS (SELECT 1 FROM rc_covered v WHERE v.channel = m.channel AND v.date = date(m.business_date, '+1 day'))) AS pending
      FROM reconcile_mall_items m
      WHERE m.settled = 1 AND m.channel IN ('wechat', 'alipay') AND m.amount_fen > 0
        AND NOT EXISTS (SELECT 1 FROM rc_rows r WHERE r.mall_rowid = m.rowid)
    ) m;`);
  step('unmatched mall documents');
}

/**
 * Writes temp.rc_new into reconciliation_results: new items inserted, items whose fingerprint
 * changed rewritten (a discrepancy whose data changed is open again), untouched items left
 * alone, items that no longer exist removed.
 */
function mergeResults(sqlite: SqliteDatabase, runId: number, step: (label: string) => void): { written: number; removed: number } {
  const written = sqlite
    .prepare(
      `INSERT INTO reconciliation_results (item_key, kind, channel, status, category, mall_resource, mall_id, order_no, refund_no,
         channel_trade_no, channel_transaction_id, mall_amount_fen, channel_amount_fen, difference_fen, expected_fee_fen,
         channel_fee_fen, business_date, fingerprint, first_run_id, changed_run_id)
       SELECT item_key, kind, channel, status, category, mall_resource, mall_id, order_no, refund_no, channel_trade_no,
         channel_transaction_id, mall_amount_fen, channel_amount_fen, difference_fen, expected_fee_fen, channel_fee_fen,
         business_date, fingerprint, ?, ? FROM rc_new WHERE true
       ON CONFLICT(item_key) DO UPDATE SET kind = excluded.kind, channel = excluded.channel, status = excluded.status,
         category = excluded.category, mall_resource = excluded.mall_resource, mall_id = excluded.mall_id,
         order_no = excluded.order_no, refund_no = excluded.refund_no, channel_trade_no = excluded.channel_trade_no,
         channel_transaction_id = excluded.channel_transaction_id, mall_amount_fen = excluded.mall_amount_fen,
         channel_amount_fen = excluded.channel_amount_fen, difference_fen = excluded.difference_fen,
         expected_fee_fen = excluded.expected_fee_fen, channel_fee_fen = excluded.channel_fee_fen,
         business_date = excluded.business_date, fingerprint = excluded.fingerprint, changed_run_id = excluded.changed_run_id
       WHERE reconciliation_results.fingerprint != excluded.fingerprint`,
    )
    .run(runId, runId).changes;
  step('merged');
  // Every new key is now present, so the table holds stale items exactly when it has more rows.
  const { stored } = sqlite.prepare(`SELECT count(*) AS stored FROM reconciliation_results`).get() as { stored: number };
  const { computed } = sqlite.prepare(`SELECT count(*) AS computed FROM rc_new`).get() as { computed: number };
  let removed = 0;
  if (stored > computed) {
    sqlite.exec(`CREATE INDEX temp.rc_new_key ON rc_new (item_key)`);
    removed = sqlite.prepare(`DELETE FROM reconciliation_results WHERE item_key NOT IN (SELECT item_key FROM rc_new)`).run().changes;
  }
  sqlite.exec(`DROP TABLE IF EXISTS temp.rc_rows; DROP TABLE IF EXISTS temp.rc_new; DROP TABLE IF EXISTS temp.rc_covered; DROP TABLE IF EXISTS temp.rc_trade_files;`);
  step('stale removed');
  return { written, removed };
}

export interface PeriodFigures {
  matched: number;
  pending: number;
  openDiscrepancies: number;
  resolvedDiscrepancies: number;
  byCategory: Record<DiscrepancyCategory, number>;
  openDifferenceFen: Fen;
  channelPaymentFen: Fen;
  discrepancyRate: string;
}

/**
 * Counts and the discrepancy rate over results with business dates in [from, to] (all when
 * absent): one pass over the covering index reconciliation_results_date_channel, no sort.
 */
export function periodFigures(sqlite: SqliteDatabase, from: string | null, to: string | null): PeriodFigures {
  const perCategory = discrepancyCategories.map((category) => `coalesce(sum(status = 'open' AND category = '${category}'), 0) AS "${category}"`).join(', ');
  const row = sqlite
    .prepare(
      `SELECT coalesce(sum(status = 'matched'), 0) AS matched, coalesce(sum(status = 'pending'), 0) AS pending,
         coalesce(sum(status = 'open'), 0) AS open, coalesce(sum(status = 'resolved'), 0) AS resolved,
         coalesce(sum(CASE WHEN status = 'open' THEN abs(difference_fen) END), 0) AS open_difference,
         coalesce(sum(CASE WHEN kind = 'payment' THEN channel_amount_fen END), 0) AS payments, ${perCategory}
       FROM reconciliation_results INDEXED BY reconciliation_results_date_channel
       WHERE business_date >= ? AND business_date <= ?`,
    )
    .get(from ?? '', to ?? '9999-99-99') as Record<string, number>;
  const byCategory = Object.fromEntries(discrepancyCategories.map((category) => [category, row[category]])) as Record<DiscrepancyCategory, number>;
  return {
    matched: row.matched,
    pending: row.pending,
    openDiscrepancies: row.open,
    resolvedDiscrepancies: row.resolved,
    byCategory,
    openDifferenceFen: fen(row.open_difference),
    channelPaymentFen: fen(row.payments),
    discrepancyRate: ratioText(row.open_difference, row.payments),
  };
}

/**
 * One reconciliation run, in one transaction: match every channel row and mall document (the
 * mall side read from reconcile_mall_items, kept current by triggers), merge into the results, audit. Repeatable: a second run over the same
 * data writes nothing.
 */
export function runReconciliation(workspace: Workspace, actor: Actor, options: ReconcileOptions = {}): ReconcileSummary {
  requirePermission(actor, 'reconcile.run');
  checkDate('from', options.from);
  checkDate('to', options.to);
  if (options.from && options.to && options.to < options.from) throw new LedgerdeskError('invalid_input', `--from ${options.from} is after --to ${options.to}`);
  const sqlite = workspace.sqlite;
  const startedAt = workspace.clock.now().toISOString();
  return sqlite.transaction((): ReconcileSummary => {
    const runId = Number(
      sqlite
        .prepare(`INSERT INTO reconciliation_runs (started_at, finished_at, run_by, date_from, date_to, summary_json) VALUES (?, ?, ?, ?, ?, '{}')`)
        .run(startedAt, startedAt, actor.userName, options.from ?? null, options.to ?? null).lastInsertRowid,
    );
    const step = stepTimer(options.onStep);
    computeResults(sqlite, step);
    const { written, removed } = mergeResults(sqlite, runId, step);
    const figures = periodFigures(sqlite, options.from ?? null, options.to ?? null);
    step('figures');
    const summary: ReconcileSummary = { runId, from: options.from ?? null, to: options.to ?? null, ...figures, changes: { written, removed } };
    const finishedAt = workspace.clock.now().toISOString();
    sqlite.prepare(`UPDATE reconciliation_runs SET finished_at = ?, summary_json = ? WHERE id = ?`).run(finishedAt, JSON.stringify(summary), runId);
    appendAudit(
      sqlite,
      {
        userName: actor.userName,
        action: 'reconcile.run',
        objectType: 'reconciliation_run',
        objectId: String(runId),
        detail: { from: summary.from, to: summary.to, matched: summary.matched, pending: summary.pending, open: summary.openDiscrepancies, changes: summary.changes },
      },
      workspace.clock.now(),
    );
    return summary;
  }).immediate();
}
