import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { startWechatPaySimulator, type WechatPaySimulator } from '../../electron/core/payouts/wechat/simulator';
import { wechatPayTestKeys } from '../../electron/core/payouts/wechat/test-keys';
import { CLI_PATH } from '../support/run-cli';

const token = 'cli-demo-token';
let dataset: MallDataset;
let mall: DemoMall;
let simulator: WechatPaySimulator;
let directory: string;
let env: Record<string, string>;

interface Run {
  status: number | null;
  json: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
  stderr: string;
}

/** The built CLI as a child process, asynchronously: the demo mall and the simulator live in this process. */
function cli(args: string[], extraEnv: Record<string, string> = {}, onSpawn?: (child: ChildProcess) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args, '--json'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    onSpawn?.(child);
    child.on('close', (status) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      resolve({ status, json: last.startsWith('{') ? JSON.parse(last) : {}, stderr });
    });
  });
}

/** Acting as another user: --user NAME with that user's password. */
const as = (user: string) => ({ LEDGERDESK_USER_PASSWORD: `${user}-password-1` });

beforeAll(() => {
  dataset = generateMallDataset({ seed: 7, month: '2026-10', orderCount: 300 });
});

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-payout-routes-cli-'));
  env = {
    LEDGERDESK_PASSPHRASE: 'payouts cli passphrase',
    LEDGERDESK_WORKSPACE: join(directory, 'books.ldw'),
    LEDGERDESK_FIXED_NOW: '2026-11-03T02:00:00.000Z',
    LEDGERDESK_USER_PASSWORD: 'admin-password-1',
    MALL_TOKEN: token,
    OPS_PASSWORD: 'ops-password-1',
    FIN_PASSWORD: 'fin-password-1',
    AUD_PASSWORD: 'aud-password-1',
  };
  mall = await startDemoMall({ dataset: structuredClone(dataset), token });
  const keys = wechatPayTestKeys();
  simulator = await startWechatPaySimulator({
    port: 0,
    merchant: { mchid: keys.merchant.mchid, merchantPublicKeyPem: keys.merchant.publicKeyPem, serial: keys.merchant.serialNo },
    platformPrivateKeyPem: keys.platform.privateKeyPem,
    platformSerial: keys.platform.serial,
  });
  writeFileSync(join(directory, 'apiclient_key.pem'), keys.merchant.privateKeyPem);
  writeFileSync(join(directory, 'platform_pub.pem'), keys.platform.publicKeyPem);
  expect((await cli(['init', '--books-start', '2026-10-01'])).status).toBe(0);
  for (const [name, role, variable] of [['ops', 'operations', 'OPS_PASSWORD'], ['fin', 'finance', 'FIN_PASSWORD'], ['aud', 'auditor', 'AUD_PASSWORD']]) {
    expect((await cli(['user', 'add', name, '--role', role, '--password-env', variable])).status).toBe(0);
  }
  expect((await cli(['sync', '--mall-url', mall.url, '--mall-token-env', 'MALL_TOKEN'])).json.entries_posted).toBeGreaterThan(0);
  const config = await cli(['payout', 'config', '--wechat-url', simulator.url, '--mchid', keys.merchant.mchid, '--appid', 'wx8888888888888888', '--serial', keys.merchant.serialNo,
    '--key-file', join(directory, 'apiclient_key.pem'), '--platform-key-file', join(directory, 'platform_pub.pem'), '--platform-serial', keys.platform.serial]);
  expect(config.json).toMatchObject({ ok: true, api: 'transfer-bills' });
}, 180_000);

afterEach(async () => {
  await mall.close();
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

interface PayoutItem {
  out_bill_no: string;
  distributor_id: string;
  method: string;
  channel: string | null;
  state: string;
}

/** A distributor the first settlement (cycle 2026-10-26..11-01) pays: settleable commissions of at least 0.10 in all. */
function paidDistributor(): string {
  const totals = new Map<string, bigint>();
  for (const commission of dataset.commissions) {
    if (commission.status !== 'settleable' || commission.settleable_at === null) continue;
    if (new Date(commission.settleable_at).getTime() >= new Date('2026-11-02T00:00:00+08:00').getTime()) continue;
    const [yuan, cents = '0'] = commission.amount.split('.');
    totals.set(commission.distributor_id, (totals.get(commission.distributor_id) ?? 0n) + BigInt(yuan) * 100n + BigInt(cents.padEnd(2, '0')));
  }
  return [...totals.entries()].filter(([, total]) => total >= 10n).map(([id]) => id).sort()[0];
}

describe('ledgerdesk settle --route / payout route / payout unconfirmed (built binary)', () => {
  it('pays one distributor by bank through the export and the rest by WeChat batches; bad routes are usage errors', async () => {
    expect((await cli(['payout', 'route'])).json).toEqual({ items: [] });
    const distributor = paidDistributor();
    expect((await cli(['payout', 'route', distributor, '--route', 'cash'])).status).toBe(2);
    expect((await cli(['payout', 'route', distributor])).status).toBe(2);
    expect((await cli(['payout', 'route', distributor, '--route', 'bank', '--user', 'aud'], as('aud'))).json.error?.code).toBe('forbidden');
    expect((await cli(['payout', 'route', distributor, '--route', 'bank', '--user', 'fin'], as('fin'))).json).toEqual({ items: [{ distributor_id: distributor, route: 'bank' }] });
    expect((await cli(['settle', '--route', 'paypal'])).status).toBe(2);

    const settled = await cli(['settle', '--route', 'wechat-batches', '--submit', '--user', 'fin'], as('fin'));
    expect(settled.status).toBe(0);
    expect(settled.json).toMatchObject({ route: 'wechat-batches', export_file: expect.stringMatching(/payouts-S2026110101\.xlsx$/) });
    expect(existsSync(settled.json.export_file as string)).toBe(true);
    const payouts = settled.json.payouts as PayoutItem[];
    expect(payouts.length).toBeGreaterThan(1);
    for (const payout of payouts) {
      if (payout.distributor_id === distributor) expect(payout).toMatchObject({ method: 'bank', channel: 'file-export', state: 'processing' });
      else expect(payout).toMatchObject({ method: 'wechat', channel: 'wechat-transfer-batches', state: 'accepted' });
    }
    expect(simulator.transfers.size).toBe(0);
    expect([...simulator.batches.values()].reduce((count, batch) => count + batch.details.length, 0)).toBe(payouts.length - 1);
    const polled = await cli(['payouts', '--poll', '--user', 'fin'], as('fin'));
    expect((polled.json.items as PayoutItem[]).map((item) => item.state).sort()).toEqual([...Array(payouts.length - 1).fill('success'), 'processing'].sort());

    expect((await cli(['payout', 'route', distributor, '--route', 'default', '--user', 'fin'], as('fin'))).json).toEqual({ items: [] });
  });

  it('cancels unconfirmed transfers on `payouts --poll` once the policy says so; only an admin sets it', async () => {
    expect((await cli(['payout', 'unconfirmed'])).json).toEqual({ cancel_after_minutes: null });
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', 'soon'])).status).toBe(2);
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '60', '--off'])).status).toBe(2);
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '1440'])).json.error?.code).toBe('invalid_input');
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '60', '--user', 'fin'], as('fin'))).json.error?.code).toBe('forbidden');
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '60'])).json).toEqual({ cancel_after_minutes: 60 });

    simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const settled = await cli(['settle', '--submit']);
    const payouts = settled.json.payouts as PayoutItem[];
    expect(payouts.every((payout) => payout.state === 'wait_user_confirm')).toBe(true);
    // 59 minutes later nothing is cancelled; 61 minutes later every waiting transfer is.
    const early = await cli(['payouts', '--poll'], { LEDGERDESK_FIXED_NOW: '2026-11-03T02:59:00.000Z' });
    expect((early.json.items as PayoutItem[]).every((item) => item.state === 'wait_user_confirm')).toBe(true);
    const late = await cli(['payouts', '--poll'], { LEDGERDESK_FIXED_NOW: '2026-11-03T03:01:00.000Z' });
    expect((late.json.items as PayoutItem[]).every((item) => item.state === 'cancelled')).toBe(true);
    expect([...simulator.transfers.values()].every((transfer) => transfer.state === 'CANCELLED')).toBe(true);
    expect((await cli(['payout', 'unconfirmed', '--off'])).json).toEqual({ cancel_after_minutes: null });
  });
});
