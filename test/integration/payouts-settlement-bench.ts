/**
 * Commission settlement for N distributors (DESIGN.md 12: 2,000 in <= 5 s): group, post, sign and
 * submit to the WeChat Pay simulator, which runs in its own process so its signing and
 * verification do not share this process's core. Setup (workspace, synced members, accrued
 * commissions, payout config) is not timed.
 *
 *   npx tsx test/integration/payouts-settlement-bench.ts [distributors=2000] [commissionsPerDistributor=3]
 *
 * measureSettlement is exported for the bench harness (test/bench) to call.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { runSettlement } from '../../electron/core/commissions';
import { postEntry } from '../../electron/core/ledger/post';
import { commissionAccrualEntry } from '../../electron/core/ledger/rules/commissions';
import { fen, formatFenAsYuan, multiplyByRate } from '../../electron/core/money';
import { createConfiguredPayoutChannels, saveWechatPayoutConfig, submitPayouts } from '../../electron/core/payouts';
import { startWechatPaySimulator } from '../../electron/core/payouts/wechat/simulator';
import { wechatPayTestKeys } from '../../electron/core/payouts/wechat/test-keys';
import { createWorkspace, type Workspace } from '../../electron/core/workspace';

const READY_MARKER = 'SIMULATOR_READY ';

/** Transfers in flight at once in the bench: the app's default (createConfiguredPayoutChannels). */
export const SETTLEMENT_CONCURRENCY = 8;

interface SimulatorKeys {
  merchantPublicKeyPem: string;
  mchid: string;
  serialNo: string;
  platformPrivateKeyPem: string;
  platformSerial: string;
}

/** The child's side: `<script> --serve-simulator` (a bench harness that bundles this file routes the flag here). */
export async function serveSimulator(): Promise<void> {
  const keys = JSON.parse(Buffer.from(process.env.LEDGERDESK_BENCH_SIMULATOR_KEYS ?? '', 'base64').toString('utf8')) as SimulatorKeys;
  const simulator = await startWechatPaySimulator({
    port: 0,
    merchant: { mchid: keys.mchid, merchantPublicKeyPem: keys.merchantPublicKeyPem, serial: keys.serialNo },
    platformPrivateKeyPem: keys.platformPrivateKeyPem,
    platformSerial: keys.platformSerial,
  });
  // Its CPU from here on (an idle simulator uses none) is the settlement's other half on 2 cores.
  const cpuAtReady = process.cpuUsage();
  process.stdout.write(`${READY_MARKER}${simulator.url}\n`);
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.on('end', resolve).on('close', resolve));
  const cpu = process.cpuUsage(cpuAtReady);
  process.stdout.write(`TRANSFERS ${simulator.transfers.size} CPU ${(cpu.user + cpu.system) / 1e6}\n`);
  await simulator.close();
}

interface SimulatorProcessReport {
  transfers: number;
  cpuSeconds: number;
}

function startSimulatorProcess(keys: SimulatorKeys, script: string): Promise<{ url: string; stop(): Promise<SimulatorProcessReport> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, '--serve-simulator'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, LEDGERDESK_BENCH_SIMULATOR_KEYS: Buffer.from(JSON.stringify(keys)).toString('base64') },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((candidate) => candidate.startsWith(READY_MARKER));
      if (line && !output.includes('\u0000resolved')) {
        output += '\u0000resolved';
        resolve({
          url: line.slice(READY_MARKER.length).trim(),
          stop: () =>
            new Promise((done) => {
              child.on('exit', () => {
                const report = /TRANSFERS (\d+) CPU ([\d.]+)/.exec(output);
                done({ transfers: Number(report?.[1] ?? -1), cpuSeconds: Number(report?.[2] ?? Number.NaN) });
              });
              child.stdin.end();
            }),
        });
      }
    });
    child.on('error', reject);
  });
}

/** Members and accrued commissions as the sync leaves them, for `distributorCount` distributors. */
function seedCommissions(workspace: Workspace, distributorCount: number, commissionsPerDistributor: number): void {
  const insert = workspace.sqlite.prepare(
    `INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at)
     VALUES (?, ?, 1, ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const at = '2026-10-08T10:00:00+08:00';
  const context = workspace.postingContext('sync');
  workspace.sqlite.transaction(() => {
    for (let index = 1; index <= distributorCount; index += 1) {
      const memberId = `m_${index.toString().padStart(7, '0')}`;
      insert.run('members', memberId, at, null, memberId, null, JSON.stringify({ id: memberId, real_name: `分销员${index}`, wechat_openid: `o_bench_${index}`, is_distributor: true }), at);
      for (let line = 1; line <= commissionsPerDistributor; line += 1) {
        const id = `c_${index}_${line}`;
        const basisFen = 10_000 + ((index * 37 + line * 11) % 90_000);
        const body = {
          id,
          distributor_id: memberId,
          order_id: `o_${index}_${line}`,
          order_no: `NO${index}${line}`,
          line_id: `l_${index}_${line}`,
          level: 1,
          basis_amount: formatFenAsYuan(fen(basisFen)),
          rate: '0.05',
          amount: formatFenAsYuan(multiplyByRate(fen(basisFen), '0.05', 'half-up')),
          status: 'settleable',
          settleable_at: at,
        };
        const amountFen = multiplyByRate(fen(basisFen), '0.05', 'half-up');
        insert.run('commissions', id, at, body.order_no, memberId, body.order_id, JSON.stringify(body), at);
        postEntry(context, commissionAccrualEntry({ source: { resource: 'commissions', id, no: `${body.order_no}/${body.line_id}/1` }, distributorId: memberId, settleableAt: at, amountFen })!);
      }
    }
  })();
}

export interface SettlementMeasurement {
  seconds: number;
  cpuSeconds: number;
  settlementSeconds: number;
  settlementCpuSeconds: number;
  /** Inside the channel: signing, HTTP round trips, the simulator. */
  channelSeconds: number;
  payoutCount: number;
  transfersOnSimulator: number;
  /** The simulator process's CPU while it served (its RSA signing and verification run there, on the other core). */
  simulatorCpuSeconds: number;
  states: Record<string, number>;
}

/** `simulatorScript`: a script that serves the simulator on `--serve-simulator` (default: this file, run with the same loader flags). */
export async function measureSettlement(
  workDir: string,
  distributorCount = 2000,
  commissionsPerDistributor = 3,
  concurrency = SETTLEMENT_CONCURRENCY,
  simulatorScript: string = __filename,
): Promise<SettlementMeasurement> {
  const keys = wechatPayTestKeys();
  const simulator = await startSimulatorProcess({
    merchantPublicKeyPem: keys.merchant.publicKeyPem,
    mchid: keys.merchant.mchid,
    serialNo: keys.merchant.serialNo,
    platformPrivateKeyPem: keys.platform.privateKeyPem,
    platformSerial: keys.platform.serial,
  }, simulatorScript);
  const workspace = createWorkspace({
    path: join(workDir, 'books.ldw'),
    passphrase: 'settlement bench passphrase',
    companyName: 'bench',
    adminName: 'admin',
    adminPassword: 'admin-password-1',
    booksStartDate: '2026-10-01',
    clock: fixedClock('2026-10-15T04:00:00Z'),
  });
  try {
    seedCommissions(workspace, distributorCount, commissionsPerDistributor);
    saveWechatPayoutConfig(workspace, 'admin', {
      baseUrl: simulator.url,
      mchid: keys.merchant.mchid,
      appid: 'wx8888888888888888',
      serialNo: keys.merchant.serialNo,
      api: 'transfer-bills',
      merchantPrivateKeyPem: keys.merchant.privateKeyPem,
      platformKeyPem: keys.platform.publicKeyPem,
      platformSerial: keys.platform.serial,
    });
    const configured = createConfiguredPayoutChannels(workspace, { concurrency });
    // The channel's share of the time (signing, HTTP, the simulator) beside our own bookkeeping.
    let channelSeconds = 0;
    const wechat = configured.wechat!;
    const channels = {
      ...configured,
      wechat: {
        ...wechat,
        submit: async (...args: Parameters<typeof wechat.submit>) => {
          const before = process.hrtime.bigint();
          try {
            return await wechat.submit(...args);
          } finally {
            channelSeconds += Number(process.hrtime.bigint() - before) / 1e9;
          }
        },
      },
    };
    const cpuBefore = process.cpuUsage();
    const startedAt = process.hrtime.bigint();
    const settlement = runSettlement(workspace, { userName: 'admin', role: 'admin' });
    const settledAt = process.hrtime.bigint();
    const settlementCpu = process.cpuUsage(cpuBefore);
    const { payouts } = await submitPayouts(workspace, 'admin', channels, { settlementNo: settlement.settlementNo });
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const states: Record<string, number> = {};
    for (const payout of payouts) states[payout.state] = (states[payout.state] ?? 0) + 1;
    return {
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      settlementSeconds: Number(settledAt - startedAt) / 1e9,
      settlementCpuSeconds: (settlementCpu.user + settlementCpu.system) / 1e6,
      channelSeconds,
      payoutCount: payouts.length,
      ...(await simulator.stop().then((report) => ({ transfersOnSimulator: report.transfers, simulatorCpuSeconds: report.cpuSeconds }))),
      states,
    };
  } finally {
    workspace.close();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve-simulator')) return serveSimulator();
  const distributorCount = Number.parseInt(process.argv[2] ?? '2000', 10);
  const perDistributor = Number.parseInt(process.argv[3] ?? '3', 10);
  const concurrency = Number.parseInt(process.argv[4] ?? String(SETTLEMENT_CONCURRENCY), 10);
  const workDir = mkdtempSync(join(tmpdir(), 'ledgerdesk-settlement-bench-'));
  try {
    const result = await measureSettlement(workDir, distributorCount, perDistributor, concurrency);
    process.stdout.write(`${JSON.stringify({ operation: 'commission settlement', size: `${distributorCount} distributors`, ...result, target_seconds: 5, pass: result.seconds <= 5 })}\n`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('payouts-settlement-bench.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exitCode = 1;
  });
}
