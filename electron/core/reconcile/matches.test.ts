import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../../db/migrations/bundle.generated';
import { importWechatBill, reconcileAdmin, storeMallOrder } from '../../../test/support/reconcile-fixture';
import { createTempWorkspace, type TempWorkspace } from '../../../test/support/temp-workspace';
import { upsertDocument } from '../mall/sync/store';
import { resolveDiscrepancies } from './review';
import { listReconciliationResults, loadResult, reconciliationDetail, type ReconciliationResult, type ResultFilters } from './results';
import { refundClearing } from './refunds';
import { periodFigures, runReconciliation } from './run';

/**
 * Matched pairs live in reconciliation_matches, the other items in reconciliation_results; the
 * grid, the detail and the figures show them as one set. These tests hold the two halves to the
 * one list a reader expects.
 */
let temp: TempWorkspace;

beforeEach(() => {
  temp = createTempWorkspace({ now: '2026-10-20T04:00:00.000Z' });
});
afterEach(() => temp.cleanup());

const paid = (orderNo: string, tradeNo: string, day: string, settledFen = 1000) => ({
  time: `2026-10-${day} 10:00:00`,
  tradeNo,
  orderNo,
  status: 'SUCCESS' as const,
  settledFen,
  orderFen: settledFen,
  feeFen: Math.round(settledFen * 0.006),
});

/**
 * Twelve orders of 10.00; bills on three days with matches, an amount mismatch and rows the mall
 * lacks; three orders in no bill; a 3.00 refund of SO3 through the channel on the 6th.
 */
async function threeDays(): Promise<void> {
  for (let index = 1; index <= 12; index += 1) storeMallOrder(temp, { id: `o${index}`, orderNo: `SO${index}`, tradeNo: `42${index}`, paidAmount: '10.00' });
  const refund = {
    id: 'rf1', refund_no: 'RF1', order_id: 'o3', order_no: 'SO3', channel: 'wechat', channel_amount: '3.00', channel_refund_no: '5001', status: 'succeeded',
    requested_at: '2026-10-06T10:30:00+08:00', succeeded_at: '2026-10-06T11:00:00+08:00', updated_at: '2026-10-06T03:00:00Z', version: 1,
  };
  upsertDocument(temp.workspace.sqlite, 'refunds', refund, JSON.stringify(refund), new Date('2026-10-06T03:00:00Z'));
  const refundRow = { time: '2026-10-06 11:00:00', tradeNo: '423', orderNo: 'SO3', status: 'REFUND' as const, settledFen: 0, refundFen: 300, feeFen: -2, refundNo: '5001', merchantRefundNo: 'RF1' };
  await importWechatBill(temp, 'd5.csv', [paid('SO1', '421', '05'), paid('SO2', '422', '05', 990), paid('SO3', '423', '05'), paid('SO4', '424', '05'), paid('SO20', '4220', '05')]);
  await importWechatBill(temp, 'd6.csv', [paid('SO5', '425', '06'), refundRow, paid('SO6', '426', '06'), paid('SO7', '427', '06'), paid('SO21', '4221', '06')]);
  await importWechatBill(temp, 'd7.csv', [paid('SO8', '428', '07'), paid('SO9', '429', '07')]);
}

/** Every item, read by id: the stored ones from their table, the pairs by their (negative) ids. */
function everyItem(): ReconciliationResult[] {
  const sqlite = temp.workspace.sqlite;
  const storedIds = (sqlite.prepare(`SELECT id FROM reconciliation_results`).all() as { id: number }[]).map((row) => row.id);
  const pairIds = (sqlite.prepare(`SELECT channel_transaction_id AS id FROM reconciliation_matches`).all() as { id: number }[]).map((row) => -row.id);
  return [...storedIds, ...pairIds].map((id) => loadResult(sqlite, id)!);
}

/** The grid's date order: date, then stored items by id before pairs by channel, kind and channel row. */
function dateOrder(a: ReconciliationResult, b: ReconciliationResult): number {
  if (a.businessDate !== b.businessDate) return a.businessDate < b.businessDate ? -1 : 1;
  const group = (item: ReconciliationResult) => (item.status === 'matched' ? 1 : 0);
  if (group(a) !== group(b)) return group(a) - group(b);
  if (a.channel !== b.channel) return a.channel < b.channel ? -1 : 1;
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return Math.abs(a.id) - Math.abs(b.id);
}

function passes(item: ReconciliationResult, filters: ResultFilters): boolean {
  const statuses = filters.status === undefined ? undefined : Array.isArray(filters.status) ? filters.status : [filters.status];
  return (
    (!filters.dateFrom || item.businessDate >= filters.dateFrom) &&
    (!filters.dateTo || item.businessDate <= filters.dateTo) &&
    (!filters.channel || item.channel === filters.channel) &&
    (!filters.category || item.category === filters.category) &&
    (!statuses || statuses.includes(item.status))
  );
}

function allPages(filters: ResultFilters, direction: 'asc' | 'desc', pageSize: number, column: 'business_date' | 'channel_amount' = 'business_date'): { total: number; ids: number[] } {
  const ids: number[] = [];
  let total = 0;
  for (let page = 1; page <= 100; page += 1) {
    const result = listReconciliationResults(temp.workspace.sqlite, { page, pageSize, sort: { column, direction }, filters });
    total = result.total;
    if (result.rows.length === 0) break;
    ids.push(...result.rows.map((row) => row.id));
  }
  return { total, ids };
}

describe('matched pairs and stored items as one list', () => {
  it('stores the pairs apart and the rest as items, with the figures of both', async () => {
    await threeDays();
    const summary = runReconciliation(temp.workspace, reconcileAdmin);
    const sqlite = temp.workspace.sqlite;
    expect((sqlite.prepare(`SELECT count(*) AS n FROM reconciliation_matches`).get() as { n: number }).n).toBe(9);
    expect(sqlite.prepare(`SELECT status, count(*) AS n FROM reconciliation_results GROUP BY status ORDER BY status`).all()).toEqual([{ status: 'open', n: 6 }]);
    expect(summary).toMatchObject({ matched: 9, openDiscrepancies: 6, pending: 0, channelPaymentFen: 10990 });
    expect(periodFigures(sqlite, '2026-10-06', '2026-10-06')).toMatchObject({ matched: 4, openDiscrepancies: 1, channelPaymentFen: 4000 });
    expect(sqlite.prepare(`SELECT business_date, kind, items, channel_amount_fen FROM reconciliation_match_days ORDER BY business_date, kind`).all()).toEqual([
      { business_date: '2026-10-05', kind: 'payment', items: 3, channel_amount_fen: 3000 },
      { business_date: '2026-10-06', kind: 'payment', items: 3, channel_amount_fen: 3000 },
      { business_date: '2026-10-06', kind: 'refund', items: 1, channel_amount_fen: 300 },
      { business_date: '2026-10-07', kind: 'payment', items: 2, channel_amount_fen: 2000 },
    ]);
    expect(refundClearing(sqlite).map((refund) => [refund.refundNo, refund.state])).toEqual([['RF1', 'cleared']]);
  });

  it('pages through pairs and items in date order, both ways, at every page size and filter, as one sorted list would', async () => {
    await threeDays();
    runReconciliation(temp.workspace, reconcileAdmin);
    const items = everyItem();
    expect(items).toHaveLength(15);
    const filterSets: ResultFilters[] = [
      {},
      { status: ['matched'] },
      { status: ['open', 'matched'] },
      { status: ['open'] },
      { channel: 'wechat', dateFrom: '2026-10-06' },
      { dateTo: '2026-10-05' },
      { category: 'missing_in_mall' },
      { channel: 'alipay' },
    ];
    for (const filters of filterSets) {
      const expected = items.filter((item) => passes(item, filters)).sort(dateOrder).map((item) => item.id);
      for (const pageSize of [1, 2, 3, 5, 7, 50]) {
        expect(allPages(filters, 'asc', pageSize), JSON.stringify({ filters, pageSize })).toEqual({ total: expected.length, ids: expected });
        expect(allPages(filters, 'desc', pageSize), JSON.stringify({ filters, pageSize, desc: true })).toEqual({ total: expected.length, ids: [...expected].reverse() });
      }
    }
    // Another order sorts the union: by channel amount (no amount first), then id.
    const byAmount = [...items].sort((a, b) => (a.channelAmountFen ?? -Infinity) - (b.channelAmountFen ?? -Infinity) || a.id - b.id).map((item) => item.id);
    expect(allPages({}, 'asc', 4, 'channel_amount')).toEqual({ total: 15, ids: byAmount });
  });

  it('shows a pair like any item: numbers, amounts, expected fee, detail with its bill line; review refuses it', async () => {
    await threeDays();
    runReconciliation(temp.workspace, reconcileAdmin);
    const sqlite = temp.workspace.sqlite;
    const found = listReconciliationResults(sqlite, { page: 1, pageSize: 10, filters: { search: 'SO5' } });
    expect(found.total).toBe(1);
    const [pair] = found.rows;
    expect(pair).toMatchObject({
      itemKey: 'P|wechat|SO5', status: 'matched', category: null, mallResource: 'orders', mallId: 'o5', orderNo: 'SO5', refundNo: null,
      channelTradeNo: '425', mallAmountFen: 1000, channelAmountFen: 1000, differenceFen: 0, expectedFeeFen: 6, channelFeeFen: 6, businessDate: '2026-10-06',
    });
    expect(pair.id).toBeLessThan(0);
    expect(listReconciliationResults(sqlite, { page: 1, pageSize: 10, filters: { search: '426' } }).rows.map((row) => row.orderNo)).toEqual(['SO6']);
    expect(listReconciliationResults(sqlite, { page: 1, pageSize: 10, filters: { search: 'SO2' } }).rows.map((row) => [row.status, row.category])).toEqual([['open', 'amount_mismatch']]);
    const detail = reconciliationDetail(sqlite, pair.id)!;
    expect(detail.result).toEqual(pair);
    expect(detail.mallDocument).toMatchObject({ resource: 'orders', id: 'o5' });
    expect(detail.channelRows).toHaveLength(1);
    expect(detail.channelRows[0].rawLine).toContain('SO5');
    expect(reconciliationDetail(sqlite, -999_999)).toBeNull();
    expect(() => resolveDiscrepancies(temp.workspace, reconcileAdmin, [pair.id], { resolution: 'timing', note: 'x' })).toThrow(/not a discrepancy id/);
  });

  it('moves a pair out when its data stops agreeing and back when it agrees again; a rerun writes nothing', async () => {
    await threeDays();
    runReconciliation(temp.workspace, reconcileAdmin);
    expect(runReconciliation(temp.workspace, reconcileAdmin).changes).toEqual({ written: 0, removed: 0 });
    storeMallOrder(temp, { id: 'o1', orderNo: 'SO1', tradeNo: '421', paidAmount: '11.00', version: 2 });
    const changed = runReconciliation(temp.workspace, reconcileAdmin);
    expect(changed.changes).toEqual({ written: 1, removed: 1 });
    expect(changed).toMatchObject({ matched: 8, openDiscrepancies: 7 });
    expect(listReconciliationResults(temp.workspace.sqlite, { page: 1, pageSize: 10, filters: { search: 'SO1' } }).rows.map((row) => [row.status, row.category])).toEqual([
      ['open', 'amount_mismatch'],
    ]);
    storeMallOrder(temp, { id: 'o1', orderNo: 'SO1', tradeNo: '421', paidAmount: '10.00', version: 3 });
    const back = runReconciliation(temp.workspace, reconcileAdmin);
    expect(back.changes).toEqual({ written: 1, removed: 1 });
    expect(back).toMatchObject({ matched: 9, openDiscrepancies: 6 });
    expect(listReconciliationResults(temp.workspace.sqlite, { page: 1, pageSize: 10, filters: { search: 'SO1' } }).rows.map((row) => row.status)).toEqual(['matched']);
    expect(refundClearing(temp.workspace.sqlite).map((refund) => refund.state)).toEqual(['cleared']);
  });
});

describe('migration 0015', () => {
  it('moves matched results into pairs with their day counts and keeps every other item', () => {
    const sqlite = new Database(':memory:');
    try {
      const index = bundledMigrations.findIndex((migration) => migration.tag === '0015_reconcile_matches');
      expect(index).toBeGreaterThan(0);
      for (const migration of bundledMigrations.slice(0, index)) for (const statement of migration.statements) sqlite.exec(statement);
      const insert = sqlite.prepare(
        `INSERT INTO reconciliation_results (item_key, kind, channel, status, category, mall_resource, mall_id, order_no, channel_transaction_id,
           mall_amount_fen, channel_amount_fen, difference_fen, business_date, fingerprint, first_run_id, changed_run_id)
         VALUES (?, ?, 'wechat', ?, ?, 'orders', ?, ?, ?, 1000, ?, ?, ?, 'f', 1, 1)`,
      );
      insert.run('P|wechat|SO1', 'payment', 'matched', null, 'o1', 'SO1', 11, 1000, 0, '2026-10-05');
      insert.run('P|wechat|SO2', 'payment', 'matched', null, 'o2', 'SO2', 12, 1000, 0, '2026-10-05');
      insert.run('R|wechat|RF1', 'refund', 'matched', null, 'r1', 'SO1', 13, 300, 0, '2026-10-06');
      insert.run('P|wechat|SO3', 'payment', 'open', 'amount_mismatch', 'o3', 'SO3', 14, 990, -10, '2026-10-05');
      for (const statement of bundledMigrations[index].statements) sqlite.exec(statement);
      expect(sqlite.prepare(`SELECT item_key, status FROM reconciliation_results`).all()).toEqual([{ item_key: 'P|wechat|SO3', status: 'open' }]);
      expect(sqlite.prepare(`SELECT * FROM reconciliation_matches ORDER BY channel_transaction_id`).all()).toEqual([
        { business_date: '2026-10-05', channel_transaction_id: 11, channel: 'wechat', kind: 'payment', channel_amount_fen: 1000 },
        { business_date: '2026-10-05', channel_transaction_id: 12, channel: 'wechat', kind: 'payment', channel_amount_fen: 1000 },
        { business_date: '2026-10-06', channel_transaction_id: 13, channel: 'wechat', kind: 'refund', channel_amount_fen: 300 },
      ]);
      expect(sqlite.prepare(`SELECT * FROM reconciliation_match_days ORDER BY business_date, kind`).all()).toEqual([
        { business_date: '2026-10-05', channel: 'wechat', kind: 'payment', items: 2, channel_amount_fen: 2000 },
        { business_date: '2026-10-06', channel: 'wechat', kind: 'refund', items: 1, channel_amount_fen: 300 },
      ]);
    } finally {
      sqlite.close();
    }
  });
});
