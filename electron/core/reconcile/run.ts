import { performance } from 'node:perf_hooks';
import type { SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import { isCalendarDate } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { fen, type Fen } from '../money';
import type { Workspace } from '../workspace';
import { discrepancyCategories, type DiscrepancyCategory } from './categories';
import { ratioText } from './rate';
import { startHelperPass, type ConnectionKey, type HelperPass } from './helper-pass';
import { extraSql, feeSql, passInputsSql, passRates, passRowsSql, passTableSql, rowNoSql, tradeFileKinds } from './pass';

export { tradeFileKinds } from './pass';


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

/** The columns of a result row that decide its state: a run rewrites a stored row only when one of them changed. */
const decidingColumns = ['category', 'mall_id', 'mall_amount_fen', 'channel_amount_fen', 'channel_fee_fen', 'expected_fee_fen', 'channel_transaction_id'] as const;

/**
 * Decides every item. All set-based: one pass over the channel rows (pass.ts; for a large set,
 * the upper half of the ids on a worker thread at the same time, helper-pass.ts), each half's
 * matched pairs stored as soon as it is decided; the discrepancies among the rows built into
 * temp.rc_new as full result rows, then the mall documents no row matched, then the pairs of an
 * earlier run that no longer match removed. No sort over the whole set.
 */
function computeResults(sqlite: SqliteDatabase, key: ConnectionKey | null, started: HelperPass[], step: (label: string) => void): PairChanges {
  const rates = passRates(sqlite);
  const kinds = tradeFileKinds.map((kind) => `'${kind}'`).join(', ');
  const ids = sqlite.prepare(`SELECT min(id) AS first, max(id) AS last FROM channel_transactions`).get() as { first: number | null; last: number | null };
  // Started first, so the worker's thread and connection come up while this one builds its inputs.
  const helper = key === null || ids.first === null || ids.last === null ? null : startHelperPass(key, ids.first, ids.last, rates);
  if (helper) started.push(helper);
  const pairsBefore = sqlite.prepare(`SELECT EXISTS (SELECT 1 FROM reconciliation_matches) AS stored`).get() as { stored: number };
  sqlite.exec(`
    DROP TABLE IF EXISTS temp.rc_matched;
    CREATE TEMP TABLE rc_matched (mall_rowid INTEGER PRIMARY KEY);
    DROP TABLE IF EXISTS temp.rc_covered;
    DROP TABLE IF EXISTS temp.rc_new;
    DROP TABLE IF EXISTS temp.rc_pass;
    -- Dates whose bill is imported, per channel: the T+1 window stays open until the next day's bill is in.
    CREATE TEMP TABLE rc_covered (channel TEXT NOT NULL, date TEXT NOT NULL, PRIMARY KEY (channel, date)) WITHOUT ROWID;
    WITH RECURSIVE span(channel, date, last) AS (
      SELECT channel, first_business_date, last_business_date FROM import_files
        WHERE kind IN (${kinds}) AND first_business_date IS NOT NULL
      UNION
      SELECT channel, date(date, '+1 day'), last FROM span WHERE date < last
    )
    INSERT OR IGNORE INTO rc_covered SELECT channel, date FROM span;
    ${passInputsSql()}
    ${passTableSql('temp.rc_pass')};
    CREATE TEMP TABLE rc_new (
      item_key TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT NOT NULL, status TEXT NOT NULL, category TEXT,
      mall_resource TEXT, mall_id TEXT, order_no TEXT, refund_no TEXT, channel_trade_no TEXT, channel_transaction_id INTEGER,
      mall_amount_fen INTEGER, channel_amount_fen INTEGER, difference_fen INTEGER NOT NULL, expected_fee_fen INTEGER,
      channel_fee_fen INTEGER, business_date TEXT NOT NULL, mall_rowid INTEGER
    );`);
  // Each half's pairs and matched documents are noted as soon as it is decided: this connection's
  // half while the worker still decides the other.
  let pairsWritten = 0;
  const noteDecided = (table: string) => {
    pairsWritten += insertPairs(sqlite, table);
    sqlite.exec(`INSERT OR IGNORE INTO rc_matched SELECT mall_rowid FROM ${table} WHERE mall_rowid IS NOT NULL`);
  };
  let decided = 'SELECT * FROM temp.rc_pass';
  if (ids.first !== null && ids.last !== null) {
    sqlite.prepare(passRowsSql('temp.rc_pass', rates)).run(ids.first, helper ? helper.ownRowIdTo : ids.last);
    noteDecided('temp.rc_pass');
    if (helper) {
      step('own rows matched');
      const helperRows = helper.finish(sqlite);
      step('waited for the worker');
      noteDecided(helperRows);
      decided = `SELECT * FROM temp.rc_pass UNION ALL SELECT * FROM ${helperRows}`;
    }
  }
  sqlite.exec(`DROP VIEW IF EXISTS temp.rc_decided; CREATE TEMP VIEW rc_decided AS ${decided}`);
  step('channel rows matched');

  // The discrepancies among the channel rows, as full result rows (the few rows with a category).
  const expectedFee = feeSql('c.channel', 'c.amount_fen', rates);
  sqlite.exec(`
    INSERT INTO rc_new
    SELECT
      CASE WHEN extra THEN (CASE kind WHEN 'payment' THEN 'D|' ELSE 'RD|' END) || row_id
           ELSE (CASE kind WHEN 'payment' THEN 'P|' ELSE 'R|' END) || channel || '|' || coalesce(m_no, row_no, '#' || row_id) END,
      kind, channel, 'open', category, m_resource, m_id,
      CASE kind WHEN 'payment' THEN coalesce(m_no, row_no) ELSE coalesce(m_order_no, order_no) END,
      CASE kind WHEN 'refund' THEN coalesce(m_no, row_no) END,
      trade_no, row_id, m_amount, channel_amount,
      CASE WHEN category = 'fee_mismatch' THEN abs(fee_fen) - abs(expected_fee) ELSE channel_amount - coalesce(m_amount, 0) END,
      expected_fee, fee_fen, business_date, mall_rowid
    FROM (
      SELECT p.row_id, p.kind, p.channel, p.category, p.channel_amount, p.business_date, p.mall_rowid,
        m.resource AS m_resource, m.id AS m_id, m.document_no AS m_no, m.order_no AS m_order_no, m.amount_fen AS m_amount,
        c.merchant_order_no AS order_no, c.channel_trade_no AS trade_no, c.fee_fen, ${expectedFee} AS expected_fee,
        ${rowNoSql} AS row_no, ${extraSql} AS extra
      FROM rc_decided p JOIN channel_transactions c ON c.id = p.row_id LEFT JOIN reconcile_mall_items m ON m.rowid = p.mall_rowid
      WHERE p.category IS NOT NULL
      LIMIT -1 OFFSET 0
    );`);
  step('channel discrepancies');

  // Mall documents the channel should show but no row matched: missing, or pending inside T+1.
  // The documents are walked on a narrow index (row ids only) against the matched set; only the
  // unmatched ones are read from the table.
  sqlite.exec(`
    INSERT INTO rc_new
    SELECT
      (CASE m.kind WHEN 'payment' THEN 'P|' ELSE 'R|' END) || m.channel || '|' || m.document_no,
      m.kind, m.channel,
      CASE WHEN pending THEN 'pending' ELSE 'open' END,
      CASE WHEN pending THEN NULL WHEN m.kind = 'payment' THEN 'missing_in_channel' ELSE 'refund_missing_in_channel' END,
      m.resource, m.id, m.order_no, CASE m.kind WHEN 'refund' THEN m.document_no END, m.channel_trade_no, NULL,
      m.amount_fen, NULL, CASE WHEN pending THEN 0 ELSE -m.amount_fen END, NULL, NULL, coalesce(m.business_date, ''), NULL
    FROM (
      SELECT m.*,
        NOT (EXISTS (SELECT 1 FROM rc_covered v WHERE v.channel = m.channel AND v.date = m.business_date)
             AND EXISTS (SELECT 1 FROM rc_covered v WHERE v.channel = m.channel AND v.date = date(m.business_date, '+1 day'))) AS pending
      FROM (
        SELECT rowid AS unmatched_rowid FROM reconcile_mall_items INDEXED BY reconcile_mall_items_no
        WHERE rowid NOT IN (SELECT mall_rowid FROM rc_matched)
        LIMIT -1 OFFSET 0
      ) u JOIN reconcile_mall_items m ON m.rowid = u.unmatched_rowid
      WHERE m.settled = 1 AND m.channel IN ('wechat', 'alipay') AND m.amount_fen > 0
    ) m;
    DROP TABLE temp.rc_matched;`);
  step('unmatched mall documents');
  // Pairs stored by an earlier run whose row no longer matches (or is gone).
  const removed = pairsBefore.stored
    ? sqlite
        .prepare(
          `DELETE FROM reconciliation_matches WHERE NOT EXISTS (SELECT 1 FROM rc_decided p WHERE p.row_id = reconciliation_matches.channel_transaction_id
             AND p.category IS NULL AND p.business_date = reconciliation_matches.business_date AND p.channel = reconciliation_matches.channel
             AND p.kind = reconciliation_matches.kind)`,
        )
        .run().changes
    : 0;
  return { written: pairsWritten, removed };
}

const resultColumnList = `item_key, kind, channel, status, category, mall_resource, mall_id, order_no, refund_no, channel_trade_no,
  channel_transaction_id, mall_amount_fen, channel_amount_fen, difference_fen, expected_fee_fen, channel_fee_fen, business_date`;

const dropRunTables = [
  'DROP VIEW IF EXISTS temp.rc_decided;',
  ...['rc_new', 'rc_pass', 'rc_covered', 'rc_trade_files'].map((name) => `DROP TABLE IF EXISTS temp.${name};`),
].join(' ');

/**
 * Writes temp.rc_new (the discrepancies and pending documents) into reconciliation_results: new
 * items inserted, items whose deciding columns changed rewritten (a discrepancy whose data
 * changed is open again; an open one stays the same item), untouched items left alone, items
 * that no longer exist (matched now, or gone) removed.
 */
function mergeResults(sqlite: SqliteDatabase, runId: number): { written: number; removed: number } {
  // fingerprint: the decision in one word; the deciding columns themselves are what a run compares.
  const selectNew = `SELECT ${resultColumnList}, coalesce(category, status), ?, ? FROM rc_new`;
  const insert = `INSERT INTO reconciliation_results (${resultColumnList}, fingerprint, first_run_id, changed_run_id)`;
  const same = decidingColumns.map((column) => `reconciliation_results.${column} IS excluded.${column}`).join(' AND ');
  const written = sqlite
    .prepare(
      `${insert} ${selectNew} WHERE true
       ON CONFLICT(item_key) DO UPDATE SET kind = excluded.kind, channel = excluded.channel, status = excluded.status,
         category = excluded.category, mall_resource = excluded.mall_resource, mall_id = excluded.mall_id,
         order_no = excluded.order_no, refund_no = excluded.refund_no, channel_trade_no = excluded.channel_trade_no,
         channel_transaction_id = excluded.channel_transaction_id, mall_amount_fen = excluded.mall_amount_fen,
         channel_amount_fen = excluded.channel_amount_fen, difference_fen = excluded.difference_fen,
         expected_fee_fen = excluded.expected_fee_fen, channel_fee_fen = excluded.channel_fee_fen,
         business_date = excluded.business_date, fingerprint = excluded.fingerprint, changed_run_id = excluded.changed_run_id
       WHERE NOT (${same} AND (reconciliation_results.status = excluded.status
         OR (reconciliation_results.status = 'resolved' AND excluded.status = 'open')))`,
    )
    .run(runId, runId).changes;
  // Every new key is now present, so the table holds stale items exactly when it has more rows.
  const { stored } = sqlite.prepare(`SELECT count(*) AS stored FROM reconciliation_results`).get() as { stored: number };
  const { computed } = sqlite.prepare(`SELECT count(*) AS computed FROM rc_new`).get() as { computed: number };
  let removed = 0;
  if (stored > computed) {
    sqlite.exec(`CREATE INDEX temp.rc_new_key ON rc_new (item_key)`);
    removed = sqlite.prepare(`DELETE FROM reconciliation_results WHERE item_key NOT IN (SELECT item_key FROM rc_new)`).run().changes;
  }
  return { written, removed };
}

interface PairChanges {
  written: number;
  removed: number;
}

/**
 * Stores the matched pairs of a pass table in reconciliation_matches. A pair already stored is
 * left alone: a channel row never changes, so neither does its pair.
 */
function insertPairs(sqlite: SqliteDatabase, passTable: string): number {
  return sqlite
    .prepare(
      `INSERT OR IGNORE INTO reconciliation_matches (business_date, channel_transaction_id, channel, kind, channel_amount_fen)
       SELECT business_date, row_id, channel, kind, channel_amount FROM ${passTable} WHERE category IS NULL`,
    )
    .run().changes;
}

/** Rewrites reconciliation_match_days from the pairs: one pass in key order, no sort. */
function refreshMatchDays(sqlite: SqliteDatabase): void {
  sqlite.exec(`
    DELETE FROM reconciliation_match_days;
    INSERT INTO reconciliation_match_days (business_date, channel, kind, items, channel_amount_fen)
    SELECT business_date, channel, kind, count(*), sum(channel_amount_fen) FROM reconciliation_matches GROUP BY business_date, channel, kind;`);
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
 * Counts and the discrepancy rate over items with business dates in [from, to] (all when
 * absent): the matched pairs from their per-day counts, the other items in one pass over the
 * covering index reconciliation_results_date_channel grouped by the few (status, category, kind)
 * combinations, folded here; no table lookups.
 */
export function periodFigures(sqlite: SqliteDatabase, from: string | null, to: string | null): PeriodFigures {
  const groups = sqlite
    .prepare(
      `SELECT status, category, kind, count(*) AS items, coalesce(sum(abs(difference_fen)), 0) AS difference,
         coalesce(sum(channel_amount_fen), 0) AS channel_amount
       FROM reconciliation_results INDEXED BY reconciliation_results_date_channel
       WHERE business_date >= ? AND business_date <= ?
       GROUP BY status, category, kind`,
    )
    .all(from ?? '', to ?? '9999-99-99') as { status: string; category: string | null; kind: string; items: number; difference: number; channel_amount: number }[];
  const byCategory = Object.fromEntries(discrepancyCategories.map((category) => [category, 0])) as Record<DiscrepancyCategory, number>;
  const counts = { matched: 0, pending: 0, open: 0, resolved: 0 };
  let openDifference = 0;
  let payments = 0;
  const matchedDays = sqlite
    .prepare(
      `SELECT kind, coalesce(sum(items), 0) AS items, coalesce(sum(channel_amount_fen), 0) AS channel_amount
       FROM reconciliation_match_days WHERE business_date >= ? AND business_date <= ? GROUP BY kind`,
    )
    .all(from ?? '', to ?? '9999-99-99') as { kind: string; items: number; channel_amount: number }[];
  for (const group of matchedDays) {
    counts.matched += group.items;
    if (group.kind === 'payment') payments += group.channel_amount;
  }
  for (const group of groups) {
    if (group.status in counts) counts[group.status as keyof typeof counts] += group.items;
    if (group.status === 'open') {
      openDifference += group.difference;
      if (group.category !== null && group.category in byCategory) byCategory[group.category as DiscrepancyCategory] += group.items;
    }
    if (group.kind === 'payment') payments += group.channel_amount;
  }
  return {
    matched: counts.matched,
    pending: counts.pending,
    openDiscrepancies: counts.open,
    resolvedDiscrepancies: counts.resolved,
    byCategory,
    openDifferenceFen: fen(openDifference),
    channelPaymentFen: fen(payments),
    discrepancyRate: ratioText(openDifference, payments),
  };
}

/**
 * One reconciliation run, in one transaction: match every channel row and mall document (the
 * mall side read from reconcile_mall_items, kept current by the sync), merge the discrepancies
 * and pending documents into reconciliation_results and the matched pairs into
 * reconciliation_matches, audit. Repeatable: a second run over the same data writes nothing.
 */
export function runReconciliation(workspace: Workspace, actor: Actor, options: ReconcileOptions = {}): ReconcileSummary {
  requirePermission(actor, 'reconcile.run');
  checkDate('from', options.from);
  checkDate('to', options.to);
  if (options.from && options.to && options.to < options.from) throw new LedgerdeskError('invalid_input', `--from ${options.from} is after --to ${options.to}`);
  const sqlite = workspace.sqlite;
  const startedAt = workspace.clock.now().toISOString();
  // The run's temp tables (a million rows) stay in memory; the setting cannot change inside a transaction.
  const tempStore = sqlite.pragma('temp_store', { simple: true }) as number;
  const switchTempStore = tempStore !== 2 && !sqlite.inTransaction;
  if (switchTempStore) sqlite.pragma('temp_store = MEMORY');
  try {
    return reconcileInTransaction(workspace, actor, options, startedAt);
  } finally {
    if (switchTempStore) sqlite.pragma(`temp_store = ${tempStore}`);
  }
}

function reconcileInTransaction(workspace: Workspace, actor: Actor, options: ReconcileOptions, startedAt: string): ReconcileSummary {
  const sqlite = workspace.sqlite;
  // A worker's scratch file stays attached until the transaction ends (it cannot be detached inside it).
  const helpers: HelperPass[] = [];
  // Inside a caller's transaction, its uncommitted writes are invisible to a worker's connection:
  // then this connection decides every row itself.
  const key = sqlite.inTransaction ? null : workspace.connectionKey();
  try {
    return runInTransaction(workspace, actor, options, startedAt, key, helpers);
  } finally {
    for (const helper of helpers) helper.release(sqlite);
  }
}

function runInTransaction(
  workspace: Workspace,
  actor: Actor,
  options: ReconcileOptions,
  startedAt: string,
  key: ConnectionKey | null,
  helpers: HelperPass[],
): ReconcileSummary {
  const sqlite = workspace.sqlite;
  return sqlite.transaction((): ReconcileSummary => {
    const runId = Number(
      sqlite
        .prepare(`INSERT INTO reconciliation_runs (started_at, finished_at, run_by, date_from, date_to, summary_json) VALUES (?, ?, ?, ?, ?, '{}')`)
        .run(startedAt, startedAt, actor.userName, options.from ?? null, options.to ?? null).lastInsertRowid,
    );
    const step = stepTimer(options.onStep);
    const matches = computeResults(sqlite, key, helpers, step);
    const results = mergeResults(sqlite, runId);
    step('discrepancies merged');
    refreshMatchDays(sqlite);
    sqlite.exec(dropRunTables);
    step('match days');
    const written = results.written + matches.written;
    const removed = results.removed + matches.removed;
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
