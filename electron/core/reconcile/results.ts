import type { SqliteDatabase } from '../../../db/open';
import { LedgerdeskError } from '../errors';
import { withRawLines } from '../imports/raw-lines';
import { traceEntries, type StoredEntry } from '../ledger/read';
import { fen, formatFenAsYuan } from '../money';
import { discrepancyCategories, resultStatuses, type DiscrepancyCategory, type Resolution, type ResultStatus } from './categories';
import { configuredFeeSql, mallRowidSql } from './pass';

export interface ReconciliationResult {
  id: number;
  itemKey: string;
  kind: 'payment' | 'refund';
  channel: 'wechat' | 'alipay';
  status: ResultStatus;
  category: DiscrepancyCategory | null;
  mallResource: string | null;
  mallId: string | null;
  orderNo: string | null;
  refundNo: string | null;
  channelTradeNo: string | null;
  channelTransactionId: number | null;
  mallAmountFen: number | null;
  channelAmountFen: number | null;
  differenceFen: number;
  expectedFeeFen: number | null;
  channelFeeFen: number | null;
  businessDate: string;
  assignedTo: string | null;
  resolution: Resolution | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  adjustmentEntryNo: string | null;
}

export const resultColumns = `id, item_key AS itemKey, kind, channel, status, category, mall_resource AS mallResource, mall_id AS mallId,
  order_no AS orderNo, refund_no AS refundNo, channel_trade_no AS channelTradeNo, channel_transaction_id AS channelTransactionId,
  mall_amount_fen AS mallAmountFen, channel_amount_fen AS channelAmountFen, difference_fen AS differenceFen,
  expected_fee_fen AS expectedFeeFen, channel_fee_fen AS channelFeeFen, business_date AS businessDate, assigned_to AS assignedTo,
  resolution, resolution_note AS resolutionNote, resolved_by AS resolvedBy, resolved_at AS resolvedAt,
  adjustment_entry_no AS adjustmentEntryNo`;

export interface ResultFilters {
  dateFrom?: string;
  dateTo?: string;
  channel?: 'wechat' | 'alipay';
  category?: DiscrepancyCategory;
  status?: ResultStatus | ResultStatus[];
  /** Exact order, refund or channel trade number. */
  search?: string;
}

/** Columns the grid may sort by; each ends with id so pages never overlap. */
const sortColumns = {
  business_date: 'business_date',
  difference: 'difference_fen',
  mall_amount: 'mall_amount_fen',
  channel_amount: 'channel_amount_fen',
  id: 'id',
} as const;
export type ResultSortColumn = keyof typeof sortColumns;

export interface ResultPageRequest {
  page: number;
  pageSize: number;
  sort?: { column: ResultSortColumn; direction: 'asc' | 'desc' };
  filters?: ResultFilters;
}

export interface ResultPage {
  total: number;
  page: number;
  pageSize: number;
  rows: ReconciliationResult[];
}

export const PAGE_SIZE_MAX = 1000;

function exceptionWhere(filters: ResultFilters, statuses: ResultStatus[] | undefined): { sql: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  if (filters.dateFrom) {
    conditions.push('business_date >= ?');
    parameters.push(filters.dateFrom);
  }
  if (filters.dateTo) {
    conditions.push('business_date <= ?');
    parameters.push(filters.dateTo);
  }
  if (filters.channel) {
    conditions.push('channel = ?');
    parameters.push(filters.channel);
  }
  if (filters.category) {
    // The partial index on category serves only this exact form.
    conditions.push('category = ? AND category IS NOT NULL');
    parameters.push(filters.category);
  }
  if (statuses !== undefined) {
    conditions.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    parameters.push(...statuses);
  }
  if (filters.search) {
    const needle = filters.search.trim();
    conditions.push('(order_no = ? OR id IN (SELECT id FROM reconciliation_results WHERE refund_no = ? OR channel_trade_no = ?))');
    parameters.push(needle, needle, needle);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
}

/** The filters checked, and split into the part that selects stored items and the part that selects matched pairs. */
interface FilterPlan {
  filters: ResultFilters;
  /** Statuses of stored items to show; undefined = all of them; [] = none. */
  exceptionStatuses: ResultStatus[] | undefined;
  includeMatched: boolean;
}

function planFilters(filters: ResultFilters): FilterPlan {
  if (filters.channel && filters.channel !== 'wechat' && filters.channel !== 'alipay') {
    throw new LedgerdeskError('invalid_input', `unknown channel "${String(filters.channel)}"`);
  }
  if (filters.category && !discrepancyCategories.includes(filters.category)) throw new LedgerdeskError('invalid_input', `unknown category "${filters.category}"`);
  let statuses: ResultStatus[] | undefined;
  if (filters.status !== undefined) {
    statuses = Array.isArray(filters.status) ? filters.status : [filters.status];
    for (const status of statuses) {
      if (!resultStatuses.includes(status)) throw new LedgerdeskError('invalid_input', `unknown status "${String(status)}"`);
    }
    if (statuses.length === 0) statuses = undefined;
  }
  const includeMatched = !filters.category && (statuses === undefined || statuses.includes('matched'));
  const exceptionStatuses = statuses === undefined ? undefined : statuses.filter((status) => status !== 'matched');
  return { filters, exceptionStatuses, includeMatched };
}

/**
 * A matched pair as a result row, built from the pair, its channel row and its mall document
 * (found by the run's own lookup, mallRowidSql). Its id is the channel row's id negated: pairs are
 * not stored items, and ids of stored items are positive.
 */
function matchedColumns(sqlite: SqliteDatabase): string {
  return `-x.channel_transaction_id AS id,
  (CASE x.kind WHEN 'payment' THEN 'P|' ELSE 'R|' END) || x.channel || '|' || coalesce(m.document_no, CASE x.kind WHEN 'payment' THEN c.merchant_order_no ELSE c.merchant_refund_no END) AS itemKey,
  x.kind, x.channel, 'matched' AS status, NULL AS category, m.resource AS mallResource, m.id AS mallId,
  CASE x.kind WHEN 'payment' THEN coalesce(m.document_no, c.merchant_order_no) ELSE coalesce(m.order_no, c.merchant_order_no) END AS orderNo,
  CASE x.kind WHEN 'refund' THEN coalesce(m.document_no, c.merchant_refund_no) END AS refundNo,
  c.channel_trade_no AS channelTradeNo, x.channel_transaction_id AS channelTransactionId, m.amount_fen AS mallAmountFen,
  x.channel_amount_fen AS channelAmountFen, 0 AS differenceFen, ${configuredFeeSql(sqlite, 'x.channel', 'c.amount_fen')} AS expectedFeeFen,
  c.fee_fen AS channelFeeFen, x.business_date AS businessDate, NULL AS assignedTo, NULL AS resolution, NULL AS resolutionNote,
  NULL AS resolvedBy, NULL AS resolvedAt, NULL AS adjustmentEntryNo`;
}

const matchedJoins = `JOIN channel_transactions c ON c.id = x.channel_transaction_id
  LEFT JOIN reconcile_mall_items m ON m.rowid = ${mallRowidSql}`;

/**
 * The matched pairs a filter selects, as (FROM source, WHERE, parameters) over alias x. A search
 * starts from the few channel rows that carry the number (merchant order or refund number, or the
 * order number of a document with that channel trade number) and looks their pairs up by key.
 */
function matchedSource(filters: ResultFilters): { from: string; where: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  let from = 'reconciliation_matches x';
  if (filters.search) {
    const needle = filters.search.trim();
    from = `(SELECT DISTINCT x.* FROM (
        SELECT id FROM channel_transactions WHERE merchant_order_no = ?
        UNION SELECT id FROM channel_transactions WHERE merchant_refund_no = ? AND merchant_refund_no IS NOT NULL
        UNION SELECT t.id FROM reconcile_mall_items d JOIN channel_transactions t ON t.merchant_order_no = d.document_no WHERE d.channel_trade_no = ?
      ) s JOIN channel_transactions t ON t.id = s.id
      JOIN reconciliation_matches x ON x.business_date = t.business_date AND x.channel = t.channel AND x.kind = t.kind
        AND x.channel_transaction_id = t.id) x`;
    parameters.push(needle, needle, needle);
  }
  if (filters.dateFrom) {
    conditions.push('x.business_date >= ?');
    parameters.push(filters.dateFrom);
  }
  if (filters.dateTo) {
    conditions.push('x.business_date <= ?');
    parameters.push(filters.dateTo);
  }
  if (filters.channel) {
    conditions.push('x.channel = ?');
    parameters.push(filters.channel);
  }
  return { from, where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
}

function exceptionsIncluded(plan: FilterPlan): boolean {
  return plan.exceptionStatuses === undefined || plan.exceptionStatuses.length > 0;
}

/** Items per business date, stored items and matched pairs apart, in the order asked. */
interface DateCount {
  businessDate: string;
  stored: number;
  matched: number;
}

function countsByDate(sqlite: SqliteDatabase, plan: FilterPlan, ascending: boolean): DateCount[] {
  const byDate = new Map<string, DateCount>();
  const entry = (businessDate: string) => {
    let found = byDate.get(businessDate);
    if (!found) byDate.set(businessDate, (found = { businessDate, stored: 0, matched: 0 }));
    return found;
  };
  if (exceptionsIncluded(plan)) {
    const where = exceptionWhere(plan.filters, plan.exceptionStatuses);
    const rows = sqlite
      .prepare(`SELECT business_date AS businessDate, count(*) AS items FROM reconciliation_results ${where.sql} GROUP BY business_date`)
      .all(...where.parameters) as { businessDate: string; items: number }[];
    for (const row of rows) entry(row.businessDate).stored += row.items;
  }
  if (plan.includeMatched) {
    const conditions = ['business_date >= ?', 'business_date <= ?'];
    const parameters: unknown[] = [plan.filters.dateFrom ?? '', plan.filters.dateTo ?? '9999-99-99'];
    if (plan.filters.channel) {
      conditions.push('channel = ?');
      parameters.push(plan.filters.channel);
    }
    const rows = sqlite
      .prepare(`SELECT business_date AS businessDate, sum(items) AS items FROM reconciliation_match_days WHERE ${conditions.join(' AND ')} GROUP BY business_date`)
      .all(...parameters) as { businessDate: string; items: number }[];
    for (const row of rows) entry(row.businessDate).matched += row.items;
  }
  const dates = [...byDate.values()].sort((a, b) => (a.businessDate < b.businessDate ? -1 : a.businessDate > b.businessDate ? 1 : 0));
  return ascending ? dates : dates.reverse();
}

/**
 * A page in business date order, found by arithmetic over the per-date counts: within a date the
 * stored items come first (by id), then the matched pairs (by channel, kind, channel row: their
 * key order); descending reverses both. Only the dates the page touches are read, each from its own offset.
 */
function datePage(sqlite: SqliteDatabase, plan: FilterPlan, ascending: boolean, offset: number, rowCount: number): ReconciliationResult[] {
  const order = ascending ? 'ASC' : 'DESC';
  const rows: ReconciliationResult[] = [];
  let skip = offset;
  const channelParameters = plan.filters.channel ? [plan.filters.channel] : [];
  const storedWhere = exceptionWhere({ ...plan.filters, dateFrom: undefined, dateTo: undefined }, plan.exceptionStatuses);
  const storedSql = `SELECT ${resultColumns} FROM reconciliation_results ${storedWhere.sql ? `${storedWhere.sql} AND` : 'WHERE'} business_date = ?
    ORDER BY id ${order} LIMIT ? OFFSET ?`;
  // The page's pairs are picked on the key alone (an index walk, however deep the offset), and
  // only those few are joined to their channel rows and documents.
  const matchedSql = (direction: 'ASC' | 'DESC') => {
    const keyOrder = ['channel', 'kind', 'channel_transaction_id'].map((column) => `x.${column} ${direction}`).join(', ');
    return `SELECT ${matchedColumns(sqlite)} FROM (
        SELECT * FROM reconciliation_matches x WHERE x.business_date = ?${plan.filters.channel ? ' AND x.channel = ?' : ''}
        ORDER BY ${keyOrder} LIMIT ? OFFSET ?
      ) x ${matchedJoins} ORDER BY ${keyOrder}`;
  };
  const readMatched = (businessDate: string, count: number, limit: number, from: number): ReconciliationResult[] => {
    // Past the middle of a date's pairs, read from its other end: no page walks more than half.
    const fromEnd = count - from - limit;
    if (fromEnd >= from) return sqlite.prepare(matchedSql(order)).all(businessDate, ...channelParameters, limit, from) as ReconciliationResult[];
    const backward = sqlite.prepare(matchedSql(ascending ? 'DESC' : 'ASC')).all(businessDate, ...channelParameters, limit, fromEnd) as ReconciliationResult[];
    return backward.reverse();
  };
  for (const date of countsByDate(sqlite, plan, ascending)) {
    if (rows.length >= rowCount) break;
    const total = date.stored + date.matched;
    if (skip >= total) {
      skip -= total;
      continue;
    }
    const parts: { count: number; read: (limit: number, from: number) => ReconciliationResult[] }[] = [
      { count: date.stored, read: (limit, from) => sqlite.prepare(storedSql).all(...storedWhere.parameters, date.businessDate, limit, from) as ReconciliationResult[] },
      { count: date.matched, read: (limit, from) => readMatched(date.businessDate, date.matched, limit, from) },
    ];
    if (!ascending) parts.reverse();
    for (const part of parts) {
      if (rows.length >= rowCount) break;
      if (skip >= part.count) {
        skip -= part.count;
        continue;
      }
      rows.push(...part.read(Math.min(rowCount - rows.length, part.count - skip), skip));
      skip = 0;
    }
  }
  return rows;
}

/** Any other order (or a search): stored items and matched pairs in one sorted union. */
function sortedPage(
  sqlite: SqliteDatabase,
  plan: FilterPlan,
  column: string,
  order: 'ASC' | 'DESC',
  offset: number,
  rowCount: number,
): ReconciliationResult[] {
  const arms: string[] = [];
  const parameters: unknown[] = [];
  if (exceptionsIncluded(plan)) {
    const where = exceptionWhere(plan.filters, plan.exceptionStatuses);
    arms.push(`SELECT ${resultColumns} FROM reconciliation_results ${where.sql}`);
    parameters.push(...where.parameters);
  }
  if (plan.includeMatched) {
    const source = matchedSource(plan.filters);
    arms.push(`SELECT ${matchedColumns(sqlite)} FROM ${source.from} ${matchedJoins} ${source.where}`);
    parameters.push(...source.parameters);
  }
  if (arms.length === 0) return [];
  const sortKey = { business_date: 'businessDate', difference_fen: 'differenceFen', mall_amount_fen: 'mallAmountFen', channel_amount_fen: 'channelAmountFen', id: 'id' }[column];
  const orderBy = column === 'id' ? `id ${order}` : `${sortKey} ${order}, id ${order}`;
  return sqlite.prepare(`SELECT * FROM (${arms.join(' UNION ALL ')}) ORDER BY ${orderBy} LIMIT ? OFFSET ?`).all(...parameters, rowCount, offset) as ReconciliationResult[];
}

function countItems(sqlite: SqliteDatabase, plan: FilterPlan): number {
  let total = 0;
  if (exceptionsIncluded(plan)) {
    const where = exceptionWhere(plan.filters, plan.exceptionStatuses);
    total += (sqlite.prepare(`SELECT count(*) AS total FROM reconciliation_results ${where.sql}`).get(...where.parameters) as { total: number }).total;
  }
  if (plan.includeMatched) {
    if (plan.filters.search) {
      const source = matchedSource(plan.filters);
      total += (sqlite.prepare(`SELECT count(*) AS total FROM ${source.from} ${source.where}`).get(...source.parameters) as { total: number }).total;
    } else {
      total += countsByDate(sqlite, { ...plan, exceptionStatuses: [] }, true).reduce((sum, date) => sum + date.matched, 0);
    }
  }
  return total;
}

/**
 * One page of the reconciliation grid with the total count: the stored items (pending, open,
 * resolved) and the matched pairs as one list. In business date order (the grid's default) the
 * page is found from per-date counts and read from the dates it touches, so a page deep in a
 * million pairs costs what the first does.
 */
export function listReconciliationResults(sqlite: SqliteDatabase, request: ResultPageRequest): ResultPage {
  const page = Math.max(1, Math.floor(request.page));
  const pageSize = Math.floor(request.pageSize);
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > PAGE_SIZE_MAX) {
    throw new LedgerdeskError('invalid_input', `page size must be 1..${PAGE_SIZE_MAX}, got ${request.pageSize}`);
  }
  const sort = request.sort ?? { column: 'business_date', direction: 'asc' };
  const column = sortColumns[sort.column];
  if (!column) throw new LedgerdeskError('invalid_input', `cannot sort by "${String(sort.column)}"`);
  const plan = planFilters(request.filters ?? {});
  const total = countItems(sqlite, plan);
  const offset = (page - 1) * pageSize;
  if (offset >= total) return { total, page, pageSize, rows: [] };
  const rowCount = Math.min(pageSize, total - offset);
  const ascending = sort.direction === 'asc';
  const rows =
    column === 'business_date' && !plan.filters.search
      ? datePage(sqlite, plan, ascending, offset, rowCount)
      : sortedPage(sqlite, plan, column, ascending ? 'ASC' : 'DESC', offset, rowCount);
  return { total, page, pageSize, rows };
}

/** A stored item (positive id) or a matched pair (its channel row's id negated). */
export function loadResult(sqlite: SqliteDatabase, id: number): ReconciliationResult | null {
  if (id < 0) {
    return (
      (sqlite
        .prepare(
          `SELECT ${matchedColumns(sqlite)} FROM channel_transactions t
           JOIN reconciliation_matches x ON x.business_date = t.business_date AND x.channel = t.channel AND x.kind = t.kind
             AND x.channel_transaction_id = t.id ${matchedJoins}
           WHERE t.id = ?`,
        )
        .get(-id) as ReconciliationResult | undefined) ?? null
    );
  }
  return (sqlite.prepare(`SELECT ${resultColumns} FROM reconciliation_results WHERE id = ?`).get(id) as ReconciliationResult | undefined) ?? null;
}

export interface ChannelRowDetail {
  id: number;
  fileName: string;
  lineNumber: number;
  rawLine: string;
  kind: string;
  amountFen: number;
  feeFen: number;
  occurredAt: string;
  businessDate: string;
}

/** A channel row as stored: raw_line is null when the row's text is its line of the stored file. */
type StoredChannelRow = Omit<ChannelRowDetail, 'rawLine'> & { fileId: number; rawLine: string | null };

export interface DiscrepancyComment {
  at: string;
  userName: string;
  text: string;
}

export interface ReconciliationDetail {
  result: ReconciliationResult;
  mallDocument: { resource: string; id: string; version: number; body: Record<string, unknown> } | null;
  /** The result's own bill line, then every other bill line with the same merchant number. */
  channelRows: ChannelRowDetail[];
  entries: StoredEntry[];
  comments: DiscrepancyComment[];
}

/** Everything behind one grid row: the mall document, the raw bill line(s), the ledger entries. */
export function reconciliationDetail(sqlite: SqliteDatabase, resultId: number): ReconciliationDetail | null {
  const result = loadResult(sqlite, resultId);
  if (!result) return null;
  const document = result.mallResource
    ? (sqlite.prepare(`SELECT resource, id, version, body_json FROM mall_documents WHERE resource = ? AND id = ?`).get(result.mallResource, result.mallId) as
        | { resource: string; id: string; version: number; body_json: string }
        | undefined)
    : undefined;
  const rowSql = `SELECT c.id, f.file_name AS fileName, c.file_id AS fileId, c.line_number AS lineNumber, c.raw_line AS rawLine, c.kind, c.amount_fen AS amountFen,
      c.fee_fen AS feeFen, c.occurred_at AS occurredAt, c.business_date AS businessDate
    FROM channel_transactions c JOIN import_files f ON f.id = c.file_id`;
  const channelRows: ChannelRowDetail[] = [];
  if (result.channelTransactionId !== null) {
    channelRows.push(...withRawLines(sqlite, sqlite.prepare(`${rowSql} WHERE c.id = ?`).all(result.channelTransactionId) as StoredChannelRow[]));
  }
  const sameNumber = withRawLines(
    sqlite,
    result.kind === 'payment'
      ? (sqlite.prepare(`${rowSql} WHERE c.merchant_order_no = ? AND c.channel = ? AND c.kind = 'payment' ORDER BY c.id`).all(result.orderNo, result.channel) as StoredChannelRow[])
      : (sqlite.prepare(`${rowSql} WHERE c.merchant_refund_no = ? AND c.channel = ? AND c.kind = 'refund' ORDER BY c.id`).all(result.refundNo, result.channel) as StoredChannelRow[]),
  );
  for (const row of sameNumber) if (!channelRows.some((known) => known.id === row.id)) channelRows.push(row);
  const entryIds = new Set<number>();
  const entries: StoredEntry[] = [];
  for (const number of [result.orderNo, result.refundNo]) {
    if (!number) continue;
    for (const entry of traceEntries(sqlite, number)) {
      if (entryIds.has(entry.id)) continue;
      entryIds.add(entry.id);
      entries.push(entry);
    }
  }
  const comments = sqlite
    .prepare(`SELECT at, user_name AS userName, text FROM discrepancy_comments WHERE result_id = ? ORDER BY id`)
    .all(resultId) as DiscrepancyComment[];
  return {
    result,
    mallDocument: document ? { resource: document.resource, id: document.id, version: document.version, body: JSON.parse(document.body_json) as Record<string, unknown> } : null,
    channelRows,
    entries: entries.sort((a, b) => a.id - b.id),
    comments,
  };
}

/** A discrepancy as the CLI and exports show it (DESIGN.md section 10): amounts as decimal strings. */
export interface DiscrepancyItem {
  id: number;
  category: DiscrepancyCategory;
  channel: string;
  order_no: string | null;
  refund_no: string | null;
  channel_trade_no: string | null;
  mall_amount: string | null;
  channel_amount: string | null;
  difference: string;
  business_date: string;
  status: 'open' | 'resolved';
  assigned_to: string | null;
  resolution: Resolution | null;
  resolved_by: string | null;
}

function amountText(value: number | null): string | null {
  return value === null ? null : formatFenAsYuan(fen(value));
}

function absOrNull(value: number | null): number | null {
  return value === null ? null : Math.abs(value);
}

export function toDiscrepancyItem(result: ReconciliationResult): DiscrepancyItem {
  if (result.category === null || (result.status !== 'open' && result.status !== 'resolved')) {
    throw new Error(`result ${result.id} is not a discrepancy`);
  }
  return {
    id: result.id,
    category: result.category,
    channel: result.channel,
    order_no: result.orderNo,
    refund_no: result.refundNo,
    channel_trade_no: result.channelTradeNo,
    // For a fee mismatch the compared figures are the fees: at the configured rate, and on the bill.
    mall_amount: amountText(result.category === 'fee_mismatch' ? absOrNull(result.expectedFeeFen) : result.mallAmountFen),
    channel_amount: amountText(result.category === 'fee_mismatch' ? absOrNull(result.channelFeeFen) : result.channelAmountFen),
    difference: formatFenAsYuan(fen(result.differenceFen)),
    business_date: result.businessDate,
    status: result.status,
    assigned_to: result.assignedTo,
    resolution: result.resolution,
    resolved_by: result.resolvedBy,
  };
}

export interface DiscrepancyListOptions {
  status?: 'open' | 'resolved' | 'all';
  from?: string;
  to?: string;
  category?: DiscrepancyCategory;
  channel?: 'wechat' | 'alipay';
}

/** Every discrepancy (open, resolved or both) in business date order. */
export function listDiscrepancies(sqlite: SqliteDatabase, options: DiscrepancyListOptions = {}): DiscrepancyItem[] {
  const status = options.status ?? 'open';
  if (!['open', 'resolved', 'all'].includes(status)) throw new LedgerdeskError('invalid_input', `--status must be open, resolved or all, got "${status}"`);
  const plan = planFilters({
    status: status === 'all' ? ['open', 'resolved'] : status,
    dateFrom: options.from,
    dateTo: options.to,
    category: options.category,
    channel: options.channel,
  });
  const where = exceptionWhere(plan.filters, plan.exceptionStatuses);
  const rows = sqlite
    .prepare(`SELECT ${resultColumns} FROM reconciliation_results ${where.sql} ORDER BY business_date, id`)
    .all(...where.parameters) as ReconciliationResult[];
  return rows.map(toDiscrepancyItem);
}
