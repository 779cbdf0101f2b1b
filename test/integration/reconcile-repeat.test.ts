import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDiscrepancies, projectionStaleCount, resolveDiscrepancies, runReconciliation } from '../../electron/core/reconcile';
import { importWechatBill, reconcileAdmin, storeMallOrder } from '../support/reconcile-fixture';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const admin = reconcileAdmin;
let temp: TempWorkspace;

beforeEach(() => {
  temp = createTempWorkspace({ now: '2026-10-20T04:00:00.000Z' });
});
afterEach(() => temp.cleanup());

/** The one order of these scenarios, at a given version and paid amount. */
function storeOrder(version: number, paidAmount: string): void {
  storeMallOrder(temp, { id: 'o1', orderNo: 'SO100', tradeNo: '4200000001', paidAmount, version });
}

function importBill(name: string, rows: Parameters<typeof importWechatBill>[2]): Promise<void> {
  return importWechatBill(temp, name, rows);
}

describe('repeatable reconciliation', () => {
  it('keeps a resolution while the data stands, reopens it when the data changes, matches when it agrees', async () => {
    await importBill('d5.csv', [{ time: '2026-10-05 10:00:00', tradeNo: '4200000001', orderNo: 'SO100', status: 'SUCCESS', settledFen: 2990, orderFen: 2990, feeFen: 18 }]);
    await importBill('d6.csv', [{ time: '2026-10-06 10:00:00', tradeNo: '4200000009', orderNo: 'SO109', status: 'SUCCESS', settledFen: 1000, orderFen: 1000, feeFen: 6 }]);
    storeOrder(1, '30.00');
    expect(projectionStaleCount(temp.workspace.sqlite)).toBe(0);
    runReconciliation(temp.workspace, admin);
    const [mismatch] = listDiscrepancies(temp.workspace.sqlite).filter((item) => item.order_no === 'SO100');
    expect(mismatch).toMatchObject({ category: 'amount_mismatch', mall_amount: '30.00', channel_amount: '29.90', difference: '-0.10' });
    resolveDiscrepancies(temp.workspace, admin, [mismatch.id], { resolution: 'mall_corrected', note: 'mall will send 29.90' });

    // Same data: stays resolved, nothing rewritten.
    expect(runReconciliation(temp.workspace, admin).changes).toEqual({ written: 0, removed: 0 });
    expect(listDiscrepancies(temp.workspace.sqlite, { status: 'resolved' }).map((item) => item.id)).toEqual([mismatch.id]);

    // A new mall version with another wrong amount: the same item, open again.
    storeOrder(2, '31.00');
    expect(runReconciliation(temp.workspace, admin).changes.written).toBe(1);
    expect(listDiscrepancies(temp.workspace.sqlite).filter((item) => item.order_no === 'SO100')).toEqual([
      expect.objectContaining({ id: mismatch.id, status: 'open', category: 'amount_mismatch', mall_amount: '31.00' }),
    ]);

    // The corrected version agrees with the bill: matched, no longer a discrepancy.
    storeOrder(3, '29.90');
    runReconciliation(temp.workspace, admin);
    expect(listDiscrepancies(temp.workspace.sqlite, { status: 'all' }).filter((item) => item.order_no === 'SO100')).toEqual([]);
  });

  it('keeps a payment without its bill pending, then flags it once the day and the next are imported', async () => {
    storeOrder(1, '29.90');
    await importBill('d5.csv', [{ time: '2026-10-05 09:00:00', tradeNo: '4200000007', orderNo: 'SO107', status: 'SUCCESS', settledFen: 500, orderFen: 500, feeFen: 3 }]);
    const before = runReconciliation(temp.workspace, admin, { from: '2026-10-05', to: '2026-10-05' });
    expect(before.pending).toBe(1);
    await importBill('d6.csv', [{ time: '2026-10-06 10:00:00', tradeNo: '4200000009', orderNo: 'SO109', status: 'SUCCESS', settledFen: 1000, orderFen: 1000, feeFen: 6 }]);
    runReconciliation(temp.workspace, admin);
    expect(listDiscrepancies(temp.workspace.sqlite).find((item) => item.order_no === 'SO100')).toMatchObject({ category: 'missing_in_channel', difference: '-29.90' });
  });

  it('refuses bad input', () => {
    expect(() => runReconciliation(temp.workspace, admin, { from: '2026-13-01' })).toThrow(/not a YYYY-MM-DD/);
    expect(() => runReconciliation(temp.workspace, admin, { from: '2026-10-05', to: '2026-10-01' })).toThrow(/after/);
    expect(() => runReconciliation(temp.workspace, { userName: 'audrey', role: 'auditor' })).toThrow(/may not reconcile.run/);
    expect(() => resolveDiscrepancies(temp.workspace, admin, [999], { resolution: 'timing', note: 'x' })).toThrow(/no discrepancy/);
    expect(() => resolveDiscrepancies(temp.workspace, admin, [1], { resolution: 'timing', note: '  ' })).toThrow(/note/);
  });
});
