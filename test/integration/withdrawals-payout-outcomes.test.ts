/**
 * Withdrawals from review to the money's end: the threshold at its boundary and as configured,
 * and the payout outcomes that send the money back to the member's sub-ledger (an unconfirmed
 * transfer cancelled or expired), plus a crash between send and answer (paid once).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth/users';
import { chartOfAccounts } from '../../electron/core/ledger/accounts';
import { postEntry } from '../../electron/core/ledger/post';
import { openingBalanceEntry } from '../../electron/core/ledger/rules/opening';
import { fen } from '../../electron/core/money';
import { cancelUnconfirmedPayouts, listPayouts, pollPayouts, submitPayouts, type PayoutChannel } from '../../electron/core/payouts';
import { findWithdrawal, IDENTITY_THRESHOLD_SETTING, reviewWithdrawal } from '../../electron/core/withdrawals';
import { verifyWorkspace } from '../../electron/core/workspace';
import { writeSetting } from '../../electron/core/workspace/secrets';
import { balanceFen, DAY_MS, putMallDocument, putMember, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const ops: Actor = { userName: 'ops', role: 'operations' };
const finance: Actor = { userName: 'fin', role: 'finance' };
const MEMBER_BALANCE = chartOfAccounts.memberBalance.code;
const IN_TRANSIT = chartOfAccounts.payoutsInTransit.code;
const HOUR_MS = 60 * 60 * 1000;
let harness: PayoutsHarness;

beforeEach(async () => {
  harness = await startPayoutsHarness();
  putMember(harness.workspace, 'm_1');
  // ¥50,000.00 withdrawable at the books start.
  const opening = openingBalanceEntry('2026-09-01T00:00:00+08:00', [{ memberId: 'm_1', storedValueFen: fen(0), balanceFen: fen(5_000_000), commissionFen: fen(0), points: 0 }]);
  postEntry(harness.workspace.postingContext('admin'), opening!);
});
afterEach(async () => {
  await harness.close();
});

/** A WeChat withdrawal of m_1 as the sync stores it (submitted in the mall). */
function submittedWithdrawal(withdrawalNo: string, amount: string): string {
  putMallDocument(
    harness.workspace,
    'withdrawals',
    {
      id: `w_${withdrawalNo}`,
      withdrawal_no: withdrawalNo,
      member_id: 'm_1',
      source: 'balance',
      amount,
      fee: '0.00',
      net_amount: amount,
      method: 'wechat',
      payee_openid: 'o_m_1',
      real_name: '姓名m_1',
      status: 'submitted',
      submitted_at: '2026-10-14T10:00:00+08:00',
    },
    { documentNo: withdrawalNo, partyId: 'm_1' },
  );
  return withdrawalNo;
}

function approved(withdrawalNo: string, amount: string): string {
  submittedWithdrawal(withdrawalNo, amount);
  reviewWithdrawal(harness.workspace, ops, { withdrawalNo, decision: 'approve' });
  return reviewWithdrawal(harness.workspace, finance, { withdrawalNo, decision: 'approve', confirmIdentity: true }).outBillNo!;
}

function outboxBodies(): Record<string, unknown>[] {
  const rows = harness.workspace.sqlite.prepare(`SELECT body_json FROM mall_outbox WHERE kind = 'withdrawal_payout_result' ORDER BY id`).all() as { body_json: string }[];
  return rows.map((row) => JSON.parse(row.body_json) as Record<string, unknown>);
}

function expectVerified(): void {
  const verified = verifyWorkspace(harness.workspace.sqlite);
  expect(verified.ok, JSON.stringify(verified).slice(0, 2000)).toBe(true);
}

describe('the identity threshold', () => {
  it('9,999.99 is approved without the confirmation; 10,000.00 is not', () => {
    submittedWithdrawal('WD0001', '9999.99');
    submittedWithdrawal('WD0002', '10000.00');
    for (const no of ['WD0001', 'WD0002']) reviewWithdrawal(harness.workspace, ops, { withdrawalNo: no, decision: 'approve' });
    expect(reviewWithdrawal(harness.workspace, finance, { withdrawalNo: 'WD0001', decision: 'approve' }).status).toBe('approved');
    expect(() => reviewWithdrawal(harness.workspace, finance, { withdrawalNo: 'WD0002', decision: 'approve' })).toThrow(expect.objectContaining({ code: 'invalid_input', message: expect.stringMatching(/confirm/) }));
    expect(findWithdrawal(harness.workspace.sqlite, 'WD0002')?.status).toBe('tier1_approved');
    expect(reviewWithdrawal(harness.workspace, finance, { withdrawalNo: 'WD0002', decision: 'approve', confirmIdentity: true }).status).toBe('approved');
  });

  it('follows the configured threshold', () => {
    writeSetting(harness.workspace.sqlite, IDENTITY_THRESHOLD_SETTING, 50_000, 'admin', harness.clock.now());
    submittedWithdrawal('WD0003', '500.00');
    reviewWithdrawal(harness.workspace, ops, { withdrawalNo: 'WD0003', decision: 'approve' });
    expect(() => reviewWithdrawal(harness.workspace, finance, { withdrawalNo: 'WD0003', decision: 'approve' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
  });

  it('one person never decides both tiers, whatever roles they hold; an auditor decides neither', () => {
    submittedWithdrawal('WD0004', '100.00');
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'aud', role: 'auditor' }, { withdrawalNo: 'WD0004', decision: 'approve' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    reviewWithdrawal(harness.workspace, ops, { withdrawalNo: 'WD0004', decision: 'approve' });
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'ops', role: 'finance' }, { withdrawalNo: 'WD0004', decision: 'approve', confirmIdentity: true })).toThrow(expect.objectContaining({ code: 'segregation_of_duties' }));
    expect(() => reviewWithdrawal(harness.workspace, { userName: 'aud', role: 'auditor' }, { withdrawalNo: 'WD0004', decision: 'reject', note: 'x' })).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(findWithdrawal(harness.workspace.sqlite, 'WD0004')).toMatchObject({ status: 'tier1_approved', tier1By: 'ops', tier2By: null });
  });
});

describe('payout outcomes of an approved withdrawal', () => {
  it('an unconfirmed transfer cancelled by policy returns the money to the member and reports the failure to the mall', async () => {
    const before = balanceFen(harness.workspace, MEMBER_BALANCE, 'm_1');
    const outBillNo = approved('WD0010', '300.00');
    expect(balanceFen(harness.workspace, MEMBER_BALANCE, 'm_1')).toBe(before - 30_000);
    harness.simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    await submitPayouts(harness.workspace, 'fin', harness.channels());
    harness.clock.advance(23 * HOUR_MS);
    const { payouts } = await cancelUnconfirmedPayouts(harness.workspace, 'fin', harness.channels(), { afterMinutes: 23 * 60 });
    expect(payouts.map((payout) => [payout.outBillNo, payout.state])).toEqual([[outBillNo, 'cancelled']]);
    expect(balanceFen(harness.workspace, MEMBER_BALANCE, 'm_1')).toBe(before);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    expect(findWithdrawal(harness.workspace.sqlite, 'WD0010')?.status).toBe('failed');
    expect(outboxBodies()).toEqual([expect.objectContaining({ status: 'failed', failure_reason: expect.stringMatching(/^cancelled/) })]);
    expectVerified();
  });

  it('an unconfirmed transfer WeChat expires after 24 h does the same, booked as expired', async () => {
    const before = balanceFen(harness.workspace, MEMBER_BALANCE, 'm_1');
    approved('WD0011', '300.00');
    harness.simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    await submitPayouts(harness.workspace, 'fin', harness.channels());
    harness.clock.advance(DAY_MS + 60_000);
    const { payouts } = await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(payouts.map((payout) => payout.state)).toEqual(['expired']);
    expect(balanceFen(harness.workspace, MEMBER_BALANCE, 'm_1')).toBe(before);
    expect(outboxBodies()).toEqual([expect.objectContaining({ status: 'failed', failure_reason: expect.stringMatching(/^expired/) })]);
    expectVerified();
  });

  it('crash between send and answer: the restart queries, books the payment once, and never sends it again', async () => {
    const outBillNo = approved('WD0012', '300.00');
    const real = harness.channels().wechat!;
    const crashing: PayoutChannel = { ...real, submit: async (requests, context) => { await real.submit(requests, context); throw new Error('process killed'); } };
    await expect(submitPayouts(harness.workspace, 'fin', { ...harness.channels(), wechat: crashing })).rejects.toThrow('process killed');
    expect(listPayouts(harness.workspace.sqlite).map((payout) => [payout.state, payout.attemptCount])).toEqual([['created', 1]]);
    harness.reopen();
    await submitPayouts(harness.workspace, 'fin', harness.channels());
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(listPayouts(harness.workspace.sqlite).map((payout) => [payout.outBillNo, payout.state])).toEqual([[outBillNo, 'success']]);
    expect(harness.simulator.transfers.size).toBe(1);
    // The crashed create and one query on restart: nothing was sent a second time.
    expect(harness.simulator.requestCount).toBe(2);
    expect([...harness.simulator.transfers.values()][0].amountFen).toBe(30_000);
    expect(outboxBodies()).toEqual([expect.objectContaining({ status: 'paid' })]);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    expectVerified();
  });
});
