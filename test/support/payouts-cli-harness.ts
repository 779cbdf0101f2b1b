import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { startWechatPaySimulator, type WechatPaySimulator } from '../../electron/core/payouts/wechat/simulator';
import { wechatPayTestKeys } from '../../electron/core/payouts/wechat/test-keys';
import { CLI_PATH } from './run-cli';

export interface PayoutsCliRun {
  status: number | null;
  json: Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } };
  stderr: string;
}

export interface PayoutsCliHarness {
  readonly dataset: MallDataset;
  readonly mall: DemoMall;
  readonly simulator: WechatPaySimulator;
  readonly directory: string;
  /** The built CLI as a child process, asynchronously: the demo mall and the simulator live in this process. */
  cli(args: string[], extraEnv?: Record<string, string>, onSpawn?: (child: ChildProcess) => void): Promise<PayoutsCliRun>;
  /** Acting as another user: --user NAME with that user's password. */
  as(user: string): Record<string, string>;
}

const token = 'cli-demo-token';

/**
 * Per test: a fresh workspace synced from the demo mall (300 orders), users ops / fin / aud, and the
 * WeChat Pay simulator configured as the payout merchant — the set-up every payouts CLI test needs.
 */
export function usePayoutsCliWorkspace(directoryPrefix: string): PayoutsCliHarness {
  let dataset: MallDataset | undefined;
  let mall: DemoMall | undefined;
  let simulator: WechatPaySimulator | undefined;
  let directory: string | undefined;
  let env: Record<string, string> = {};

  const cli: PayoutsCliHarness['cli'] = (args, extraEnv = {}, onSpawn) =>
    new Promise((resolve) => {
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

  beforeAll(() => {
    dataset = generateMallDataset({ seed: 7, month: '2026-10', orderCount: 300 });
  });

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), directoryPrefix));
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
    mall = await startDemoMall({ dataset: structuredClone(required(dataset, 'dataset')), token });
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
    await mall?.close();
    await simulator?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  return {
    get dataset() {
      return required(dataset, 'dataset');
    },
    get mall() {
      return required(mall, 'mall');
    },
    get simulator() {
      return required(simulator, 'simulator');
    },
    get directory() {
      return required(directory, 'directory');
    },
    cli,
    as: (user) => ({ LEDGERDESK_USER_PASSWORD: `${user}-password-1` }),
  };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`the payouts CLI harness has no ${name} outside a test`);
  return value;
}
