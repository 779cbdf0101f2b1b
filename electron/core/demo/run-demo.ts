import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../auth';
import { fixedClock, type Clock } from '../calendar/shanghai';
import { importChannelFiles } from '../imports';
import { trialBalance } from '../ledger/queries';
import { generateMallDataset, startDemoMall, writeDemoChannelFiles } from '../mall/demo';
import { gmvCrossCheck, saveMallConnection, syncFromMall } from '../mall/sync';
import { fen, formatFenForDisplay } from '../money';
import { createWorkspace, verifyWorkspace, type Workspace } from '../workspace';
import { auditPackageStep, closeBlockedStep, closeStep, createDemoUsers, reconcileStep, reportStep, reviewStep, settlementStep, withdrawalsStep, type DemoActors } from './month-end-steps';

/** One step of the month-end demo and what it did, in words a finance user reads. */
export interface DemoStepResult {
  step: string;
  ok: boolean;
  summary: string;
  figures?: Record<string, unknown>;
}

export interface DemoOptions {
  outDirectory: string;
  passphrase: string;
  adminPassword: string;
  seed?: number;
  orderCount?: number;
  /** The demo month; the books start on its first day. */
  month?: string;
  clock?: Clock;
  /**
   * 'month_end' (default) runs everything through the sealed audit package; 'books' stops after
   * the import, leaving reconciliation and review for the user to try in the app.
   */
  scope?: DemoScope;
  onStep?: (result: DemoStepResult) => void;
}

export type DemoScope = 'books' | 'month_end';

const bookSteps = ['workspace', 'demo_mall', 'sync', 'channel_files', 'import', 'verify'];
const monthEndSteps = ['reconcile', 'close_check', 'review', 'withdrawals', 'settlement', 'sync_again', 'close', 'report', 'audit_package'];

/** How many steps a demo reports, for progress bars. */
export function demoStepCount(scope: DemoScope = 'month_end'): number {
  return bookSteps.length + (scope === 'month_end' ? monthEndSteps.length : 0);
}

export interface DemoResult {
  workspacePath: string;
  steps: DemoStepResult[];
  ok: boolean;
}

export const DEMO_MONTH = '2026-10';
export const DEMO_COMPANY = '示例商城（演示）有限公司';
/** Just after the demo month ends: bills for the last day have arrived (T+1). */
export const DEMO_NOW = '2026-11-02T02:00:00.000Z';

/**
 * The whole month-end on embedded demo data, as far as the project goes: a workspace, the demo
 * mall on loopback, its channel files, import, and the checks. Each capability adds its step.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const month = options.month ?? DEMO_MONTH;
  const clock = options.clock ?? fixedClock(DEMO_NOW);
  const steps: DemoStepResult[] = [];
  const record = (result: DemoStepResult) => {
    steps.push(result);
    options.onStep?.(result);
  };
  mkdirSync(options.outDirectory, { recursive: true });
  const workspacePath = join(options.outDirectory, 'demo.ldw');
  // The demo folder is ours: a previous demo workspace is replaced, nothing else is touched.
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(workspacePath + suffix)) rmSync(workspacePath + suffix);
  const workspace = createWorkspace({
    path: workspacePath,
    passphrase: options.passphrase,
    companyName: DEMO_COMPANY,
    adminName: 'admin',
    adminPassword: options.adminPassword,
    booksStartDate: `${month}-01`,
    clock,
  });
  const actor: Actor = { userName: 'admin', role: 'admin' };
  const actors = createDemoUsers(workspace, options.adminPassword);
  record({ step: 'workspace', ok: true, summary: `created the encrypted workspace ${workspacePath} for ${DEMO_COMPANY}, books from ${month}-01; users admin, clerk, ops (operations), finance` });
  const dataset = generateMallDataset({ seed: options.seed ?? 20261, month, orderCount: options.orderCount ?? 2000 });
  const mall = await startDemoMall({ dataset, port: 0, token: 'demo-token' });
  try {
    record({
      step: 'demo_mall',
      ok: true,
      summary: `demo mall serving ${dataset.orders.length} orders, ${dataset.refunds.length} refunds, ${dataset.topups.length} top-ups, ${dataset.commissions.length} commissions, ${dataset.withdrawals.length} withdrawals at ${mall.url}`,
    });
    saveMallConnection(workspace, { url: mall.url, token: 'demo-token' }, actor.userName);
    const synced = await syncFromMall(workspace, { actorName: actor.userName });
    const gmv = gmvCrossCheck(workspace.sqlite, `${month}-01`, lastDayOf(month));
    record({
      step: 'sync',
      ok: true,
      summary: `synced ${synced.fetched.orders} orders, ${synced.fetched.refunds} refunds, ${synced.fetched.topups} top-ups, ${synced.fetched.commissions} commissions, ${synced.fetched.withdrawals} withdrawals; ${synced.entries_posted} ledger entries posted; ${synced.rejected.length} records rejected; GMV differs from the mall on ${gmv.days.filter((day) => day.differenceFen !== 0).length} of ${gmv.days.length} days`,
      figures: { fetched: synced.fetched, entries_posted: synced.entries_posted, rejected: synced.rejected.length },
    });
    const files = writeDemoChannelFiles(dataset, join(options.outDirectory, 'channel-files'));
    record({
      step: 'channel_files',
      ok: true,
      summary: `wrote ${files.files.length} WeChat Pay / Alipay / bank files with ${files.injected.length} injected discrepancies`,
      figures: { files: files.files.length, injected: files.injected.length },
    });
    await importStep(workspace, actor, files.files, record);
    if ((options.scope ?? 'month_end') === 'month_end') await monthEnd(workspace, actor, actors, files.injected.length, month, options.outDirectory, record);
    verifyStep(workspace, record);
  } finally {
    await mall.close();
    workspace.close();
  }
  return { workspacePath, steps, ok: steps.every((step) => step.ok) };
}

async function monthEnd(
  workspace: Workspace,
  actor: Actor,
  actors: DemoActors,
  injectedCount: number,
  month: string,
  outDirectory: string,
  record: (result: DemoStepResult) => void,
): Promise<void> {
  reconcileStep(workspace, actors, injectedCount, record);
  closeBlockedStep(workspace, actors, month, record);
  reviewStep(workspace, actors, record);
  await withdrawalsStep(workspace, actors, record);
  await settlementStep(workspace, actors, record);
  await resyncStep(workspace, actor, record);
  closeStep(workspace, actors, month, record);
  await reportStep(workspace, month, outDirectory, record);
  await auditPackageStep(workspace, actors, month, lastDayOf(month), outDirectory, record);
}

async function importStep(workspace: Workspace, actor: Actor, files: string[], record: (result: DemoStepResult) => void): Promise<void> {
  const results = await importChannelFiles(workspace, files, { actor });
  const rejected = results.filter((result) => result.error);
  const rows = results.reduce((sum, result) => sum + result.rows, 0);
  const fees = trialBalance(workspace.sqlite).lines.find((line) => line.accountCode === '6601');
  record({
    step: 'import',
    ok: rejected.length === 0,
    summary: `imported ${results.length - rejected.length} files, ${rows} channel rows; channel fees booked ${formatFenForDisplay(fees?.balanceFen ?? fen(0))}${rejected.length ? `; REJECTED: ${rejected.map((result) => `${result.file}: ${result.error?.reason}`).join('; ')}` : ''}`,
    figures: { files: results.length, rows, rejected: rejected.length },
  });
}

/** The mall now reports our review decisions and payouts back: a second sync books only what is new. */
async function resyncStep(workspace: Workspace, actor: Actor, record: (result: DemoStepResult) => void): Promise<void> {
  const synced = await syncFromMall(workspace, { actorName: actor.userName });
  record({
    step: 'sync_again',
    ok: synced.rejected.length === 0,
    summary: `second sync after the write-backs: ${synced.fetched.withdrawals} withdrawals and ${synced.fetched.commissions} commissions changed in the mall; ${synced.entries_posted} entries posted (our own review entries are not booked twice)`,
  });
}

function verifyStep(workspace: Workspace, record: (result: DemoStepResult) => void): void {
  const report = verifyWorkspace(workspace.sqlite);
  const balance = trialBalance(workspace.sqlite);
  record({
    step: 'verify',
    ok: report.ok,
    summary: `${report.ok ? 'all integrity checks pass' : `FAILED: ${report.checks.filter((check) => !check.ok).map((check) => check.detail).join('; ')}`}; debits ${formatFenForDisplay(balance.debitTotalFen)} = credits ${formatFenForDisplay(balance.creditTotalFen)}`,
  });
}

function lastDayOf(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  const last = new Date(Date.UTC(year, monthNumber, 0));
  return last.toISOString().slice(0, 10);
}
