import type { SqliteDatabase } from '../../../db/open';
import { fen, type Fen } from '../money';
import { tableColumns, tableExists } from './movements';

/**
 * The discrepancy part of the reports reads the reconciliation's table when reconciliation has
 * created it. Reconciliation is a separate capability; until its table exists (or when it has
 * never run) the reports say "reconciliation not run" instead of showing zero discrepancies.
 * Column names follow the CLI contract (DESIGN.md section 10), amounts in *_fen columns.
 */
export const DISCREPANCY_TABLE_CANDIDATES = ['discrepancies', 'reconciliation_discrepancies'] as const;

export const RECONCILIATION_NOT_RUN = 'reconciliation not run';

export interface DiscrepancyCategoryCount {
  category: string;
  openCount: number;
  resolvedCount: number;
  openDifferenceFen: Fen;
}

export type DiscrepancySummary =
  | { available: false; note: typeof RECONCILIATION_NOT_RUN }
  | {
      available: true;
      openCount: number;
      resolvedCount: number;
      /** Sum of |difference| over open discrepancies of the period. */
      openDifferenceFen: Fen;
      byCategory: DiscrepancyCategoryCount[];
    };

export interface DiscrepancyRow {
  id: string;
  category: string;
  channel: string | null;
  orderNo: string | null;
  refundNo: string | null;
  channelTradeNo: string | null;
  mallAmountFen: Fen | null;
  channelAmountFen: Fen | null;
  differenceFen: Fen | null;
  businessDate: string | null;
  status: string;
}

interface DiscrepancyTable {
  name: string;
  /** SQL expression per field, or NULL when the table has no such column. */
  fields: Record<keyof DiscrepancyRow, string>;
}

function pick(columns: Set<string>, ...names: string[]): string {
  const found = names.find((name) => columns.has(name));
  return found ? `"${found}"` : 'NULL';
}

/** The reconciliation table and how its columns map to ours, or null when it does not exist. */
export function findDiscrepancyTable(sqlite: SqliteDatabase): DiscrepancyTable | null {
  const name = DISCREPANCY_TABLE_CANDIDATES.find((candidate) => tableExists(sqlite, candidate));
  if (!name) return null;
  const columns = tableColumns(sqlite, name);
  if (!columns.has('category') || !columns.has('status')) return null;
  return {
    name,
    fields: {
      id: pick(columns, 'id', 'rowid'),
      category: '"category"',
      channel: pick(columns, 'channel'),
      orderNo: pick(columns, 'order_no', 'merchant_order_no'),
      refundNo: pick(columns, 'refund_no', 'merchant_refund_no'),
      channelTradeNo: pick(columns, 'channel_trade_no'),
      mallAmountFen: pick(columns, 'mall_amount_fen'),
      channelAmountFen: pick(columns, 'channel_amount_fen'),
      differenceFen: pick(columns, 'difference_fen'),
      businessDate: pick(columns, 'business_date'),
      status: '"status"',
    },
  };
}

/** [fromDate, toDateExclusive) on the discrepancy's business date, when the table has one. */
function dateFilter(table: DiscrepancyTable): string {
  return table.fields.businessDate === 'NULL' ? '1 = 1' : `${table.fields.businessDate} >= ? AND ${table.fields.businessDate} < ?`;
}

function dateArguments(table: DiscrepancyTable, fromDate: string, toDateExclusive: string): string[] {
  return table.fields.businessDate === 'NULL' ? [] : [fromDate, toDateExclusive];
}

export function discrepancySummary(sqlite: SqliteDatabase, fromDate: string, toDateExclusive: string): DiscrepancySummary {
  const table = findDiscrepancyTable(sqlite);
  if (!table) return { available: false, note: RECONCILIATION_NOT_RUN };
  const rows = sqlite
    .prepare(
      `SELECT category, status = 'open' AS is_open, count(*) AS n, coalesce(sum(abs(${table.fields.differenceFen})), 0) AS difference
       FROM "${table.name}" WHERE ${dateFilter(table)} GROUP BY category, is_open ORDER BY category`,
    )
    .all(...dateArguments(table, fromDate, toDateExclusive)) as { category: string; is_open: number; n: number; difference: number }[];
  const byCategory = new Map<string, DiscrepancyCategoryCount>();
  for (const row of rows) {
    const entry = byCategory.get(row.category) ?? { category: row.category, openCount: 0, resolvedCount: 0, openDifferenceFen: fen(0) };
    if (row.is_open) {
      entry.openCount += row.n;
      entry.openDifferenceFen = fen(entry.openDifferenceFen + row.difference);
    } else {
      entry.resolvedCount += row.n;
    }
    byCategory.set(row.category, entry);
  }
  const categories = [...byCategory.values()];
  return {
    available: true,
    openCount: categories.reduce((sum, entry) => sum + entry.openCount, 0),
    resolvedCount: categories.reduce((sum, entry) => sum + entry.resolvedCount, 0),
    openDifferenceFen: fen(categories.reduce((sum, entry) => sum + entry.openDifferenceFen, 0)),
    byCategory: categories,
  };
}

function optionalFen(value: unknown): Fen | null {
  return value === null || value === undefined ? null : fen(Number(value));
}

/** Discrepancies of a period, streamed; null when reconciliation has not run (no table). */
export function discrepancyRows(sqlite: SqliteDatabase, fromDate: string, toDateExclusive: string): Iterable<DiscrepancyRow> | null {
  const table = findDiscrepancyTable(sqlite);
  if (!table) return null;
  const select = Object.entries(table.fields)
    .map(([field, expression]) => `${expression} AS "${field}"`)
    .join(', ');
  const statement = sqlite.prepare(
    `SELECT ${select} FROM "${table.name}" WHERE ${dateFilter(table)} ORDER BY ${table.fields.businessDate === 'NULL' ? '' : `${table.fields.businessDate}, `}${table.fields.id}`,
  );
  const parameters = dateArguments(table, fromDate, toDateExclusive);
  return {
    *[Symbol.iterator]() {
      for (const raw of statement.iterate(...parameters) as Iterable<Record<string, unknown>>) {
        yield {
          id: String(raw.id),
          category: String(raw.category),
          channel: (raw.channel as string | null) ?? null,
          orderNo: (raw.orderNo as string | null) ?? null,
          refundNo: (raw.refundNo as string | null) ?? null,
          channelTradeNo: (raw.channelTradeNo as string | null) ?? null,
          mallAmountFen: optionalFen(raw.mallAmountFen),
          channelAmountFen: optionalFen(raw.channelAmountFen),
          differenceFen: optionalFen(raw.differenceFen),
          businessDate: (raw.businessDate as string | null) ?? null,
          status: String(raw.status),
        };
      }
    },
  };
}
