import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { yuanToFen } from '../../electron/core/money';
import { CLI_PATH } from '../support/run-cli';

const token = 'cli-file-results-token';
let dataset: MallDataset;
let mall: DemoMall;
let directory: string;
let env: Record<string, string>;

interface Run {
  status: number | null;
  json: Record<string, unknown> & { error?: { code: string; message: string } };
}

/** The built CLI as a child process, asynchronously: the demo mall lives in this process. */
function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args, '--json'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extraEnv } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('close', (status) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      resolve({ status, json: last.startsWith('{') ? JSON.parse(last) : {} });
    });
  });
}

const as = (user: string) => ['--user', user];
const password = (user: string) => ({ LEDGERDESK_USER_PASSWORD: `${user}-password-1` });

async function writeResults(name: string, rows: string[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('results');
  sheet.addRow(['out_bill_no', 'status', 'reason']);
  for (const row of rows) sheet.addRow(row);
  const filePath = join(directory, name);
  await workbook.xlsx.writeFile(filePath);
  return filePath;
}

beforeAll(() => {
  dataset = generateMallDataset({ seed: 7, month: '2026-10', orderCount: 300 });
});

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-payout-results-cli-'));
  env = {
    LEDGERDESK_PASSPHRASE: 'payout results cli passphrase',
    LEDGERDESK_WORKSPACE: join(directory, 'books.ldw'),
    LEDGERDESK_FIXED_NOW: '2026-11-03T02:00:00.000Z',
    LEDGERDESK_USER_PASSWORD: 'admin-password-1',
    MALL_TOKEN: token,
    OPS_PASSWORD: 'ops-password-1',
    FIN_PASSWORD: 'fin-password-1',
    AUD_PASSWORD: 'aud-password-1',
  };
  mall = await startDemoMall({ dataset: structuredClone(dataset), token });
  expect((await cli(['init', '--books-start', '2026-10-01'])).status).toBe(0);
  for (const [name, role, variable] of [['ops', 'operations', 'OPS_PASSWORD'], ['fin', 'finance', 'FIN_PASSWORD'], ['aud', 'auditor', 'AUD_PASSWORD']]) {
    expect((await cli(['user', 'add', name, '--role', role, '--password-env', variable])).status).toBe(0);
  }
  expect((await cli(['sync', '--mall-url', mall.url, '--mall-token-env', 'MALL_TOKEN'])).json.entries_posted).toBeGreaterThan(0);
}, 180_000);

afterEach(async () => {
  await mall.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('ledgerdesk payouts import-results (built binary)', () => {
  it('books a bank withdrawal paid by hand once; a bad or repeated file exits 1 and books nothing', async () => {
    const list = await cli(['withdrawals', '--status', 'submitted']);
    const items = list.json.items as { withdrawal_no: string; amount: string; method: string }[];
    const offChannel = items.filter((item) => item.method !== 'wechat' && yuanToFen(item.amount) < 1_000_000).slice(0, 2);
    expect(offChannel).toHaveLength(2);
    for (const item of offChannel) {
      expect((await cli(['withdrawal', 'review', item.withdrawal_no, '--decision', 'approve', ...as('ops')], password('ops'))).status).toBe(0);
      expect((await cli(['withdrawal', 'review', item.withdrawal_no, '--decision', 'approve', ...as('fin')], password('fin'))).status).toBe(0);
    }
    const submitted = await cli(['payouts', '--submit', ...as('fin')], password('fin'));
    const payouts = submitted.json.items as { out_bill_no: string; state: string; method: string }[];
    expect(payouts.map((payout) => payout.state)).toEqual(['processing', 'processing']);
    const [paid, bounced] = payouts.map((payout) => payout.out_bill_no);
    // verify reads the mall's copy of each withdrawal: sync first so it carries our decisions.
    expect((await cli(['sync', '--mall-url', mall.url, '--mall-token-env', 'MALL_TOKEN'])).status).toBe(0);
    const exported = await cli(['verify']);
    expect(exported.status, JSON.stringify(exported.json).slice(0, 1500)).toBe(0);

    const bad = await writeResults('bad.xlsx', [[paid, 'success', ''], ['W999999', 'success', '']]);
    const refused = await cli(['payouts', 'import-results', bad, ...as('fin')], password('fin'));
    expect(refused.status).toBe(1);
    expect(refused.json).toEqual({ applied: [], errors: [{ file: 'bad.xlsx', line: 3, reason: expect.stringMatching(/not a payout of this export/) }] });
    expect(((await cli(['payouts'])).json.items as { state: string }[]).map((item) => item.state)).toEqual(['processing', 'processing']);

    const good = await writeResults('results.xlsx', [[paid, 'success', ''], [bounced, 'failed', '户名不符']]);
    expect((await cli(['payouts', 'import-results', good, ...as('aud')], password('aud'))).json.error?.code).toBe('forbidden');
    const imported = await cli(['payouts', 'import-results', good, ...as('fin')], password('fin'));
    expect(imported.status).toBe(0);
    expect(imported.json).toMatchObject({
      applied: [
        { out_bill_no: paid, state: 'success' },
        { out_bill_no: bounced, state: 'failed' },
      ],
      errors: [],
      write_back: { attempted: true, sent: 2 },
    });
    expect(mall.writes.filter((write) => write.path.endsWith('/payout-result') && write.status === 200).map((write) => (write.body as { status: string }).status)).toEqual(['paid', 'failed']);

    const again = await cli(['payouts', 'import-results', good, ...as('fin')], password('fin'));
    expect(again.status).toBe(1);
    expect(again.json).toEqual({
      applied: [],
      errors: [
        { file: 'results.xlsx', line: 2, reason: expect.stringMatching(/already settled/) },
        { file: 'results.xlsx', line: 3, reason: expect.stringMatching(/already settled/) },
      ],
    });
    expect((await cli(['sync', '--mall-url', mall.url, '--mall-token-env', 'MALL_TOKEN'])).status).toBe(0);
    const verified = await cli(['verify']);
    expect(verified.status, JSON.stringify(verified.json).slice(0, 1500)).toBe(0);
    expect((await cli(['payouts', 'import-results'])).status).toBe(2);
  }, 180_000);
});
