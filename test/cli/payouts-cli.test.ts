import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { startWechatPaySimulator, type WechatPaySimulator } from '../../electron/core/payouts/wechat/simulator';
import { wechatPayTestKeys } from '../../electron/core/payouts/wechat/test-keys';
import { yuanToFen } from '../../electron/core/money';
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
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-payouts-cli-'));
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

describe('ledgerdesk settle / payouts / withdrawals (built binary)', () => {
  it('settles and pays a cycle, lists payouts, and refuses bad input with usage errors', async () => {
    expect((await cli(['settle', '--cycle-end', 'soon'])).status).toBe(2);
    expect((await cli(['settle', '--user', 'aud'], as('aud'))).json.error?.code).toBe('forbidden');
    const settled = await cli(['settle', '--submit']);
    expect(settled.status).toBe(0);
    expect(settled.json).toMatchObject({ settlement_no: 'S2026110101', cycle: { start: '2026-10-26', end: '2026-11-01' } });
    const payouts = settled.json.payouts as { distributor_id: string; amount: string; commission_count: number; out_bill_no: string; state: string }[];
    expect(payouts.length).toBeGreaterThan(0);
    expect(payouts.every((payout) => payout.state === 'success' && /^\d+\.\d{2}$/.test(payout.amount) && payout.commission_count > 0)).toBe(true);
    expect(simulator.transfers.size).toBe(payouts.length);
    expect(mall.writes.filter((write) => write.path === '/v1/commission-settlements' && write.status === 200)).toHaveLength(payouts.length);
    const listed = await cli(['payouts', '--user', 'aud'], as('aud'));
    expect((listed.json.items as { out_bill_no: string; state: string }[]).map((item) => item.out_bill_no)).toEqual(payouts.map((payout) => payout.out_bill_no));
    expect((await cli(['settle'])).json.payouts).toEqual([]);
  });

  it('two-tier review from the command line, with the identity check, payment and write-back', async () => {
    const list = await cli(['withdrawals', '--status', 'submitted']);
    const items = list.json.items as { withdrawal_no: string; member_id: string; amount: string; status: string; tier1_by: string | null; tier2_by: string | null }[];
    const large = items.find((item) => yuanToFen(item.amount) >= 1_000_000)!;
    expect(large).toMatchObject({ status: 'submitted', tier1_by: null, tier2_by: null });
    expect((await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--user', 'aud'], as('aud'))).json.error?.code).toBe('forbidden');
    expect((await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'maybe', '--user', 'ops'], as('ops'))).status).toBe(2);
    expect((await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--user', 'ops'], as('ops'))).json).toMatchObject({ withdrawal_no: large.withdrawal_no, status: 'tier1_approved' });
    const refused = await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--user', 'fin'], as('fin'));
    expect(refused.status).toBe(1);
    expect(refused.json.error).toMatchObject({ code: 'invalid_input', details: { real_name: expect.any(String), history: { member_id: large.member_id, commission_count: expect.any(Number) } } });
    const approved = await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--confirm-identity', '--user', 'fin'], as('fin'));
    expect(approved.json).toMatchObject({ withdrawal_no: large.withdrawal_no, status: 'approved', out_bill_no: `W${large.withdrawal_no}`, history: { member_id: large.member_id }, write_back: { sent: 1 } });
    expect(mall.writes.at(-1)).toMatchObject({ path: expect.stringMatching(/\/decision$/), idempotencyKey: expect.stringMatching(/^withdrawal-decision-/), body: { decision: 'approve', reviewed_by: ['ops', 'fin'] } });
    const paid = await cli(['payouts', '--submit', '--poll', '--user', 'fin'], as('fin'));
    const mine = (paid.json.items as { out_bill_no: string; state: string }[]).find((item) => item.out_bill_no === `W${large.withdrawal_no}`);
    expect(mine?.state).toBe('success');
    expect(mall.writes.at(-1)).toMatchObject({ path: expect.stringMatching(/\/payout-result$/), status: 200, body: { status: 'paid' } });
    const after = await cli(['withdrawals', '--status', 'paid']);
    expect(after.json.items).toEqual([expect.objectContaining({ withdrawal_no: large.withdrawal_no, tier1_by: 'ops', tier2_by: 'fin' })]);
  });

  it('a process killed between send and answer: the next `payouts --poll` finds the transfers, nothing is paid twice', async () => {
    simulator.setBehaviour({ hangAfterCreateRemaining: 1_000_000 });
    let killed = false;
    const crashed = await cli(['settle', '--submit'], { LEDGERDESK_PAYOUT_TIMEOUT_MS: '120000' }, (child) => {
      const timer = setInterval(() => {
        // Every transfer reached the simulator; no answer came back yet: kill -9.
        if (simulator.transfers.size > 0 && simulator.requestCount >= simulator.transfers.size && simulator.transfers.size === expectedCount()) {
          clearInterval(timer);
          killed = child.kill('SIGKILL');
        }
      }, 20);
    });
    expect(killed).toBe(true);
    expect(crashed.status).toBe(null);
    const sent = simulator.transfers.size;
    simulator.setBehaviour({ hangAfterCreateRemaining: 0 });
    const listed = await cli(['payouts']);
    expect((listed.json.items as { state: string; attempts: number }[]).every((item) => item.state === 'created' && item.attempts === 1)).toBe(true);
    const polled = await cli(['payouts', '--poll']);
    expect((polled.json.items as { state: string }[]).every((item) => item.state === 'success')).toBe(true);
    await cli(['payouts', '--submit', '--poll']);
    expect(simulator.transfers.size).toBe(sent);
  });
});

/** The number of distributors the first settlement pays (settleable commissions, at least 0.10 each). */
function expectedCount(): number {
  const totals = new Map<string, bigint>();
  for (const commission of dataset.commissions) {
    if (commission.status !== 'settleable' || commission.settleable_at === null) continue;
    if (new Date(commission.settleable_at).getTime() >= new Date('2026-11-02T00:00:00+08:00').getTime()) continue;
    const [yuan, cents = '0'] = commission.amount.split('.');
    totals.set(commission.distributor_id, (totals.get(commission.distributor_id) ?? 0n) + BigInt(yuan) * 100n + BigInt(cents.padEnd(2, '0')));
  }
  return [...totals.values()].filter((total) => total >= 10n).length;
}
