import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fen } from '../../money';
import type { PayoutRequest } from '../payout-channel';
import type { WechatPaySimulator } from './simulator';
import { createTestClock, startTestSimulator, testApiConfig, type TestClock } from './test-support';
import { createTransferBillsChannel, payoutStateOfBill } from './transfer-bills-channel';
import { createTransferBillsClient, type TransferBill } from './transfer-bills-client';

let clock: TestClock;
let simulator: WechatPaySimulator;

beforeEach(async () => {
  clock = createTestClock();
  simulator = await startTestSimulator(clock);
});
afterEach(async () => {
  await simulator.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

function channel(overrides = {}) {
  return createTransferBillsChannel({
    client: createTransferBillsClient(testApiConfig(simulator, clock, overrides)),
    appid: 'wx1',
    transferSceneId: '1005',
    sceneReportInfos: [{ infoType: '岗位类型', infoContent: '分销员' }],
    now: clock.now,
  });
}

function payout(number: number, overrides: Partial<PayoutRequest> = {}): PayoutRequest {
  return { outBillNo: `PB${number}`, payeeOpenid: `openid${number}`, payeeRealName: '张三', amountFen: fen(5_000), remark: '佣金', ...overrides };
}

describe('transfer-bills channel', () => {
  it('maps success, channel failure, refusal before sending and a missing openid', async () => {
    simulator.setBehaviour({ failByOutNumber: { PB2: 'OPENID_INVALID' } });
    const statuses = await channel().submit(
      [payout(1), payout(2), payout(3, { amountFen: fen(5) }), payout(4, { payeeOpenid: null })],
      { settlementId: 'S1' },
    );
    expect(statuses.map((one) => [one.outBillNo, one.state, one.failureReason])).toEqual([
      ['PB1', 'success', null],
      ['PB2', 'failed', 'OPENID_INVALID'],
      ['PB3', 'failed', expect.stringMatching(/invalid request: amount 5 fen is below the minimum/)],
      ['PB4', 'failed', 'payee has no WeChat openid'],
    ]);
    expect(statuses[0].channelRef).toBe(simulator.transfers.get('PB1')?.transferBillNo);
    expect(statuses[0].updatedAt).toBe('2025-03-10T02:00:00.000Z');
    expect(simulator.transfers.size).toBe(2);
  });

  it('reports an unknown outcome as created, to be re-sent with the same number', async () => {
    simulator.setBehaviour({ httpFailure: { status: 500, remaining: 2 } });
    const [status] = await channel({ retryCountMax: 0 }).submit([payout(1)], { settlementId: 'S1' });
    expect(status).toMatchObject({ state: 'created', failureReason: expect.stringMatching(/^outcome unknown/) });
    const [again] = await channel().submit([payout(1)], { settlementId: 'S1' });
    expect(again.state).toBe('success');
    expect(simulator.transfers.size).toBe(1);
  });

  it('expires an unconfirmed transfer after 24 h, but a cancel within 24 h is a cancel', async () => {
    simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const payoutChannel = channel();
    const submitted = await payoutChannel.submit([payout(1), payout(2)], { settlementId: 'S1' });
    expect(submitted.map((one) => one.state)).toEqual(['wait_user_confirm', 'wait_user_confirm']);
    clock.advance(60 * 60 * 1000);
    expect(await payoutChannel.cancel!('PB2')).toMatchObject({ outBillNo: 'PB2', state: 'cancelled' });
    clock.advance(DAY_MS);
    const later = await payoutChannel.query(['PB1', 'PB2', 'PB9']);
    expect(later.map((one) => one.state)).toEqual(['expired', 'cancelled', 'created']);
  });

  it('a refused cancel reports the transfer as it stands', async () => {
    const payoutChannel = channel();
    await payoutChannel.submit([payout(1)], { settlementId: 'S1' });
    expect(await payoutChannel.cancel!('PB1')).toMatchObject({ state: 'success', failureReason: expect.stringMatching(/^cancel refused: INVALID_REQUEST/) });
  });

  it('sends the name only from 2,000 yuan unless told otherwise', async () => {
    await channel().submit([payout(1), payout(2, { amountFen: fen(200_000) })], { settlementId: 'S1' });
    expect(simulator.transfers.get('PB1')?.userName).toBeNull();
    expect(simulator.transfers.get('PB2')?.userName).toBe('张三');
  });

  it('refuses the same outBillNo twice in one call as a programming error', async () => {
    await expect(channel().submit([payout(1), payout(1)], { settlementId: 'S1' })).rejects.toThrow(/appears twice/);
  });
});

describe('payoutStateOfBill', () => {
  const bill = (overrides: Partial<TransferBill>): TransferBill => ({
    outBillNo: 'A',
    transferBillNo: 'T',
    state: 'CANCELLED',
    createTime: '2025-03-10T10:00:00+08:00',
    updateTime: null,
    failReason: null,
    packageInfo: null,
    amountFen: null,
    openid: null,
    ...overrides,
  });
  const now = new Date('2025-03-12T00:00:00Z');

  it('tells expiry from cancellation by the bill times', () => {
    expect(payoutStateOfBill(bill({ updateTime: '2025-03-11T10:00:00+08:00' }), now)).toBe('expired');
    expect(payoutStateOfBill(bill({ updateTime: '2025-03-11T09:59:59+08:00' }), now)).toBe('cancelled');
    expect(payoutStateOfBill(bill({ updateTime: null }), now)).toBe('expired');
    expect(payoutStateOfBill(bill({ createTime: 'garbage' }), now)).toBe('cancelled');
    expect(payoutStateOfBill(bill({ state: 'CANCELING' }), now)).toBe('processing');
    expect(payoutStateOfBill(bill({ state: 'TRANSFERING' }), now)).toBe('transferring');
  });
});
