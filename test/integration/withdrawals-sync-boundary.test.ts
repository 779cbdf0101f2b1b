import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth/users';
import { entriesForSource } from '../../electron/core/ledger/read';
import { generateMallDataset, startDemoMall, type DemoMall } from '../../electron/core/mall/demo';
import { syncFromMall } from '../../electron/core/mall/sync';
import { yuanToFen } from '../../electron/core/money';
import { reviewWithdrawal } from '../../electron/core/withdrawals';
import { verifyWorkspace } from '../../electron/core/workspace';
import { startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const token = 'demo-token-boundary';
const ops: Actor = { userName: 'ops', role: 'operations' };
const fin: Actor = { userName: 'fin', role: 'finance' };
let mall: DemoMall;
let harness: PayoutsHarness;
const dataset = generateMallDataset({ seed: 20261, month: '2026-10', orderCount: 400 });

beforeEach(async () => {
  mall = await startDemoMall({ dataset: structuredClone(dataset), token });
  harness = await startPayoutsHarness({ start: '2026-11-03T02:00:00Z', booksStartDate: '2026-10-01' });
  await sync();
});
afterEach(async () => {
  await mall.close();
  await harness.close();
});

function sync() {
  return syncFromMall(harness.workspace, { url: mall.url, token, actorName: 'admin', pageSize: 200, client: { sleep: async () => undefined, timeoutMs: 2000 } });
}

describe('a withdrawal approved in Ledgerdesk before the mall hears of it', () => {
  it('verifies, and a sync that still sees it submitted neither reverses nor doubles the approval', async () => {
    const withdrawal = dataset.withdrawals.find((candidate) => candidate.status === 'submitted' && yuanToFen(candidate.amount) < 1_000_000)!;
    reviewWithdrawal(harness.workspace, ops, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve' });
    reviewWithdrawal(harness.workspace, fin, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve' });
    const approved = entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id).map((entry) => entry.entryNo);
    expect(approved.length).toBeGreaterThan(0);
    // The write-back has not been sent: the mall's copy still says submitted.
    const report = verifyWorkspace(harness.workspace.sqlite);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    // The member edits something in the mall: a new version, still submitted, reaches the sync.
    mall.mutate('withdrawals', withdrawal.id, { real_name: withdrawal.real_name });
    const result = await sync();
    expect(result.fetched.withdrawals).toBeGreaterThanOrEqual(1);
    expect(entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id).map((entry) => entry.entryNo)).toEqual(approved);
    expect(verifyWorkspace(harness.workspace.sqlite).ok).toBe(true);
  });
});
