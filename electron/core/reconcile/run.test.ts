import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importWechatBill, reconcileAdmin, storeMallOrder } from '../../../test/support/reconcile-fixture';
import { createTempWorkspace, type TempWorkspace } from '../../../test/support/temp-workspace';
import { upsertDocument } from '../mall/sync/store';
import { listReconciliationResults } from './results';
import { periodFigures, runReconciliation } from './run';

const admin = reconcileAdmin;
let temp: TempWorkspace;

beforeEach(() => {
  temp = createTempWorkspace({ now: '2026-10-20T04:00:00.000Z' });
});
afterEach(() => temp.cleanup());

function storeOrder(id: string, orderNo: string, tradeNo: string, paidAmount: string): void {
  storeMallOrder(temp, { id, orderNo, tradeNo, paidAmount });
}

function importBill(name: string, rows: Parameters<typeof importWechatBill>[2]): Promise<void> {
  return importWechatBill(temp, name, rows);
}

function storedResults(): { itemKey: string; status: string; category: string | null; channelTransactionId: number | null }[] {
  return listReconciliationResults(temp.workspace.sqlite, { page: 1, pageSize: 100, sort: { column: 'id', direction: 'asc' } }).rows.map((row) => ({
    itemKey: row.itemKey,
    status: row.status,
    category: row.category,
    channelTransactionId: row.channelTransactionId,
  }));
}

describe('runReconciliation writing the results', () => {
  it('gives the same results into an empty table (bulk path) as into a filled one (merge path), and a rerun writes nothing', async () => {
    storeOrder('o1', 'SO1', '4201', '10.00');
    storeOrder('o2', 'SO2', '4202', '20.00');
    storeOrder('o3', 'SO3', '4203', '30.00');
    await importBill('d5.csv', [
      { time: '2026-10-05 10:00:00', tradeNo: '4201', orderNo: 'SO1', status: 'SUCCESS', settledFen: 1000, orderFen: 1000, feeFen: 6 },
      { time: '2026-10-05 10:01:00', tradeNo: '4202', orderNo: 'SO2', status: 'SUCCESS', settledFen: 1990, orderFen: 1990, feeFen: 12 },
      { time: '2026-10-05 10:02:00', tradeNo: '4209', orderNo: 'SO9', status: 'SUCCESS', settledFen: 500, orderFen: 500, feeFen: 3 },
    ]);
    await importBill('d6.csv', [{ time: '2026-10-06 10:00:00', tradeNo: '4210', orderNo: 'SO10', status: 'SUCCESS', settledFen: 700, orderFen: 700, feeFen: 4 }]);
    const first = runReconciliation(temp.workspace, admin);
    const bulk = storedResults();
    expect(bulk.map((row) => [row.itemKey, row.status, row.category]).sort()).toEqual(
      [
        ['P|wechat|SO1', 'matched', null],
        ['P|wechat|SO2', 'open', 'amount_mismatch'],
        ['P|wechat|SO3', 'open', 'missing_in_channel'],
        ['P|wechat|SO9', 'open', 'missing_in_mall'],
        ['P|wechat|SO10', 'open', 'missing_in_mall'],
      ].sort(),
    );
    expect(first.changes).toEqual({ written: 5, removed: 0 });
    expect(runReconciliation(temp.workspace, admin).changes).toEqual({ written: 0, removed: 0 });

    // The same data merged into a table that already holds a row: the same items, states and figures.
    temp.workspace.sqlite.exec(`DELETE FROM reconciliation_results WHERE item_key != 'P|wechat|SO1'`);
    const merged = runReconciliation(temp.workspace, admin);
    expect(merged.changes).toEqual({ written: 4, removed: 0 });
    expect(storedResults().map(({ itemKey, status, category, channelTransactionId }) => [itemKey, status, category, channelTransactionId]).sort()).toEqual(
      bulk.map(({ itemKey, status, category, channelTransactionId }) => [itemKey, status, category, channelTransactionId]).sort(),
    );
    const { changes: _first, runId: _firstRun, ...firstFigures } = first;
    const { changes: _merged, runId: _mergedRun, ...mergedFigures } = merged;
    expect(mergedFigures).toEqual(firstFigures);
    expect(periodFigures(temp.workspace.sqlite, '2026-10-05', '2026-10-05')).toMatchObject({ matched: 1, openDiscrepancies: 3, channelPaymentFen: 3490 });
  });

  it('folds two items with one key when the table starts empty, as the merge does', () => {
    // An order and a top-up with the same number, neither in a bill: two pending items, one key.
    storeOrder('o1', 'SO1', '4201', '10.00');
    const topup = { id: 't1', topup_no: 'SO1', member_id: 'm1', status: 'paid', paid_at: '2026-10-05T11:00:00+08:00', amount: '20.00', pay_channel: 'wechat', updated_at: '2026-10-05T03:00:00Z', version: 1 };
    upsertDocument(temp.workspace.sqlite, 'topups', topup, JSON.stringify(topup), new Date('2026-10-05T03:00:00Z'));
    const summary = runReconciliation(temp.workspace, admin);
    expect(storedResults().map((row) => [row.itemKey, row.status])).toEqual([['P|wechat|SO1', 'pending']]);
    expect(summary.changes.written).toBe(2);
    const folded = storedResults();
    runReconciliation(temp.workspace, admin);
    expect(storedResults()).toEqual(folded);
  });
});
