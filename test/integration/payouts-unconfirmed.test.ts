/**
 * Transfers waiting for the payee (WAIT_USER_CONFIRM): cancelled by policy before WeChat's 24 h
 * expiry, or expired by WeChat; either way the money returns to commission payable and the
 * commissions are paid by the next cycle. One movable clock for the workspace and the simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth/users';
import { listAudit } from '../../electron/core/audit/audit-log';
import { runSettlement } from '../../electron/core/commissions';
import { chartOfAccounts } from '../../electron/core/ledger/accounts';
import {
  CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX,
  cancelUnconfirmedPayouts,
  listPayouts,
  pollPayouts,
  readCancelUnconfirmedAfterMinutes,
  submitPayouts,
  writeCancelUnconfirmedAfterMinutes,
} from '../../electron/core/payouts';
import { verifyWorkspace } from '../../electron/core/workspace';
import { balanceFen, DAY_MS, putCommission, putMember, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const finance: Actor = { userName: 'fin', role: 'finance' };
const admin: Actor = { userName: 'admin', role: 'admin' };
const HOUR_MS = 60 * 60 * 1000;
const COMMISSION_PAYABLE = chartOfAccounts.commissionPayable.code;
const IN_TRANSIT = chartOfAccounts.payoutsInTransit.code;
const WECHAT_CLEARING = chartOfAccounts.wechatClearing.code;
let harness: PayoutsHarness;

beforeEach(async () => {
  harness = await startPayoutsHarness();
  for (const id of ['m_1', 'm_2']) putMember(harness.workspace, id);
  putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
  putCommission(harness.workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
});
afterEach(async () => {
  await harness.close();
});

/** Settles the cycle and sends it; the simulator leaves every transfer waiting for the payee. */
async function sentAndUnconfirmed(): Promise<string[]> {
  const { settlementNo } = runSettlement(harness.workspace, finance);
  harness.simulator.setBehaviour({ outcome: 'wait_user_confirm' });
  const { payouts } = await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
  expect(payouts.map((payout) => payout.state)).toEqual(['wait_user_confirm', 'wait_user_confirm']);
  return payouts.map((payout) => payout.outBillNo);
}

function states(): string[] {
  return listPayouts(harness.workspace.sqlite).map((payout) => payout.state);
}

function expectVerified(): void {
  const verified = verifyWorkspace(harness.workspace.sqlite);
  expect(verified.ok, JSON.stringify(verified).slice(0, 2000)).toBe(true);
}

describe('the cancel policy for unconfirmed transfers', () => {
  it('is off by default, takes 1..1430 minutes, and refuses anything that would reach WeChat after its own expiry', () => {
    expect(readCancelUnconfirmedAfterMinutes(harness.workspace.sqlite)).toBeNull();
    writeCancelUnconfirmedAfterMinutes(harness.workspace, admin, 23 * 60);
    expect(readCancelUnconfirmedAfterMinutes(harness.workspace.sqlite)).toBe(1380);
    expect(CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX).toBe(1430);
    for (const bad of [0, -5, 1431, 24 * 60, 1.5, Number.NaN]) {
      expect(() => writeCancelUnconfirmedAfterMinutes(harness.workspace, admin, bad)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    }
    expect(readCancelUnconfirmedAfterMinutes(harness.workspace.sqlite)).toBe(1380);
    writeCancelUnconfirmedAfterMinutes(harness.workspace, admin, null);
    expect(readCancelUnconfirmedAfterMinutes(harness.workspace.sqlite)).toBeNull();
    expect(listAudit(harness.workspace.sqlite, { action: 'payouts.cancel_unconfirmed_policy' }).map((row) => row.detail)).toEqual([{ minutes: null }, { minutes: 1380 }]);
  });
});

describe('unconfirmed transfers', () => {
  it('with the policy at 23 h: nothing is cancelled before, every waiting transfer is cancelled at 23 h, the money returns and the next cycle pays it', async () => {
    writeCancelUnconfirmedAfterMinutes(harness.workspace, admin, 23 * 60);
    const [m1, m2] = await sentAndUnconfirmed();
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(2000);
    harness.clock.advance(22 * HOUR_MS);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(states()).toEqual(['wait_user_confirm', 'wait_user_confirm']);
    expect(harness.simulator.confirmByUser(m1)).toBe(true);

    harness.clock.advance(HOUR_MS);
    const requestsBefore = harness.simulator.requestCount;
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    // m_1 confirmed in time (paid); m_2 cancelled by us, before WeChat's 24 h: 'cancelled', not 'expired'.
    expect(states()).toEqual(['success', 'cancelled']);
    expect(harness.simulator.transfers.get(m2)?.state).toBe('CANCELLED');
    // Two queries (poll), one cancel and one query behind it for m_2; nothing for the paid m_1.
    expect(harness.simulator.requestCount - requestsBefore).toBe(4);
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE, 'm_2')).toBe(1000);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    expect(balanceFen(harness.workspace, WECHAT_CLEARING)).toBe(-1000);
    expect(listAudit(harness.workspace.sqlite, { action: 'payout.cancel' }).map((row) => [row.objectId, row.userName])).toEqual([[m2, 'fin']]);
    expect(listAudit(harness.workspace.sqlite, { action: 'payout.returned' }).map((row) => [row.objectId, (row.detail as { state: string }).state])).toEqual([[m2, 'cancelled']]);

    // The commission is free again: the next cycle pays it under a new number.
    harness.clock.advance(7 * DAY_MS);
    harness.simulator.setBehaviour({ outcome: 'success' });
    const next = runSettlement(harness.workspace, finance);
    expect(next.payouts.map((payout) => [payout.partyId, payout.amountFen, payout.commissionCount])).toEqual([['m_2', 1000, 1]]);
    expect(next.payouts[0].outBillNo).not.toBe(m2);
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo: next.settlementNo });
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE, 'm_2')).toBe(0);
    expect(balanceFen(harness.workspace, WECHAT_CLEARING)).toBe(-2000);
    expectVerified();
  });

  it('without the policy WeChat expires them after 24 h: booked as expired, money back, never cancelled by us', async () => {
    await sentAndUnconfirmed();
    harness.clock.advance(23 * HOUR_MS + 59 * 60_000);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(states()).toEqual(['wait_user_confirm', 'wait_user_confirm']);
    harness.clock.advance(2 * 60_000);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(states()).toEqual(['expired', 'expired']);
    expect(listAudit(harness.workspace.sqlite, { action: 'payout.cancel' })).toEqual([]);
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE)).toBe(2000);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    harness.clock.advance(7 * DAY_MS);
    expect(runSettlement(harness.workspace, finance).payouts.map((payout) => payout.partyId)).toEqual(['m_1', 'm_2']);
    expectVerified();
  });

  it('a cancel that loses the race against the payee confirming books the payment, not a return', async () => {
    const [m1] = await sentAndUnconfirmed();
    harness.clock.advance(23 * HOUR_MS);
    harness.simulator.setBehaviour({ confirmBeforeCancel: true });
    const { payouts } = await cancelUnconfirmedPayouts(harness.workspace, 'fin', harness.channels(), { afterMinutes: 23 * 60 });
    expect(payouts.map((payout) => [payout.outBillNo === m1, payout.state])).toEqual([
      [true, 'success'],
      [false, 'success'],
    ]);
    expect(balanceFen(harness.workspace, WECHAT_CLEARING)).toBe(-2000);
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE)).toBe(0);
    expect(listAudit(harness.workspace.sqlite, { action: 'payout.returned' })).toEqual([]);
    expectVerified();
  });

  it('a cancel WeChat is still processing (CANCELING) is not final: the next poll books the cancellation once', async () => {
    await sentAndUnconfirmed();
    harness.clock.advance(23 * HOUR_MS);
    harness.simulator.setBehaviour({ cancelingQueries: 2 });
    const first = await cancelUnconfirmedPayouts(harness.workspace, 'fin', harness.channels(), { afterMinutes: 60 });
    expect(first.payouts.map((payout) => [payout.state, payout.finishedAt])).toEqual([
      ['processing', null],
      ['processing', null],
    ]);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(2000);
    // Not waiting for the payee any more: the policy does not cancel again.
    expect((await cancelUnconfirmedPayouts(harness.workspace, 'fin', harness.channels(), { afterMinutes: 60 })).payouts).toEqual([]);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(states()).toEqual(['cancelled', 'cancelled']);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(listAudit(harness.workspace.sqlite, { action: 'payout.returned' })).toHaveLength(2);
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE)).toBe(2000);
    expectVerified();
  });

  it('a transfer that fails returns the money and the commission to the next cycle', async () => {
    const { settlementNo, payouts } = runSettlement(harness.workspace, finance);
    harness.simulator.setBehaviour({ failByOutNumber: { [payouts[1].outBillNo]: 'PAYEE_ACCOUNT_ABNORMAL' } });
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(listPayouts(harness.workspace.sqlite).map((payout) => [payout.state, payout.failureReason])).toEqual([
      ['success', null],
      ['failed', 'PAYEE_ACCOUNT_ABNORMAL'],
    ]);
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE, 'm_2')).toBe(1000);
    harness.clock.advance(7 * DAY_MS);
    expect(runSettlement(harness.workspace, finance).payouts.map((payout) => [payout.partyId, payout.amountFen])).toEqual([['m_2', 1000]]);
    expectVerified();
  });
});
