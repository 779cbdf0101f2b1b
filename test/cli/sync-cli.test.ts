import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';

const CLI = join(__dirname, '..', '..', 'bin', 'ledgerdesk.cjs');
const BUILT = join(__dirname, '..', '..', 'out', 'cli', 'ledgerdesk.cjs');
const token = 'cli-sync-token-not-to-be-logged';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> & { error?: { code: string; message: string } };
}

/** Async (the demo mall runs in this process and must keep answering while the child syncs). */
function run(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LEDGERDESK_FIXED_NOW: '2026-11-03T02:00:00.000Z', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (status) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      resolve({ status, stdout, stderr, json: last.startsWith('{') ? JSON.parse(last) : {} });
    });
  });
}

describe.skipIf(!existsSync(BUILT))('ledgerdesk sync (built CLI)', () => {
  let directory: string;
  let env: Record<string, string>;
  let dataset: MallDataset;
  let mall: DemoMall;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-sync-cli-'));
    env = { LEDGERDESK_PASSPHRASE: 'cli sync passphrase', LEDGERDESK_USER_PASSWORD: 'admin-password-1', LEDGERDESK_WORKSPACE: join(directory, 'books.ldw'), MALL_TOKEN: token };
    dataset = generateMallDataset({ seed: 77, month: '2026-10', orderCount: 300 });
    mall = await startDemoMall({ dataset, token });
    expect((await run(['init', '--books-start', '2026-10-01', '--json'], env)).status).toBe(0);
  });

  afterAll(async () => {
    await mall?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('syncs with --mall-url/--mall-token-env, then again from the remembered connection as a no-op', async () => {
    const first = await run(['sync', '--mall-url', mall.url, '--mall-token-env', 'MALL_TOKEN', '--json'], env);
    expect(first.status).toBe(0);
    expect(first.json).toMatchObject({
      fetched: { orders: dataset.orders.length, refunds: dataset.refunds.length, topups: dataset.topups.length, points: dataset.points.length, commissions: dataset.commissions.length, withdrawals: dataset.withdrawals.length, members: dataset.members.length },
      rejected: [],
      gmv_check: { from: '2026-10-01', to: '2026-10-31', difference: '0.00', dates: [] },
    });
    expect(first.json.entries_posted).toBeGreaterThan(dataset.orders.length);

    const second = await run(['sync', '--json'], { ...env, MALL_TOKEN: '' });
    expect(second.status).toBe(0);
    expect(second.json.entries_posted).toBe(0);

    const order = dataset.orders.find((candidate) => candidate.status === 'completed')!;
    const found = await run(['ledger', 'find', order.order_no, '--json'], env);
    const types = (found.json.entries as { type: string; source: { resource: string } }[]).filter((entry) => entry.source.resource === 'orders').map((entry) => entry.type);
    expect(types).toContain('order_payment');
    expect(types).toContain('order_completion');
    const payment = (found.json.entries as { type: string; postings: { debit: string; credit: string }[] }[]).find((entry) => entry.type === 'order_payment')!;
    expect(payment.postings[0].debit).toMatch(/^\d+\.\d{2}$/);

    const verify = await run(['verify', '--json'], env);
    expect(verify.json.ok).toBe(true);
    expect((verify.json.checks as { name: string; ok: boolean }[]).find((check) => check.name === 'mall_documents_complete')?.ok).toBe(true);

    // The token is stored sealed: never in the output, nor readable in the workspace file.
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(token);
    expect(readFileSync(env.LEDGERDESK_WORKSPACE).includes(Buffer.from(token))).toBe(false);
  });

  it('a wrong token stops with mall_unauthorized (exit 1); a missing token variable is a usage error (exit 2)', async () => {
    const wrong = await run(['sync', '--mall-token-env', 'WRONG_TOKEN', '--json'], { ...env, WRONG_TOKEN: 'not-the-token' });
    expect(wrong.status).toBe(1);
    expect(wrong.json.error?.code).toBe('mall_unauthorized');
    expect(wrong.json.error?.message).toContain('401');
    const missing = await run(['sync', '--mall-token-env', 'NOT_SET', '--json'], env);
    expect(missing.status).toBe(2);
    expect(missing.json.error?.code).toBe('usage');
  });

  it('an auditor may not sync', async () => {
    const added = await run(['user', 'add', 'audrey', '--role', 'auditor', '--password-env', 'AUDITOR_PASSWORD', '--json'], { ...env, AUDITOR_PASSWORD: 'auditor-password-1' });
    expect(added.status).toBe(0);
    const denied = await run(['--user', 'audrey', 'sync', '--json'], { ...env, LEDGERDESK_USER_PASSWORD: 'auditor-password-1' });
    expect(denied.status).toBe(1);
    expect(denied.json.error?.code).toBe('forbidden');
  });

  it('demo-mall serves the contract, prints its URL and token, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, 'demo-mall', '--port', '0', '--orders', '50', '--month', '2026-10', '--seed', '3', '--json'], { env: { PATH: process.env.PATH ?? '' } });
    const firstLine = await new Promise<string>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        if (buffered.includes('\n')) resolve(buffered.split('\n')[0]);
      });
    });
    const ready = JSON.parse(firstLine) as { url: string; token: string; orders: number };
    expect(ready.orders).toBe(50);
    const response = await fetch(`${ready.url}/v1/ping`, { headers: { authorization: `Bearer ${ready.token}` } });
    expect(response.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
