import { yuanToFen } from '../../electron/core/money';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth/users';
import { entriesForSource } from '../../electron/core/ledger/read';
import type { MallWithdrawal } from '../../electron/core/mall/contract/types';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { createMallClient, flushOutbox, syncFromMall } from '../../electron/core/mall/sync';
import { listPayouts, submitPayouts } from '../../electron/core/payouts';
import { findWithdrawal, isReviewedInLedgerdesk, listWithdrawals, reviewWithdrawal } from '../../electron/core/withdrawals';
import { listAudit } from '../../electron/core/audit/audit-log';
import { verifyWorkspace } from '../../electron/core/workspace';
import { balanceFen, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const token = 'demo-token-for-withdrawal-tests';
const ops: Actor = { userName: 'ops', role: 'operations' };
const fin: Actor = { userName: 'fin', role: 'finance' };
let dataset: MallDataset;
let mall: DemoMall;
let harness: PayoutsHarness;

beforeAll(() => {
  dataset = generateMallDataset({ seed: 20261, month: '2026-10', orderCount: 400 });
});

beforeEach(async () => {
  mall = await startDemoMall({ dataset: structuredClone(dataset), token });
  harness = await startPayoutsHarness({ start: '2026-11-03T02:00:00Z', booksStartDate: '2026-10-01' });
  await sync();
});

afterEach(async () => {
  await mall.close();
  await harness.close();
});

afterAll(() => undefined);

function sync() {
  return syncFromMall(harness.workspace, { url: mall.url, token, actorName: 'admin', pageSize: 200, client: { sleep: async () => undefined, timeoutMs: 2000 } });
}

function flush() {
  return flushOutbox(harness.workspace.sqlite, createMallClient({ url: mall.url, token, sleep: async () => undefined }), { now: harness.clock.now });
}

function submitted(predicate: (withdrawal: MallWithdrawal) => boolean): MallWithdrawal {
  const found = dataset.withdrawals.find((withdrawal) => withdrawal.status === 'submitted' && predicate(withdrawal));
  if (!found) throw new Error('the demo dataset has no such withdrawal');
  return found;
}

const small = () => submitted((withdrawal) => withdrawal.method === 'wechat' && withdrawal.payee_openid !== null && yuanToFen(withdrawal.amount) < 1_000_000);
const large = () => submitted((withdrawal) => yuanToFen(withdrawal.amount) >= 1_000_000);

function memberLedger(withdrawal: MallWithdrawal): number {
  return balanceFen(harness.workspace, withdrawal.source === 'balance' ? '2203' : '2204', withdrawal.member_id);
}

describe('withdrawal review tiers', () => {
  it('lists synced withdrawals with their review state', () => {
    const all = listWithdrawals(harness.workspace.sqlite);
    expect(all).toHaveLength(dataset.withdrawals.length);
    expect(listWithdrawals(harness.workspace.sqlite, { status: 'submitted' }).length).toBe(dataset.withdrawals.filter((withdrawal) => withdrawal.status === 'submitted').length);
  });

  it('operations then finance, two different people; auditors and clerks cannot act', () => {
    const withdrawal = small();
    const no = withdrawal.withdrawal_no;
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'aud', role: 'auditor' }, { withdrawalNo: no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'clerk', role: 'clerk' }, { withdrawalNo: no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'admin', role: 'admin' }, { withdrawalNo: no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => reviewWithdrawal(harness.workspace, fin, { withdrawalNo: no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'conflict', message: expect.stringMatching(/tier 1\) first/) }));
    expect(reviewWithdrawal(harness.workspace, ops, { withdrawalNo: no, decision: 'approve' })).toMatchObject({ status: 'tier1_approved', tier: 1 });
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'ops2', role: 'operations' }, { withdrawalNo: no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    // The tier-1 reviewer, later given the finance role, still cannot decide tier 2.
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'ops', role: 'finance' }, { withdrawalNo: no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'segregation_of_duties' }));
    const before = memberLedger(withdrawal);
    const approved = reviewWithdrawal(harness.workspace, fin, { withdrawalNo: no, decision: 'approve', note: '核对无误' });
    expect(approved).toMatchObject({ status: 'approved', tier: 2, outBillNo: `W${no}`, history: null });
    expect(memberLedger(withdrawal)).toBe(before - yuanToFen(withdrawal.amount));
    expect(findWithdrawal(harness.workspace.sqlite, no)).toMatchObject({ status: 'approved', tier1By: 'ops', tier2By: 'fin' });
    expect(isReviewedInLedgerdesk(harness.workspace.sqlite, withdrawal.id)).toBe(true);
    expect(() => reviewWithdrawal(harness.workspace, fin, { withdrawalNo: no, decision: 'reject', note: 'x' })).toThrow(expect.objectContaining({ code: 'conflict' }));
    // listAudit is newest first.
    expect(listAudit(harness.workspace.sqlite, { objectType: 'withdrawal', objectId: no }).reverse().map((row) => [row.action, row.userName])).toEqual([
      ['withdrawal.review.tier1.approve', 'ops'],
      ['withdrawal.review.tier2.approve', 'fin'],
    ]);
  });

  it('at or above 10,000.00 finance must confirm the verified real name and is shown the history', () => {
    const withdrawal = large();
    reviewWithdrawal(harness.workspace, ops, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve' });
    let refusal: unknown;
    try {
      reviewWithdrawal(harness.workspace, fin, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/--confirm-identity/), details: { real_name: withdrawal.real_name, history: { memberId: withdrawal.member_id } } });
    expect(findWithdrawal(harness.workspace.sqlite, withdrawal.withdrawal_no)?.status).toBe('tier1_approved');
    expect(entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id)).toEqual([]);
    const approved = reviewWithdrawal(harness.workspace, fin, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve', confirmIdentity: true });
    expect(approved.status).toBe('approved');
    expect(approved.history?.commissionCount).toBeGreaterThan(0);
    expect(approved.history?.withdrawals.map((item) => item.withdrawalNo)).toContain(withdrawal.withdrawal_no);
    const audit = listAudit(harness.workspace.sqlite, { objectType: 'withdrawal', objectId: withdrawal.withdrawal_no })[0];
    expect(audit.detail).toMatchObject({ identityConfirmed: true, historyShown: { commissions: approved.history!.commissionCount } });
  });

  it('a rejection needs a reason, leaves the money with the member and is written back', async () => {
    const withdrawal = small();
    const before = memberLedger(withdrawal);
    expect(() => reviewWithdrawal(harness.workspace, ops, { withdrawalNo: withdrawal.withdrawal_no, decision: 'reject' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(reviewWithdrawal(harness.workspace, ops, { withdrawalNo: withdrawal.withdrawal_no, decision: 'reject', note: '收款账户异常' }).status).toBe('rejected');
    expect(memberLedger(withdrawal)).toBe(before);
    await flush();
    const write = mall.writes.find((one) => one.path === `/v1/withdrawals/${withdrawal.id}/decision`)!;
    expect(write).toMatchObject({ idempotencyKey: `withdrawal-decision-${withdrawal.id}`, status: 200, body: { decision: 'reject', reviewed_by: ['ops'], note: '收款账户异常' } });
    await sync();
    expect(entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id)).toEqual([]);
  });

  it('refuses unknown withdrawals and those the mall no longer has as submitted', async () => {
    expect(() => reviewWithdrawal(harness.workspace, ops, { withdrawalNo: 'WD-NOPE', decision: 'approve' })).toThrow(expect.objectContaining({ code: 'not_found' }));
    const decided = small();
    mall.mutate('withdrawals', decided.id, { status: 'cancelled' });
    await sync();
    expect(() => reviewWithdrawal(harness.workspace, ops, { withdrawalNo: decided.withdrawal_no, decision: 'approve' })).toThrow(expect.objectContaining({ code: 'conflict' }));
  });
});

describe('approved withdrawals are paid and written back to the mall', () => {
  function approve(withdrawal: MallWithdrawal): void {
    reviewWithdrawal(harness.workspace, ops, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve' });
    reviewWithdrawal(harness.workspace, fin, { withdrawalNo: withdrawal.withdrawal_no, decision: 'approve', confirmIdentity: true });
  }

  it('pays through WeChat, writes decision and result with Idempotency-Key, and the next sync posts nothing twice', async () => {
    const withdrawal = small();
    approve(withdrawal);
    const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels());
    expect(payouts.map((payout) => [payout.outBillNo, payout.state])).toEqual([[`W${withdrawal.withdrawal_no}`, 'success']]);
    expect(harness.simulator.transfers.get(`W${withdrawal.withdrawal_no}`)?.amountFen).toBe(yuanToFen(withdrawal.net_amount));
    expect(balanceFen(harness.workspace, '2206', withdrawal.member_id)).toBe(0);
    expect(findWithdrawal(harness.workspace.sqlite, withdrawal.withdrawal_no)?.status).toBe('paid');
    expect(await flush()).toMatchObject({ sent: 2, failed: 0 });
    const writes = mall.writes.filter((one) => one.path.startsWith(`/v1/withdrawals/${withdrawal.id}/`));
    expect(writes.map((one) => [one.path.split('/').pop(), one.idempotencyKey, one.status, (one.body as { decision?: string; status?: string }).decision ?? (one.body as { status: string }).status])).toEqual([
      ['decision', `withdrawal-decision-${withdrawal.id}`, 200, 'approve'],
      ['payout-result', `withdrawal-payout-W${withdrawal.withdrawal_no}`, 200, 'paid'],
    ]);
    expect((writes[0].body as { reviewed_by: string[] }).reviewed_by).toEqual(['ops', 'fin']);
    // The mall now reports it paid; the sync finds our approval and payment and posts nothing.
    const entriesBefore = entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id).map((entry) => entry.entryNo);
    await sync();
    expect(entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id).map((entry) => entry.entryNo)).toEqual(entriesBefore);
    expect(entriesForSource(harness.workspace.sqlite, 'withdrawals', withdrawal.id).map((entry) => entry.entryType)).toEqual(['withdrawal_approved', 'withdrawal_paid']);
    expect(verifyWorkspace(harness.workspace.sqlite).ok).toBe(true);
  });

  it('a failed payout returns the money to the member and reports the failure', async () => {
    const withdrawal = small();
    const before = memberLedger(withdrawal);
    approve(withdrawal);
    harness.simulator.setBehaviour({ outcome: 'fail', failReason: 'ACCOUNT_FROZEN' });
    const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels());
    expect(payouts[0]).toMatchObject({ state: 'failed', failureReason: 'ACCOUNT_FROZEN' });
    expect(memberLedger(withdrawal)).toBe(before);
    expect(balanceFen(harness.workspace, '2206', withdrawal.member_id)).toBe(0);
    expect(findWithdrawal(harness.workspace.sqlite, withdrawal.withdrawal_no)?.status).toBe('failed');
    await flush();
    const result = mall.writes.find((one) => one.path === `/v1/withdrawals/${withdrawal.id}/payout-result`)!;
    expect(result).toMatchObject({ status: 200, idempotencyKey: `withdrawal-payout-W${withdrawal.withdrawal_no}`, body: { status: 'failed', failure_reason: 'failed: ACCOUNT_FROZEN' } });
    await sync();
    expect(memberLedger(withdrawal)).toBe(before);
    expect(listPayouts(harness.workspace.sqlite)).toHaveLength(1);
  });
});
