import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fen, type Fen } from '../../money';
import type { PayoutRequest } from '../payout-channel';
import { createApiClient } from './api-client';
import { createBatchesChannel, createMemoryBatchIndex, batchNumberFor, type PayoutBatchIndex } from './batches-channel';
import { createBatchesClient, TRANSFER_BATCHES_PATH, type BatchDetailRequest, type BatchRequest } from './batches-client';
import type { WechatPaySimulator } from './simulator';
import { createTestClock, startTestSimulator, testApiConfig, type TestClock } from './test-support';

let clock: TestClock;
let simulator: WechatPaySimulator;

beforeEach(async () => {
  clock = createTestClock();
  simulator = await startTestSimulator(clock);
});
afterEach(async () => {
  await simulator.close();
});

function detail(number: number, amountFen: Fen = fen(1_000), userName: string | null = null): BatchDetailRequest {
  return { outDetailNo: `D${number.toString().padStart(6, '0')}`, amountFen, remark: '佣金', openid: `openid${number}`, userName };
}

function batchRequest(details: BatchDetailRequest[], outBatchNo = 'S20250310P001'): BatchRequest {
  return { appid: 'wx1', outBatchNo, batchName: '3月第1周佣金', batchRemark: '佣金结算', details };
}

function payout(number: number, amountFen: Fen = fen(1_000), payeeRealName: string | null = null): PayoutRequest {
  return { outBillNo: `P${number.toString().padStart(6, '0')}`, payeeOpenid: `openid${number}`, payeeRealName, amountFen, remark: '佣金' };
}

function channel(index: PayoutBatchIndex = createMemoryBatchIndex(), overrides = {}) {
  return createBatchesChannel({
    client: createBatchesClient(testApiConfig(simulator, clock, overrides)),
    appid: 'wx1',
    batchName: '佣金结算',
    batchRemark: '分销佣金',
    index,
    now: clock.now,
  });
}

describe('batches client', () => {
  it('creates a batch, re-sending it returns the same batch, and details are listed once finished', async () => {
    const client = createBatchesClient(testApiConfig(simulator, clock));
    const created = await client.create(batchRequest([detail(1), detail(2)]));
    expect(created).toMatchObject({ ok: true, value: { outBatchNo: 'S20250310P001', batchStatus: 'ACCEPTED' } });
    const again = await client.create(batchRequest([detail(1), detail(2)]));
    expect(again.ok && created.ok && again.value.batchId === created.value.batchId).toBe(true);
    expect(simulator.batches.size).toBe(1);
    const queried = await client.queryWithDetails('S20250310P001');
    expect(queried).toMatchObject({ ok: true, value: { batch: { batchStatus: 'FINISHED', totalAmountFen: 2_000, totalNum: 2 } } });
    expect(queried.ok && queried.value.details.map((one) => one.detailStatus)).toEqual(['SUCCESS', 'SUCCESS']);
  });

  it('refuses detail queries until the batch has finished', async () => {
    simulator.setBehaviour({ queriesBeforeOutcome: 2 });
    const client = createBatchesClient(testApiConfig(simulator, clock));
    await client.create(batchRequest([detail(1)]));
    expect(await client.queryDetail('S20250310P001', 'D000001')).toMatchObject({ ok: false, error: { kind: 'not-ready' } });
    await client.queryWithDetails('S20250310P001');
    await client.queryWithDetails('S20250310P001');
    expect(await client.queryDetail('S20250310P001', 'D000001')).toMatchObject({ ok: true, value: { detailStatus: 'SUCCESS', amountFen: 1_000 } });
  });

  it('validates before sending: size, names all-or-none, names forbidden below 0.30 yuan, required from 2,000 yuan', async () => {
    const client = createBatchesClient(testApiConfig(simulator, clock));
    const tooMany = Array.from({ length: 1001 }, (_, index) => detail(index));
    expect(await client.create(batchRequest(tooMany))).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await client.create(batchRequest([detail(1, fen(1_000), '张三'), detail(2)]))).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await client.create(batchRequest([detail(1, fen(29), '张三')]))).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await client.create(batchRequest([detail(1, fen(200_000))]))).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await client.create(batchRequest([detail(1), detail(1)]))).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(simulator.requestCount).toBe(0);
    expect(await client.create(batchRequest([detail(1, fen(200_000), '张三'), detail(2, fen(30), '李四')]))).toMatchObject({ ok: true });
    expect(simulator.batches.get('S20250310P001')?.details.map((one) => one.userName)).toEqual(['张三', '李四']);
  });

  it('the simulator enforces the same rules on raw requests', async () => {
    const api = createApiClient(testApiConfig(simulator, clock, { retryCountMax: 0 }));
    const raw = (details: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
      appid: 'wx1',
      out_batch_no: 'RAWBATCH1',
      batch_name: 'n',
      batch_remark: 'r',
      total_amount: details.reduce((sum, one) => sum + (one.transfer_amount as number), 0),
      total_num: details.length,
      transfer_detail_list: details,
      ...extra,
    });
    const rawDetail = (number: number) => ({ out_detail_no: `R${number}`, transfer_amount: 100, transfer_remark: 'x', openid: `o${number}` });
    const tooMany = Array.from({ length: 1001 }, (_, index) => rawDetail(index));
    expect(await api.call('POST', TRANSFER_BATCHES_PATH, raw(tooMany))).toMatchObject({ httpStatus: 400, error: { code: 'PARAM_ERROR' } });
    expect(await api.call('POST', TRANSFER_BATCHES_PATH, raw([rawDetail(1)], { total_amount: 101 }))).toMatchObject({ httpStatus: 400 });
    expect(await api.call('POST', TRANSFER_BATCHES_PATH, raw([rawDetail(1)], { total_num: 2 }))).toMatchObject({ httpStatus: 400 });
    expect(await api.call('POST', TRANSFER_BATCHES_PATH, raw([{ ...rawDetail(1), transfer_amount: 200_000 }]))).toMatchObject({ httpStatus: 400 });
    expect(await api.call('POST', TRANSFER_BATCHES_PATH, raw([rawDetail(1)], { out_batch_no: 'bad_no' }))).toMatchObject({ httpStatus: 400 });
    // Below 0.10 yuan: accepted, and the detail fails with TRANSFER_QUOTA_EXCEED (as reported in the field).
    expect(await api.call('POST', TRANSFER_BATCHES_PATH, raw([{ ...rawDetail(1), transfer_amount: 9 }]))).toMatchObject({ httpStatus: 200 });
    expect(simulator.batches.get('RAWBATCH1')?.details[0].finalFailReason).toBe('TRANSFER_QUOTA_EXCEED');
  });

  it('a different batch under a used number is a conflict', async () => {
    const client = createBatchesClient(testApiConfig(simulator, clock));
    await client.create(batchRequest([detail(1)]));
    expect(await client.create(batchRequest([detail(1), detail(2)]))).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(simulator.batches.size).toBe(1);
  });
});

describe('batches channel', () => {
  it('splits 2,500 payouts into 3 batches of at most 1000 with numbers derived from the settlement', async () => {
    const payouts = Array.from({ length: 2_500 }, (_, index) => payout(2_500 - index)); // unsorted on purpose
    const statuses = await channel().submit(payouts, { settlementId: 'S20250310' });
    expect(statuses).toHaveLength(2_500);
    expect(statuses.map((one) => one.outBillNo)).toEqual(payouts.map((one) => one.outBillNo));
    expect(new Set(statuses.map((one) => one.state))).toEqual(new Set(['accepted']));
    expect([...simulator.batches.keys()]).toEqual(['S20250310P001', 'S20250310P002', 'S20250310P003']);
    expect([...simulator.batches.values()].map((batch) => batch.details.length)).toEqual([1000, 1000, 500]);
    expect(simulator.batches.get('S20250310P001')?.details[0].outDetailNo).toBe('P000001');
    expect(simulator.batches.get('S20250310P003')?.details.at(-1)?.outDetailNo).toBe('P002500');
  });

  it('puts payouts from 2,000 yuan in their own batches with encrypted names', async () => {
    const statuses = await channel().submit([payout(1), payout(2, fen(250_000), '王小明'), payout(3, fen(250_000), null)], { settlementId: 'S1' });
    expect(statuses.map((one) => one.state)).toEqual(['accepted', 'accepted', 'failed']);
    expect(statuses[2].failureReason).toMatch(/real name/);
    expect([...simulator.batches.keys()]).toEqual(['S1N001', 'S1P001']);
    expect(simulator.batches.get('S1N001')?.details[0].userName).toBe('王小明');
  });

  it('reports per-detail failures with their reasons', async () => {
    simulator.setBehaviour({ failByOutNumber: { P000002: 'NAME_NOT_CORRECT', P000004: 'ACCOUNT_FROZEN' } });
    const payoutChannel = channel();
    await payoutChannel.submit([payout(1), payout(2), payout(3), payout(4)], { settlementId: 'S2' });
    const statuses = await payoutChannel.query(['P000001', 'P000002', 'P000003', 'P000004', 'P999999']);
    expect(statuses.map((one) => [one.state, one.failureReason])).toEqual([
      ['success', null],
      ['failed', 'NAME_NOT_CORRECT'],
      ['success', null],
      ['failed', 'ACCOUNT_FROZEN'],
      ['created', 'never submitted in a batch'],
    ]);
    expect(statuses[0].channelRef).toMatch(/^\d+\/\d+$/);
  });

  it('a retry after the batch was sent but never answered re-sends the same batch number: one batch, no double payment', async () => {
    simulator.setBehaviour({ hangAfterCreateRemaining: 1, queriesBeforeOutcome: 5 });
    const index = createMemoryBatchIndex();
    const crashed = channel(index, { timeoutMs: 200, retryCountMax: 0 });
    // The create hangs; its follow-up query finds the batch.
    const first = await crashed.submit([payout(1), payout(2)], { settlementId: 'S3' });
    expect(first.map((one) => one.state)).toEqual(['accepted', 'accepted']);
    const retried = await channel(index).submit([payout(1), payout(2)], { settlementId: 'S3' });
    expect(retried.map((one) => one.state)).toEqual(['processing', 'processing']);
    expect(simulator.batches.size).toBe(1);
    expect(simulator.batches.get('S3P001')?.details).toHaveLength(2);
    expect(index.batchesOfSettlement('S3')).toEqual(['S3P001']);
  });

  it('a retry of a batch that never reached WeChat sends it under its recorded number', async () => {
    simulator.setBehaviour({ httpFailure: { status: 500, remaining: 2 } }); // the create and its follow-up query
    const index = createMemoryBatchIndex();
    const first = await channel(index, { retryCountMax: 0 }).submit([payout(1)], { settlementId: 'S4' });
    expect(first[0]).toMatchObject({ state: 'created' });
    expect(simulator.batches.size).toBe(0);
    const retried = await channel(index).submit([payout(1)], { settlementId: 'S4' });
    expect(retried[0]).toMatchObject({ state: 'accepted' });
    expect([...simulator.batches.keys()]).toEqual(['S4P001']);
  });

  it('new payouts added to a settlement go into the next batch number, never into a used one', async () => {
    const index = createMemoryBatchIndex();
    await channel(index).submit([payout(1)], { settlementId: 'S5' });
    await channel(index).submit([payout(1), payout(2)], { settlementId: 'S5' });
    expect([...simulator.batches.keys()]).toEqual(['S5P001', 'S5P002']);
    expect(simulator.batches.get('S5P002')?.details.map((one) => one.outDetailNo)).toEqual(['P000002']);
  });

  it('refuses a bad settlement id as a programming error', async () => {
    await expect(channel().submit([payout(1)], { settlementId: 'S-1' })).rejects.toThrow(/settlementId/);
    expect(() => batchNumberFor('S'.repeat(29), false, 1)).toThrow();
  });
});
