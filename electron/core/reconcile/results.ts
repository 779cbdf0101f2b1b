import type { SqliteDatabase } from '../../../db/open';
import { LedgerdeskError } from '../errors';
import { withRawLines } from '../imports/raw-lines';
import { traceEntries, type StoredEntry } from '../ledger/read';
import { fen, formatFenAsYuan } from '../money';
import { discrepancyCategories, resultStatuses, type DiscrepancyCategory, type Resolution, type ResultStatus } from './categories';

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

function whereClause(filters: ResultFilters): { sql: string; parameters: unknown[] } {
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
    if (filters.channel !== 'wechat' && filters.channel !== 'alipay') throw new LedgerdeskError('invalid_input', `unknown channel "${String(filters.channel)}"`);
    conditions.push('channel = ?');
    parameters.push(filters.channel);
  }
  if (filters.category) {
    if (!discrepancyCategories.includes(filters.category)) throw new LedgerdeskError('invalid_input', `unknown category "${filters.category}"`);
    // The partial index on category serves only this exact form.
    conditions.push('category = ? AND category IS NOT NULL');
    parameters.push(filters.category);
  }
  if (filters.status !== undefined) {
    const statuses = Array.isArray(filters.status) ? filters.status : [filters.status];
    for (const status of statuses) {
      if (!resultStatuses.includes(status)) throw new LedgerdeskError('invalid_input', `unknown status "${String(status)}"`);
    }
    if (statuses.length > 0) {
      conditions.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      parameters.push(...statuses);
    }
  }
  if (filters.search) {
    const needle = filters.search.trim();
    conditions.push('(order_no = ? OR id IN (SELECT id FROM reconciliation_results WHERE refund_no = ? OR channel_trade_no = ?))');
    parameters.push(needle, needle, needle);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
}

/**
 * The ORDER BY an index serves whole (no sort): every index ends with the rowid, so with one
 * status or one category filtered (indexes on status/category, business_date) date order is
 * (business_date, id); otherwise date order follows the columns of reconciliation_results_date_channel to the rowid.
 */
function orderByClause(column: string, order: 'ASC' | 'DESC', filters: ResultFilters): string {
  if (column === 'id') return `id ${order}`;
  if (column !== 'business_date') return `${column} ${order}, id ${order}`;
  const singleStatus = filters.status !== undefined && (!Array.isArray(filters.status) || filters.status.length === 1);
  if (singleStatus || filters.category) return `business_date ${order}, id ${order}`;
  return ['business_date', 'channel', 'status', 'category', 'kind', 'difference_fen', 'channel_amount_fen', 'id'].map((name) => `${name} ${order}`).join(', ');
}

/**
 * One page of the reconciliation grid with the total count. Pages past the middle are read
 * from the other end (reverse order, smaller OFFSET) so no page walks more than half the index.
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
  const where = whereClause(request.filters ?? {});
  const { total } = sqlite.prepare(`SELECT count(*) AS total FROM reconciliation_results ${where.sql}`).get(...where.parameters) as { total: number };
  const offset = (page - 1) * pageSize;
  if (offset >= total) return { total, page, pageSize, rows: [] };
  const forward = sort.direction === 'asc' ? 'ASC' : 'DESC';
  const backward = sort.direction === 'asc' ? 'DESC' : 'ASC';
  const rowsOnPage = Math.min(pageSize, total - offset);
  const fromEnd = total - offset - rowsOnPage;
  const reversed = fromEnd < offset;
  const order = reversed ? backward : forward;
  const orderBy = orderByClause(column, order, request.filters ?? {});
  const rows = sqlite
    .prepare(`SELECT ${resultColumns} FROM reconciliation_results ${where.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
    .all(...where.parameters, rowsOnPage, reversed ? fromEnd : offset) as ReconciliationResult[];
  return { total, page, pageSize, rows: reversed ? rows.reverse() : rows };
}

export function loadResult(sqlite: SqliteDatabase, id: number): ReconciliationResult | null {
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
  const where = whereClause({
    status: status === 'all' ? ['open', 'resolved'] : status,
    dateFrom: options.from,
    dateTo: options.to,
    category: options.category,
    channel: options.channel,
  });
  const rows = sqlite
    .prepare(`SELECT ${resultColumns} FROM reconciliation_results ${where.sql} ORDER BY business_date, id`)
    .all(...where.parameters) as ReconciliationResult[];
  return rows.map(toDiscrepancyItem);
}
