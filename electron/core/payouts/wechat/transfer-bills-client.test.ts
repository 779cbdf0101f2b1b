import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fen } from '../../money';
import { createApiClient } from './api-client';
import { encryptSensitiveField } from './signing';
import type { WechatPaySimulator } from './simulator';
import { wechatPayTestKeys } from './test-keys';
import { createTestClock, startTestSimulator, testApiConfig, type TestClock } from './test-support';
import { createTransferBillsClient, TRANSFER_BILLS_PATH, type TransferBillRequest } from './transfer-bills-client';

const keys = wechatPayTestKeys();
let clock: TestClock;
let simulator: WechatPaySimulator;

beforeEach(async () => {
  clock = createTestClock();
  simulator = await startTestSimulator(clock);
});
afterEach(async () => {
  await simulator.close();
});

function transferRequest(overrides: Partial<TransferBillRequest> = {}): TransferBillRequest {
  return {
    appid: 'wxd678efh567hg6787',
    outBillNo: 'PAY20250310A0001',
    transferSceneId: '1005',
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    userName: null,
    amountFen: fen(12_345),
    remark: '佣金结算',
    sceneReportInfos: [
      { infoType: '岗位类型', infoContent: '分销员' },
      { infoType: '报酬说明', infoContent: '3月第1周佣金' },
    ],
    ...overrides,
  };
}

/** A raw signed call, bypassing the client's own validation, to test the simulator's rules. */
function rawApi(overrides = {}) {
  return createApiClient(testApiConfig(simulator, clock, { retryCountMax: 0, ...overrides }));
}

function rawTransferBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    appid: 'wx1',
    out_bill_no: 'RAW0001',
    transfer_scene_id: '1005',
    openid: 'o1',
    transfer_amount: 100,
    transfer_remark: '佣金',
    transfer_scene_report_infos: [{ info_type: '岗位类型', info_content: '分销员' }],
    ...overrides,
  };
}

describe('simulator signature checks', () => {
  it('refuses an unsigned request and a request signed with another key with 401 SIGN_ERROR', async () => {
    const unsigned = await fetch(`${simulator.url}${TRANSFER_BILLS_PATH}/out-bill-no/A1`);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'SIGN_ERROR' });

    const forged = createTransferBillsClient(
      testApiConfig(simulator, clock, { merchant: { mchid: keys.merchant.mchid, serialNo: keys.merchant.serialNo, privateKeyPem: keys.stranger.privateKeyPem } }),
    );
    const result = await forged.create(transferRequest());
    // Even the follow-up query is refused, so the client cannot prove there is no transfer.
    expect(result).toEqual({ ok: false, error: { kind: 'unknown-outcome', reason: 'create: HTTP 401 SIGN_ERROR; query: HTTP 401 SIGN_ERROR' } });
    expect(simulator.transfers.size).toBe(0);
    expect(simulator.signatureRejectionCount).toBe(3); // the unsigned GET, the create, the follow-up query
  });

  it('refuses a request whose timestamp is more than five minutes off', async () => {
    const skewedClock = createTestClock('2025-03-10T02:06:00Z');
    const client = createTransferBillsClient(testApiConfig(simulator, clock, { environment: { now: skewedClock.now, nonce: () => 'N1' } }));
    const result = await client.query('A1');
    expect(result.ok).toBe(false);
    expect(simulator.signatureRejectionCount).toBe(1);
  });

  it('makes the client distrust an answer it cannot verify (wrong platform key)', async () => {
    const client = createTransferBillsClient(testApiConfig(simulator, clock, { platform: { serial: keys.platform.serial, publicKeyPem: keys.stranger.publicKeyPem } }));
    const result = await client.create(transferRequest());
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    // The transfer exists on the channel: the outcome really is unknown, not failed.
    expect(simulator.transfers.size).toBe(1);
  });
});

describe('transfer-bills client against the simulator', () => {
  it('creates a transfer, and re-sending the same number returns the same transfer', async () => {
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    const first = await client.create(transferRequest());
    expect(first).toMatchObject({ ok: true, bill: { outBillNo: 'PAY20250310A0001', state: 'SUCCESS', createTime: '2025-03-10T10:00:00+08:00' } });
    const second = await client.create(transferRequest());
    expect(second.ok && first.ok && second.bill.transferBillNo === first.bill.transferBillNo).toBe(true);
    expect(simulator.transfers.size).toBe(1);
    const queried = await client.query('PAY20250310A0001');
    expect(queried).toMatchObject({ ok: true, bill: { state: 'SUCCESS', amountFen: 12_345, openid: 'o-MYE42l80oelYMDE34nYD456Xoy' } });
  });

  it('reports FAIL with its reason as a result, not an exception', async () => {
    simulator.setBehaviour({ outcome: 'fail', failReason: 'OPENID_INVALID' });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    expect(await client.create(transferRequest())).toMatchObject({ ok: true, bill: { state: 'FAIL', failReason: 'OPENID_INVALID' } });
  });

  it('retries 500 and 429 with the same out_bill_no and creates exactly one transfer', async () => {
    simulator.setBehaviour({ httpFailure: { status: 500, remaining: 1 } });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    expect(await client.create(transferRequest())).toMatchObject({ ok: true, bill: { state: 'SUCCESS' } });
    simulator.setBehaviour({ httpFailure: { status: 429, remaining: 2 } });
    expect(await client.create(transferRequest({ outBillNo: 'PAY20250310A0002' }))).toMatchObject({ ok: true });
    expect([...simulator.transfers.keys()]).toEqual(['PAY20250310A0001', 'PAY20250310A0002']);
    expect(simulator.requestCount).toBe(5);
  });

  it('a 500 after the transfer was created: the retry finds the same transfer', async () => {
    simulator.setBehaviour({ httpFailure: { status: 500, remaining: 1, afterCreate: true } });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    expect(await client.create(transferRequest())).toMatchObject({ ok: true, bill: { state: 'SUCCESS' } });
    expect(simulator.transfers.size).toBe(1);
  });

  it('when every attempt fails the outcome is unknown, and a later retry with the same number settles it', async () => {
    simulator.setBehaviour({ httpFailure: { status: 500, remaining: 4 } }); // 3 create attempts + 1 query
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    expect(await client.create(transferRequest())).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    expect(simulator.transfers.size).toBe(0);
    expect(await client.create(transferRequest())).toMatchObject({ ok: true });
    expect(simulator.transfers.size).toBe(1);
  });

  it('keeps connections alive, yet signs every request and verifies every answer', async () => {
    const config = testApiConfig(simulator, clock);
    const client = createTransferBillsClient(config);
    const results = await Promise.all(Array.from({ length: 24 }, (_, index) => client.create(transferRequest({ outBillNo: `KEEP${index}` }))));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(simulator.verifiedRequestCount).toBe(24);
    expect(simulator.signatureRejectionCount).toBe(0);
    // 24 requests, at most one connection per request in flight, reused afterwards.
    const before = simulator.connectionCount;
    expect(before).toBeLessThanOrEqual(24);
    for (let index = 0; index < 5; index += 1) expect(await client.query(`KEEP${index}`)).toMatchObject({ ok: true });
    expect(simulator.connectionCount).toBe(before);
    // A client given another platform key distrusts every one of those answers: each is verified.
    const otherKey = wechatPayTestKeys().merchant.publicKeyPem;
    const distrusting = createTransferBillsClient({ ...config, platform: { serial: keys.platform.serial, publicKeyPem: otherKey } });
    expect(await distrusting.query('KEEP0')).toMatchObject({ ok: false, error: { kind: 'unknown-outcome', reason: expect.stringMatching(/signature/) } });
  });

  it('idempotent retry after a timeout: the simulator accepted but never answered', async () => {
    simulator.setBehaviour({ hangAfterCreateRemaining: 1 });
    const client = createTransferBillsClient(testApiConfig(simulator, clock, { timeoutMs: 300 }));
    const result = await client.create(transferRequest());
    expect(result).toMatchObject({ ok: true, bill: { outBillNo: 'PAY20250310A0001', state: 'SUCCESS' } });
    expect(simulator.transfers.size).toBe(1);
    expect(simulator.requestCount).toBe(2); // the hung create, then the retry with the same number
  });

  it('a process that crashed after sending: a new client re-sending the same number finds one transfer', async () => {
    simulator.setBehaviour({ hangAfterCreateRemaining: 1 });
    // The "crashed" process: it sent the create and never learnt (nor asked) what happened.
    const sent = await rawApi({ timeoutMs: 200 }).call(
      'POST',
      TRANSFER_BILLS_PATH,
      rawTransferBody({ appid: 'wxd678efh567hg6787', out_bill_no: 'PAY20250310A0001', openid: 'o-MYE42l80oelYMDE34nYD456Xoy', transfer_amount: 12_345, transfer_remark: '佣金结算' }),
    );
    expect(sent).toMatchObject({ kind: 'unreachable' });
    const restarted = createTransferBillsClient(testApiConfig(simulator, clock));
    const result = await restarted.create(transferRequest({ sceneReportInfos: [{ infoType: '岗位类型', infoContent: '分销员' }] }));
    expect(result).toMatchObject({ ok: true, bill: { outBillNo: 'PAY20250310A0001' } });
    expect(simulator.transfers.size).toBe(1);
  });

  it('a different transfer under a used number is a conflict, never a second transfer', async () => {
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    await client.create(transferRequest());
    const result = await client.create(transferRequest({ amountFen: fen(99_999) }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'conflict', existing: { amountFen: 12_345 } } });
    expect(simulator.transfers.size).toBe(1);
  });

  it('stays ACCEPTED for N queries, then succeeds', async () => {
    simulator.setBehaviour({ queriesBeforeOutcome: 2 });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    expect(await client.create(transferRequest())).toMatchObject({ ok: true, bill: { state: 'ACCEPTED' } });
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'ACCEPTED' } });
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'SUCCESS' } });
  });

  it('leaves a transfer in WAIT_USER_CONFIRM with package_info, and the user can confirm it', async () => {
    simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    const created = await client.create(transferRequest());
    expect(created).toMatchObject({ ok: true, bill: { state: 'WAIT_USER_CONFIRM' } });
    expect(created.ok && created.bill.packageInfo).toBeTruthy();
    expect(simulator.confirmByUser('PAY20250310A0001')).toBe(true);
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'SUCCESS' } });
  });

  it('expires an unconfirmed transfer 24 h after creation (CANCELLED), not a second earlier', async () => {
    simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    await client.create(transferRequest());
    clock.advance(24 * 60 * 60 * 1000 - 1000);
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'WAIT_USER_CONFIRM' } });
    clock.advance(1000);
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'CANCELLED', updateTime: '2025-03-11T10:00:00+08:00' } });
    expect(simulator.confirmByUser('PAY20250310A0001')).toBe(false);
  });

  it('advanceClock moves only the simulator: an unconfirmed transfer is CANCELLED after 24 h', async () => {
    simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    await client.create(transferRequest());
    simulator.advanceClock(24 * 60 * 60 * 1000);
    expect(simulator.confirmByUser('PAY20250310A0001')).toBe(false);
    expect(simulator.transfers.get('PAY20250310A0001')?.state).toBe('CANCELLED');
    // The client's clock did not move, so its requests now look stale to the simulator.
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: false, error: { kind: 'unknown-outcome' } });
    expect(simulator.signatureRejectionCount).toBe(1);
  });

  it('cancels before confirmation, and refuses to cancel a finished transfer', async () => {
    simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    await client.create(transferRequest());
    expect(await client.cancel('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'CANCELING' } });
    expect(await client.query('PAY20250310A0001')).toMatchObject({ ok: true, bill: { state: 'CANCELLED' } });
    simulator.setBehaviour({ outcome: 'success' });
    await client.create(transferRequest({ outBillNo: 'PAY20250310A0002' }));
    expect(await client.cancel('PAY20250310A0002')).toMatchObject({ ok: false, error: { kind: 'rejected', code: 'INVALID_REQUEST' } });
    expect(await client.cancel('NOSUCHBILL')).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });

  it('encrypts the name above 2,000 yuan with Wechatpay-Serial; the simulator decrypts it', async () => {
    const client = createTransferBillsClient(testApiConfig(simulator, clock));
    expect(await client.create(transferRequest({ amountFen: fen(200_000), userName: null }))).toMatchObject({
      ok: false,
      error: { kind: 'invalid-request' },
    });
    expect(await client.create(transferRequest({ amountFen: fen(200_000), userName: '王小明' }))).toMatchObject({ ok: true });
    expect(simulator.transfers.get('PAY20250310A0001')?.userName).toBe('王小明');
    expect(simulator.requestCount).toBe(1); // the invalid request never left the client
  });
});

describe('simulator field rules (raw signed requests)', () => {
  const rejects = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const result = await rawApi().call('POST', TRANSFER_BILLS_PATH, body, headers);
    expect(result).toMatchObject({ kind: 'answered', httpStatus: 400, error: { code: 'PARAM_ERROR' } });
  };

  it('refuses amounts below 0.10 yuan or above the maximum, bad numbers and missing fields', async () => {
    await rejects(rawTransferBody({ transfer_amount: 9 }));
    await rejects(rawTransferBody({ transfer_amount: 2_000_001 }));
    await rejects(rawTransferBody({ transfer_amount: 10.5 }));
    await rejects(rawTransferBody({ out_bill_no: 'PAY-2025' }));
    await rejects(rawTransferBody({ out_bill_no: 'A'.repeat(33) }));
    await rejects(rawTransferBody({ openid: '' }));
    await rejects(rawTransferBody({ transfer_remark: '备'.repeat(33) }));
    await rejects(rawTransferBody({ transfer_scene_report_infos: [] }));
    const accepted = await rawApi().call('POST', TRANSFER_BILLS_PATH, rawTransferBody({ transfer_amount: 10 }));
    expect(accepted).toMatchObject({ kind: 'answered', httpStatus: 200 });
  });

  it('requires a name from 2,000 yuan, decryptable with the platform key, with the matching serial', async () => {
    const serial = { 'Wechatpay-Serial': keys.platform.serial };
    await rejects(rawTransferBody({ transfer_amount: 200_000 }));
    await rejects(rawTransferBody({ transfer_amount: 200_000, user_name: encryptSensitiveField('王小明', keys.stranger.publicKeyPem) }), serial);
    await rejects(rawTransferBody({ transfer_amount: 200_000, user_name: encryptSensitiveField('王小明', keys.platform.publicKeyPem) }), { 'Wechatpay-Serial': 'WRONG' });
    const accepted = await rawApi().call('POST', TRANSFER_BILLS_PATH, rawTransferBody({ transfer_amount: 200_000, user_name: encryptSensitiveField('王小明', keys.platform.publicKeyPem) }), serial);
    expect(accepted).toMatchObject({ kind: 'answered', httpStatus: 200 });
  });

  it('answers an unknown number with 404 and an unknown endpoint with 404', async () => {
    expect(await rawApi().call('GET', `${TRANSFER_BILLS_PATH}/out-bill-no/NOPE`, null)).toMatchObject({ kind: 'answered', httpStatus: 404 });
    expect(await rawApi().call('GET', '/v3/nothing', null)).toMatchObject({ kind: 'answered', httpStatus: 404 });
  });
});
