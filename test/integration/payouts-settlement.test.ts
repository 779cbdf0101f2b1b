import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commissionOrderLine, commissionsOfPayout, listCommissionBasis, postCommissionClawbacks, runSettlement, PAYOUT_MINIMUM_SETTING } from '../../electron/core/commissions';
import type { Actor } from '../../electron/core/auth/users';
import { entriesForSource } from '../../electron/core/ledger/read';
import { verifyWorkspace } from '../../electron/core/workspace';
import { listPayouts, pollPayouts, submitPayouts, type PayoutChannel } from '../../electron/core/payouts';
import { writeSetting } from '../../electron/core/workspace/secrets';
import { balanceFen, cancelCommission, DAY_MS, putCommission, putMallDocument, putMember, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const admin: Actor = { userName: 'admin', role: 'admin' };
const finance: Actor = { userName: 'fin', role: 'finance' };
let harness: PayoutsHarness;

beforeEach(async () => {
  harness = await startPayoutsHarness();
  for (const id of ['m_1', 'm_2', 'm_3']) putMember(harness.workspace, id);
});
afterEach(async () => {
  await harness.close();
});

function outboxRows(kind: string): { idempotency_key: string; body_json: string }[] {
  return harness.workspace.sqlite.prepare(`SELECT idempotency_key, body_json FROM mall_outbox WHERE kind = ? ORDER BY id`).all(kind) as { idempotency_key: string; body_json: string }[];
}

describe('commission basis', () => {
  it('recomputes basis x rate half-up and flags the mall amount when it differs', () => {
    const honest = putCommission(harness.workspace, { distributorId: 'm_1', basis: '99.90', rate: '0.05', amount: '5.00' }); // 4.995 -> 5.00
    const off = putCommission(harness.workspace, { distributorId: 'm_1', basis: '99.90', rate: '0.05', amount: '4.99' });
    const rows = listCommissionBasis(harness.workspace.sqlite, { distributorId: 'm_1' });
    expect(rows.find((row) => row.commissionId === honest)).toMatchObject({ basisFen: 9990, rate: '0.05', level: 1, mallAmountFen: 500, computedAmountFen: 500, flagged: false });
    expect(rows.find((row) => row.commissionId === off)).toMatchObject({ computedAmountFen: 500, differenceFen: -1, flagged: true, flagReason: /differs .* by -1 fen/ });
    expect(listCommissionBasis(harness.workspace.sqlite, { flaggedOnly: true }).map((row) => row.commissionId)).toEqual([off]);
  });

  it('flags unreadable values instead of crashing', () => {
    putCommission(harness.workspace, { distributorId: 'm_2', basis: '12.345', rate: 'abc', amount: '1.00', accrue: false });
    const [row] = listCommissionBasis(harness.workspace.sqlite, { distributorId: 'm_2' });
    expect(row).toMatchObject({ flagged: true, basisFen: null, computedAmountFen: null, flagReason: /basis "12.345"/ });
  });
});

describe('settlement', () => {
  it('groups per distributor, sums exactly, posts Dr 2204 / Cr 2206 and links every commission', () => {
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '33.33', rate: '0.03', amount: '1.00' }); // 0.9999 -> 1.00
    putCommission(harness.workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
    putCommission(harness.workspace, { distributorId: 'm_3', basis: '500.00', rate: '0.05', amount: '25.00', status: 'pending' });
    // Settleable after the cycle's cutoff (Monday 00:00): next cycle.
    putCommission(harness.workspace, { distributorId: 'm_3', basis: '100.00', rate: '0.05', amount: '5.00', settleableAt: '2026-10-12T00:00:00+08:00' });
    const result = runSettlement(harness.workspace, finance);
    expect(result.settlementNo).toBe('S2026101101');
    expect(result.cycle).toEqual({ start: '2026-10-05', end: '2026-10-11', cutoffAt: '2026-10-12T00:00:00+08:00' });
    expect(result.payouts.map((payout) => [payout.partyId, payout.amountFen, payout.commissionCount, payout.outBillNo, payout.state])).toEqual([
      ['m_1', 1100, 2, expect.stringMatching(/^S2026101101H[0-9A-F]{20}$/), 'created'],
      ['m_2', 1000, 1, expect.stringMatching(/^S2026101101H[0-9A-F]{20}$/), 'created'],
    ]);
    expect(balanceFen(harness.workspace, '2204', 'm_1')).toBe(0);
    expect(balanceFen(harness.workspace, '2206')).toBe(2100);
    expect(balanceFen(harness.workspace, '2204', 'm_3')).toBe(500);
    const commissions = commissionsOfPayout(harness.workspace.sqlite, result.payouts[0].outBillNo);
    expect(commissions.map((row) => row.mallAmountFen)).toEqual([1000, 100]);
    // Each commission carries its own payout entry next to its accrual (what the sync reads as "paid out").
    const entries = entriesForSource(harness.workspace.sqlite, 'commissions', commissions[0].commissionId);
    expect(entries.map((entry) => [entry.entryType, entry.memo?.includes(result.payouts[0].outBillNo) ?? false])).toEqual([
      ['commission_accrual', false],
      ['commission_payout', true],
    ]);
    expect(verifyWorkspace(harness.workspace.sqlite).ok).toBe(true);
  });

  it('the same distributor in the same settlement always gets the same out_bill_no', () => {
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
    const first = runSettlement(harness.workspace, finance).payouts[0].outBillNo;
    expect(first).toMatch(/^S2026101101H/);
    expect(listPayouts(harness.workspace.sqlite, { settlementNo: 'S2026101101' })[0].outBillNo).toBe(first);
  });

  it('never settles a commission twice: a second run of the cycle and the next cycle find nothing new', () => {
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
    expect(runSettlement(harness.workspace, finance).payouts).toHaveLength(1);
    const again = runSettlement(harness.workspace, finance);
    expect(again.settlementNo).toBe('S2026101102');
    expect(again.payouts).toEqual([]);
    harness.clock.advance(7 * DAY_MS);
    expect(runSettlement(harness.workspace, finance).payouts).toEqual([]);
    expect(balanceFen(harness.workspace, '2206')).toBe(1000);
  });

  it('carries an amount under the minimum over to the next cycle, where it is paid with the new commissions', () => {
    writeSetting(harness.workspace.sqlite, PAYOUT_MINIMUM_SETTING, 500, 'admin', harness.clock.now());
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '10.00', rate: '0.3', amount: '3.00' });
    const first = runSettlement(harness.workspace, finance);
    expect(first.payouts).toEqual([]);
    expect(first.carriedOver).toEqual([{ distributorId: 'm_1', amountFen: 300, commissionCount: 1 }]);
    expect(balanceFen(harness.workspace, '2204', 'm_1')).toBe(300);
    harness.clock.advance(7 * DAY_MS);
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '10.00', rate: '0.3', amount: '3.00', settleableAt: '2026-10-14T10:00:00+08:00' });
    const second = runSettlement(harness.workspace, finance);
    expect(second.cycle.end).toBe('2026-10-18');
    expect(second.payouts.map((payout) => [payout.amountFen, payout.commissionCount])).toEqual([[600, 2]]);
  });

  it('holds flagged commissions and commissions whose accrual is missing or reversed', () => {
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '99.90', rate: '0.05', amount: '4.99' });
    putCommission(harness.workspace, { distributorId: 'm_2', basis: '100.00', rate: '0.1', amount: '10.00', accrue: false });
    const result = runSettlement(harness.workspace, finance);
    expect(result.payouts).toEqual([]);
    expect(result.held).toEqual([expect.objectContaining({ distributorId: 'm_1', reason: expect.stringMatching(/differs/) })]);
  });

  it('refuses users without settlement rights and cycle ends that are not cycle ends', () => {
    expect(() => runSettlement(harness.workspace, { userName: 'ops', role: 'operations' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => runSettlement(harness.workspace, admin, { cycleEnd: '2026-10-10' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });
});

describe('payouts through the WeChat simulator', () => {
  function settleThree(): string {
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
    putCommission(harness.workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
    putCommission(harness.workspace, { distributorId: 'm_3', basis: '300.00', rate: '0.05', amount: '15.00' });
    return runSettlement(harness.workspace, finance).settlementNo;
  }

  it('pays: Dr 2206 / Cr 1121, writes the settlement back, and the mall sees one transfer each', async () => {
    const settlementNo = settleThree();
    const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(payouts.map((payout) => payout.state)).toEqual(['success', 'success', 'success']);
    expect(harness.simulator.transfers.size).toBe(3);
    expect(balanceFen(harness.workspace, '2206')).toBe(0);
    expect(balanceFen(harness.workspace, '1121')).toBe(-3500);
    const writes = outboxRows('commission_settlement');
    expect(writes).toHaveLength(3);
    expect(JSON.parse(writes[0].body_json)).toMatchObject({ settlement_no: payouts[0].outBillNo, amount: '10.00', status: 'paid', commission_ids: [expect.any(String)] });
    // Submitting again sends nothing: every payout is booked.
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(harness.simulator.transfers.size).toBe(3);
    const [row] = listCommissionBasis(harness.workspace.sqlite, { distributorId: 'm_1' });
    expect(row.payout).toMatchObject({ state: 'success', settlementNo });
    expect(verifyWorkspace(harness.workspace.sqlite).ok).toBe(true);
  });

  it('a failed transfer returns the money to 2204 and its commissions to the next cycle', async () => {
    const settlementNo = settleThree();
    const m2 = listPayouts(harness.workspace.sqlite, { partyId: 'm_2' })[0].outBillNo;
    harness.simulator.setBehaviour({ failByOutNumber: { [m2]: 'PAYEE_ACCOUNT_ABNORMAL' } });
    const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(payouts.map((payout) => [payout.partyId, payout.state])).toEqual([
      ['m_1', 'success'],
      ['m_2', 'failed'],
      ['m_3', 'success'],
    ]);
    expect(payouts[1].failureReason).toBe('PAYEE_ACCOUNT_ABNORMAL');
    expect(balanceFen(harness.workspace, '2204', 'm_2')).toBe(1000);
    expect(balanceFen(harness.workspace, '2206')).toBe(0);
    expect(outboxRows('commission_settlement')).toHaveLength(2);
    harness.clock.advance(7 * DAY_MS);
    harness.simulator.setBehaviour({ failByOutNumber: {} });
    const next = runSettlement(harness.workspace, finance);
    expect(next.payouts.map((payout) => [payout.partyId, payout.amountFen])).toEqual([['m_2', 1000]]);
    expect(next.payouts[0].outBillNo).not.toBe(m2);
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo: next.settlementNo });
    expect(balanceFen(harness.workspace, '2204', 'm_2')).toBe(0);
  });

  it('an unconfirmed transfer expires after 24 h: the money goes back', async () => {
    const settlementNo = settleThree();
    harness.simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(payouts.map((payout) => payout.state)).toEqual(['wait_user_confirm', 'wait_user_confirm', 'wait_user_confirm']);
    expect(harness.simulator.confirmByUser(payouts[0].outBillNo)).toBe(true);
    harness.clock.advance(DAY_MS + 1000);
    const polled = await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(polled.payouts.map((payout) => payout.state)).toEqual(['success', 'expired', 'expired']);
    expect(balanceFen(harness.workspace, '2204', 'm_2')).toBe(1000);
    expect(balanceFen(harness.workspace, '2204', 'm_3')).toBe(1500);
    expect(balanceFen(harness.workspace, '2206')).toBe(0);
    expect(balanceFen(harness.workspace, '1121')).toBe(-1000);
  });

  it('crash between send and response: the next run queries, finds the transfer, and never sends it again', async () => {
    const settlementNo = settleThree();
    const real = harness.channels().wechat!;
    // The process "dies" after the channel sent everything and before any answer was stored.
    const crashing: PayoutChannel = { ...real, submit: async (requests, context) => { await real.submit(requests, context); throw new Error('process killed'); } };
    await expect(submitPayouts(harness.workspace, 'fin', { ...harness.channels(), wechat: crashing }, { settlementNo })).rejects.toThrow('process killed');
    expect(listPayouts(harness.workspace.sqlite).map((payout) => [payout.state, payout.attemptCount])).toEqual([
      ['created', 1],
      ['created', 1],
      ['created', 1],
    ]);
    harness.reopen();
    const polled = await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(polled.payouts.map((payout) => payout.state)).toEqual(['success', 'success', 'success']);
    await submitPayouts(harness.workspace, 'fin', harness.channels());
    expect(harness.simulator.transfers.size).toBe(3);
    expect(balanceFen(harness.workspace, '2206')).toBe(0);
  });

  it('an accepted create that is never answered is resolved through the query endpoint: one transfer', async () => {
    const settlementNo = settleThree();
    harness.simulator.setBehaviour({ hangAfterCreateRemaining: 3 });
    const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels({ timeoutMs: 300, retryCountMax: 0 }), { settlementNo });
    expect(payouts.map((payout) => payout.state)).toEqual(['success', 'success', 'success']);
    expect(harness.simulator.transfers.size).toBe(3);
  });

  it('an unknown outcome stays created, is queried first on the next submit and sent once', async () => {
    const settlementNo = settleThree();
    harness.simulator.setBehaviour({ httpFailure: { status: 500, remaining: 100 } });
    const first = await submitPayouts(harness.workspace, 'fin', harness.channels({ retryCountMax: 0 }), { settlementNo });
    expect(first.payouts.map((payout) => payout.state)).toEqual(['created', 'created', 'created']);
    expect(harness.simulator.transfers.size).toBe(0);
    harness.simulator.setBehaviour({ httpFailure: null });
    const second = await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(second.payouts.map((payout) => [payout.state, payout.attemptCount])).toEqual([
      ['success', 2],
      ['success', 2],
      ['success', 2],
    ]);
    expect(harness.simulator.transfers.size).toBe(3);
  });

  it('a commission cancelled after payout leaves a visible clawback on 1221', async () => {
    const settlementNo = settleThree();
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    const [commission] = listCommissionBasis(harness.workspace.sqlite, { distributorId: 'm_3' });
    cancelCommission(harness.workspace, commission.commissionId);
    const clawbacks = postCommissionClawbacks(harness.workspace, 'fin');
    expect(clawbacks).toEqual([expect.objectContaining({ commissionId: commission.commissionId, distributorId: 'm_3', amountFen: 1500, skipped: null })]);
    expect(balanceFen(harness.workspace, '1221', 'm_3')).toBe(1500);
    expect(entriesForSource(harness.workspace.sqlite, 'commissions', commission.commissionId).map((entry) => entry.entryType)).toEqual(['commission_accrual', 'commission_payout', 'commission_clawback']);
    expect(postCommissionClawbacks(harness.workspace, 'fin')).toEqual([]);
    expect(listCommissionBasis(harness.workspace.sqlite, { distributorId: 'm_3' })[0].clawbackEntryId).toBe(clawbacks[0].entryId);
  });

  it('a commission cancelled while its payout is in flight is not clawed back when the payout fails', async () => {
    const settlementNo = settleThree();
    harness.simulator.setBehaviour({ outcome: 'fail' });
    const [commission] = listCommissionBasis(harness.workspace.sqlite, { distributorId: 'm_3' });
    cancelCommission(harness.workspace, commission.commissionId);
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(postCommissionClawbacks(harness.workspace, 'fin')).toEqual([]);
    expect(balanceFen(harness.workspace, '1221')).toBe(0);
  });

  it('drills from a commission to its order line', () => {
    const id = putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
    putMallDocument(harness.workspace, 'orders', { id: `o_${id}`, order_no: 'NO1', status: 'completed', paid_at: '2026-09-20T10:00:00+08:00', lines: [{ line_id: `l_${id}`, sku: 'SKU1', name: '茶叶', quantity: 1, amount: '100.00' }] });
    expect(commissionOrderLine(harness.workspace.sqlite, id)).toMatchObject({ order: { orderNo: 'NO1' }, line: { sku: 'SKU1', amount: '100.00' }, commission: { basisFen: 10000 } });
    expect(commissionOrderLine(harness.workspace.sqlite, 'nope')).toBeNull();
  });
});

describe('payouts through the legacy batches API', () => {
  it('records each batch in the workspace before sending; a re-run re-sends nothing', async () => {
    await harness.close();
    harness = await startPayoutsHarness({ api: 'batches' });
    for (const id of ['m_1', 'm_2']) putMember(harness.workspace, id);
    putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
    putCommission(harness.workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
    const { settlementNo } = runSettlement(harness.workspace, finance);
    const submitted = await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(submitted.payouts.map((payout) => payout.state)).toEqual(['accepted', 'accepted']);
    expect(harness.workspace.sqlite.prepare(`SELECT out_batch_no FROM payout_batch_members`).all()).toEqual([{ out_batch_no: `${settlementNo}P001` }, { out_batch_no: `${settlementNo}P001` }]);
    harness.reopen();
    const polled = await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(polled.payouts.map((payout) => payout.state)).toEqual(['success', 'success']);
    expect(harness.simulator.batches.size).toBe(1);
    expect(balanceFen(harness.workspace, '2206')).toBe(0);
  });
});
