import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateMallDataset, startDemoMall } from '../../../electron/core/mall/demo';
import { syncFromMall } from '../../../electron/core/mall/sync';
import { CHILD_RESULT_MARKER, printChildResult } from '../child';
import { BENCH_ADMIN, createBenchWorkspace } from '../data/ledger';
import { BENCH_SEED } from '../artifacts';
import { scales, type Scale, type ScaleName } from '../scales';
import { countLabel, timed, type BenchOperation, type OperationContext, type TimedRun } from './types';

const MALL_TOKEN = 'bench-mall-token';
const SYNC_MONTH = '2026-10';
/** The mall child's answer to a CPU question on its stdin. */
const CPU_LINE_PREFIX = 'mall-cpu-seconds ';

/**
 * `--serve-mall`: the demo mall in its own process, so generating and serving the data costs the
 * measured sync neither memory nor its core. Prints its URL, serves until stdin closes.
 */
export async function serveMallInChild(scaleName: ScaleName): Promise<void> {
  const dataset = generateMallDataset({ seed: BENCH_SEED + 3000, month: SYNC_MONTH, orderCount: scales[scaleName].syncOrderCount });
  const mall = await startDemoMall({ dataset, port: 0, host: '127.0.0.1', token: MALL_TOKEN });
  printChildResult({ ok: true, value: { url: mall.url } });
  // Each line on stdin asks for the CPU seconds this process has used: the mall's share of the run.
  process.stdin.setEncoding('utf8').on('data', () => {
    const usage = process.cpuUsage();
    process.stdout.write(`${CPU_LINE_PREFIX}${(usage.user + usage.system) / 1e6}\n`);
  });
  await new Promise<void>((resolve) => process.stdin.on('end', () => resolve()).on('close', () => resolve()));
  await mall.close();
}


interface MallServer {
  url: string;
  /** CPU seconds the mall process has used so far. */
  cpuSeconds(): Promise<number>;
  stop(): void;
}

function startMallServer(scale: Scale): Promise<MallServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [process.argv[1], '--serve-mall', '--scale', scale.name], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buffered = '';
    let started = false;
    const cpuWaiters: ((seconds: number) => void)[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(CPU_LINE_PREFIX)) cpuWaiters.shift()?.(Number(line.slice(CPU_LINE_PREFIX.length)));
        if (started || !line.startsWith(CHILD_RESULT_MARKER)) continue;
        started = true;
        const outcome = JSON.parse(line.slice(CHILD_RESULT_MARKER.length)) as { ok: true; value: { url: string } } | { ok: false; error: string };
        if (!outcome.ok) reject(new Error(outcome.error));
        else {
          resolve({
            url: outcome.value.url,
            cpuSeconds: () =>
              new Promise((resolveCpu) => {
                cpuWaiters.push(resolveCpu);
                child.stdin.write('cpu\n');
              }),
            stop: () => child.stdin.end(),
          });
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the demo mall exited ${code} before serving`)));
  });
}

async function measureSync(context: OperationContext): Promise<TimedRun> {
  const workspace = createBenchWorkspace(join(context.workDir, 'books.ldw'), `${SYNC_MONTH}-01`);
  const mall = await startMallServer(context.scale);
  try {
    const mallCpuBefore = await mall.cpuSeconds();
    const { value: result, seconds, cpuSeconds } = await timed(() => syncFromMall(workspace, { url: mall.url, token: MALL_TOKEN, actorName: BENCH_ADMIN.userName }));
    const mallCpuSeconds = (await mall.cpuSeconds()) - mallCpuBefore;
    if (result.fetched.orders !== context.scale.syncOrderCount) throw new Error(`synced ${result.fetched.orders} orders, the mall has ${context.scale.syncOrderCount}`);
    const otherRecords = Object.entries(result.fetched).filter(([resource]) => resource !== 'orders').reduce((sum, [, count]) => sum + count, 0);
    return {
      seconds,
      cpuSeconds,
      rowCount: result.fetched.orders,
      note: `plus ${otherRecords} other records (members, refunds, top-ups, points, commissions, withdrawals), ${result.entries_posted} entries posted, ${result.rejected.length} rejected; the demo mall process used cpu ${mallCpuSeconds.toFixed(2)} s meanwhile`,
    };
  } finally {
    mall.stop();
    workspace.close();
  }
}

export const syncOperation: BenchOperation = {
  name: 'sync orders over loopback',
  size: (scale: Scale) => countLabel(scale.syncOrderCount, 'orders'),
  target: { secondsMax: 30, ratioToFloorMax: null, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: [],
  measure: measureSync,
};
