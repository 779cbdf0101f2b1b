import { yuanToFen } from '../../electron/core/money';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postCommissionClawbacks, runSettlement } from '../../electron/core/commissions';
import { entriesForSource } from '../../electron/core/ledger/read';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { createMallClient, flushOutbox, syncFromMall } from '../../electron/core/mall/sync';
import { listPayouts, submitPayouts } from '../../electron/core/payouts';
import { verifyWorkspace } from '../../electron/core/workspace';
import { balanceFen, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const token = 'demo-token-for-settlement-tests';
let dataset: MallDataset;
let mall: DemoMall;
let harness: PayoutsHarness;

beforeAll(() => {
  dataset = generateMallDataset({ seed: 7, month: '2026-10', orderCount: 400 });
});
beforeEach(async () => {
  mall = await startDemoMall({ dataset: structuredClone(dataset), token });
  // Tuesday 2026-11-03: the default cycle is 2026-10-26..11-01.
  harness = await startPayoutsHarness({ start: '2026-11-03T02:00:00Z', booksStartDate: '2026-10-01' });
});
afterEach(async () => {
  await mall.close();
  await harness.close();
});

function sync() {
  return syncFromMall(harness.workspace, { url: mall.url, token, actorName: 'admin', pageSize: 200, client: { sleep: async () => undefined, timeoutMs: 2000 } });
}

describe('settlement of commissions synced from the demo mall', () => {
  it('settles what the sync accrued, pays it, tells the mall, and a later cancellation is one clawback', async () => {
    await sync();
    const settleable = dataset.commissions.filter((commission) => commission.status === 'settleable');
    expect(settleable.length).toBeGreaterThan(0);
    const result = runSettlement(harness.workspace, { userName: 'fin', role: 'finance' });
    const settledCount = result.payouts.reduce((sum, payout) => sum + payout.commissionCount, 0) + result.carriedOver.reduce((sum, one) => sum + one.commissionCount, 0);
    expect(settledCount).toBe(settleable.length);
    expect(result.held).toEqual([]);
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo: result.settlementNo });
    expect(listPayouts(harness.workspace.sqlite).every((payout) => payout.state === 'success')).toBe(true);
    // Every payout is paid: what commission payouts moved into 2206 left it again through 1121.
    const inTransit = harness.workspace.sqlite
      .prepare(
        `SELECT coalesce(sum(p.credit_fen - p.debit_fen), 0) AS net FROM postings p JOIN journal_entries e ON e.id = p.entry_id
         WHERE p.account_code = '2206' AND e.entry_type IN ('commission_payout', 'payout_paid')`,
      )
      .get() as { net: number };
    expect(inTransit.net).toBe(0);
    const paidTotal = result.payouts.reduce((sum, payout) => sum + payout.amountFen, 0);
    const carriedTotal = result.carriedOver.reduce((sum, one) => sum + one.amountFen, 0);
    expect(paidTotal + carriedTotal).toBe(settleable.reduce((sum, commission) => sum + yuanToFen(commission.amount), 0));
    expect(await flushOutbox(harness.workspace.sqlite, createMallClient({ url: mall.url, token, sleep: async () => undefined }), { now: harness.clock.now })).toMatchObject({ failed: 0 });
    const settlementWrites = mall.writes.filter((write) => write.path === '/v1/commission-settlements');
    expect(settlementWrites).toHaveLength(result.payouts.length);
    expect(settlementWrites.every((write) => write.status === 200 && write.idempotencyKey.startsWith('commission-settlement-'))).toBe(true);

    // The mall cancels a paid commission; the sync sees it as paid out and books the clawback.
    const paid = listPayouts(harness.workspace.sqlite)[0];
    const commissionId = (harness.workspace.sqlite.prepare(`SELECT commission_id FROM payout_commissions WHERE payout_id = ? LIMIT 1`).get(paid.id) as { commission_id: string }).commission_id;
    mall.mutate('commissions', commissionId, { status: 'cancelled' });
    await sync();
    expect(entriesForSource(harness.workspace.sqlite, 'commissions', commissionId).map((entry) => [entry.entryType, entry.reversedByEntryNo])).toEqual([
      ['commission_accrual', null],
      ['commission_payout', null],
      ['commission_clawback', null],
    ]);
    expect(balanceFen(harness.workspace, '1221', paid.partyId)).toBeGreaterThan(0);
    expect(postCommissionClawbacks(harness.workspace, 'fin')).toEqual([expect.objectContaining({ commissionId, skipped: 'already booked by the sync' })]);
    await sync();
    expect(entriesForSource(harness.workspace.sqlite, 'commissions', commissionId)).toHaveLength(3);
    expect(verifyWorkspace(harness.workspace.sqlite).ok).toBe(true);
  });
});
