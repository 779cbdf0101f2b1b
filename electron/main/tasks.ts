import type { AuditPackageVerifyResult, BackupInfo, CloseMonthResult, SealInfoResult, ExportKind, ExportResult, ImportFileResult, MallResource, PayoutResultsImportInfo, PayoutRoute, PayoutRow, ReconcileSummaryResult, SettlementRunResult, SyncRunResult, VerifyResult } from '../api';
import { authenticate, type Actor } from '../core/auth';
import { closeFigures, closeMonth, monthStatus } from '../core/close';
import { postCommissionClawbacks, runSettlement } from '../core/commissions';
import { LedgerdeskError } from '../core/errors';
import { createConfiguredPayoutChannels, flushPendingMallWrites, importPayoutResults, listPayouts, pollPayouts, submitPayouts, type ConfiguredPayoutChannels } from '../core/payouts';
import { fixedClock, shanghaiDate } from '../core/calendar/shanghai';
import { demoStepCount, runDemo } from '../core/demo';
import { importChannelFiles } from '../core/imports';
import { gmvCrossCheck, syncFromMall, type SyncProgress } from '../core/mall/sync';
import { runReconciliation } from '../core/reconcile';
import { backupWorkspace, openWorkspace, restoreWorkspace, verifyWorkspace, type Workspace } from '../core/workspace';
import { existsSync, readFileSync } from 'node:fs';
import { verifyAuditPackage } from '../core/exports/audit-package';
import { createTrialSeal, importSeal } from '../core/exports/workspace-seal';
import { exportMonth } from './month-exports';
import { closeBlockers, closeFiguresInfo, payoutRowOf } from './result-shapes';

/**
 * Long operations run away from the thread that serves the window. Each task opens its own
 * connection to the workspace (WAL lets it work beside the main connection), so it can run in a
 * worker thread: the Electron shell runs them in a worker_threads Worker (task-worker.ts); the
 * test bridge runs the very same functions in-process. Inputs and outputs are plain data; the
 * actor was authenticated by main, and `now` is main's clock at the start of the task.
 */
export interface TaskInputs {
  verify: { path: string; passphrase: string };
  demo: { outDirectory: string; passphrase: string; adminPassword: string };
  reconcile: { path: string; passphrase: string; actor: Actor; now: string; fromDate?: string; toDate?: string };
  sync: { path: string; passphrase: string; actor: Actor; now: string };
  import: { path: string; passphrase: string; actor: Actor; now: string; files: string[] };
  export: { path: string; passphrase: string; actor: Actor; now: string; month: string; kind: ExportKind; directory: string };
  close: { path: string; passphrase: string; actor: Actor; now: string; month: string };
  settlement: { path: string; passphrase: string; actor: Actor; now: string; cycleEnd?: string; route?: PayoutRoute };
  payouts: { path: string; passphrase: string; actor: Actor; now: string; action: 'submit' | 'poll'; settlementNo?: string };
  /** Books a bank / Alipay results sheet (read with exceljs), then flushes the mall write-backs. */
  payoutResults: { path: string; passphrase: string; actor: Actor; now: string; resultsFile: string };
  backup: { path: string; passphrase: string; actor: Actor; now: string; outFile: string };
  /**
   * Replaces the workspace at `path` (closed by main first) with a verified backup. The user is
   * authenticated against the backup's own users: they are the restored workspace's users.
   */
  restore: { path: string; passphrase: string; now: string; backupFile: string; userName: string; password: string };
  /** Key generation and PKCS#12 encryption (node-forge) take long enough to freeze a window. */
  sealTrial: { path: string; passphrase: string; actor: Actor; now: string; companyName: string; validDays?: number };
  sealImport: { path: string; passphrase: string; actor: Actor; now: string; p12File: string; password: string };
  /** Hashes every file of the package and checks every signature. */
  verifyPackage: { directory: string };
}
export interface TaskOutputs {
  verify: VerifyResult;
  demo: { workspacePath: string; ok: boolean; steps: { step: string; ok: boolean; summary: string }[] };
  reconcile: ReconcileSummaryResult;
  sync: SyncRunResult;
  import: { files: ImportFileResult[] };
  export: ExportResult;
  close: CloseMonthResult;
  settlement: SettlementRunResult;
  payouts: { items: PayoutRow[]; exportFiles: string[] };
  payoutResults: PayoutResultsImportInfo;
  backup: BackupInfo;
  restore: { file: string; sha256: string; checks: { name: string; ok: boolean; detail: string }[] };
  sealTrial: SealInfoResult;
  sealImport: SealInfoResult;
  verifyPackage: AuditPackageVerifyResult;
}
export type TaskName = keyof TaskInputs;

export type ReportProgress = (label: string, done: number, total: number | null) => void;

export interface TaskRunner {
  run<K extends TaskName>(name: K, input: TaskInputs[K], onProgress: ReportProgress): Promise<TaskOutputs[K]>;
}

type TaskFunction<K extends TaskName> = (input: TaskInputs[K], report: ReportProgress) => TaskOutputs[K] | Promise<TaskOutputs[K]>;

export const tasks: { [K in TaskName]: TaskFunction<K> } = {
  verify(input, report) {
    report('verify', 0, 1);
    const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, readonly: true });
    try {
      const result = verifyWorkspace(workspace.sqlite);
      report('verify', 1, 1);
      return { ok: result.ok, checks: result.checks.map((check) => ({ name: check.name, ok: check.ok, detail: check.detail })) };
    } finally {
      workspace.close();
    }
  },

  async demo(input, report) {
    // The app's demo stops after the import: reconciliation and review are for the user to try.
    const stepCount = demoStepCount('books');
    let done = 0;
    const result = await runDemo({
      scope: 'books',
      outDirectory: input.outDirectory,
      passphrase: input.passphrase,
      adminPassword: input.adminPassword,
      onStep: (step) => report(`demo:${step.step}`, Math.min((done += 1), stepCount), stepCount),
    });
    return { workspacePath: result.workspacePath, ok: result.ok, steps: result.steps.map((step) => ({ step: step.step, ok: step.ok, summary: step.summary })) };
  },

  reconcile(input, report) {
    report('reconcile', 0, 1);
    const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, clock: fixedClock(input.now) });
    try {
      const summary = runReconciliation(workspace, input.actor, { from: input.fromDate, to: input.toDate });
      report('reconcile', 1, 1);
      return {
        fromDate: summary.from,
        toDate: summary.to,
        matched: summary.matched,
        pending: summary.pending,
        openDiscrepancies: summary.openDiscrepancies,
        resolvedDiscrepancies: summary.resolvedDiscrepancies,
        byCategory: { ...summary.byCategory },
        openDifferenceFen: summary.openDifferenceFen,
        channelPaymentFen: summary.channelPaymentFen,
        discrepancyRate: summary.discrepancyRate,
      };
    } finally {
      workspace.close();
    }
  },

  sync: syncTask,
  import: importTask,

  export(input, report) {
    return withWorkspace(input, (workspace) => exportMonth(workspace, input.actor, input.month, input.kind, input.directory, new Date(input.now), report));
  },

  close: closeTask,

  settlement(input, report) {
    report('settlement', 0, 1);
    const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, clock: fixedClock(input.now) });
    try {
      const clawbacks = postCommissionClawbacks(workspace, input.actor.userName);
      const route = input.route ?? 'wechat';
      const result = runSettlement(workspace, input.actor, { cycleEnd: input.cycleEnd, payoutRoute: route });
      report('settlement', 1, 1);
      return {
        settlementNo: result.settlementNo,
        route,
        cycle: { start: result.cycle.start, end: result.cycle.end },
        payouts: result.payouts.map(payoutRowOf),
        carriedOver: result.carriedOver.map((one) => ({ distributorId: one.distributorId, amountFen: one.amountFen, commissionCount: one.commissionCount })),
        held: result.held.map((one) => ({ commissionId: one.commissionId, distributorId: one.distributorId, reason: one.reason })),
        clawbacks: clawbacks.filter((one) => !one.skipped).length,
      };
    } finally {
      workspace.close();
    }
  },

  payouts(input, report) {
    return withWorkspace(input, async (workspace) => {
      report(`payouts:${input.action}`, 0, null);
      const channels = createConfiguredPayoutChannels(workspace);
      const filter = input.settlementNo ? { settlementNo: input.settlementNo } : {};
      if (input.action === 'submit') await submitPayouts(workspace, input.actor.userName, channels, filter);
      else await pollPayouts(workspace, input.actor.userName, channels);
      report('payouts:clawbacks', 1, null);
      postCommissionClawbacks(workspace, input.actor.userName);
      report('payouts:mall', 2, null);
      await flushPendingMallWrites(workspace);
      return { items: listPayouts(workspace.sqlite, filter).map(payoutRowOf), exportFiles: pendingExportFiles(workspace, channels, input.settlementNo) };
    });
  },

  payoutResults(input, report) {
    return withWorkspace(input, async (workspace) => {
      report('payouts:results', 0, 1);
      // core checks settlement.run; one bad line and nothing is booked
      const imported = await importPayoutResults(workspace, input.actor, input.resultsFile);
      if (imported.applied.length > 0) {
        postCommissionClawbacks(workspace, input.actor.userName);
        await flushPendingMallWrites(workspace);
      }
      report('payouts:results', 1, 1);
      return {
        applied: imported.applied.map((one) => ({ outBillNo: one.outBillNo, state: one.state })),
        errors: imported.errors.map((error) => ({ file: error.file, line: error.line, reason: error.reason })),
      };
    });
  },

  backup(input, report) {
    return withWorkspace(input, async (workspace) => {
      report('backup', 0, 1);
      const backup = await backupWorkspace(workspace, input.outFile, { actor: input.actor });
      report('backup', 1, 1);
      return { file: backup.file, sha256: backup.sha256, bytes: backup.bytes, auditRowCount: backup.auditHead.rowCount };
    });
  },

  sealTrial(input, report) {
    report('seal', 0, 1);
    const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, clock: fixedClock(input.now) });
    try {
      // core requires settings.change
      const seal = createTrialSeal(workspace, input.companyName, input.actor, { validDays: input.validDays });
      report('seal', 1, 1);
      return { seal: { ...seal } };
    } finally {
      workspace.close();
    }
  },

  sealImport(input, report) {
    report('seal', 0, 1);
    let p12: Buffer;
    try {
      p12 = readFileSync(input.p12File);
    } catch (error) {
      throw new LedgerdeskError('not_found', `cannot read ${input.p12File}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, clock: fixedClock(input.now) });
    try {
      // core checks settings.change, the password and the validity
      const seal = importSeal(workspace, p12, input.password, input.actor);
      report('seal', 1, 1);
      return { seal: { ...seal } };
    } finally {
      workspace.close();
    }
  },

  async verifyPackage(input, report) {
    report('verify-package', 0, 1);
    if (!existsSync(input.directory)) throw new LedgerdeskError('not_found', `no audit package folder at ${input.directory}`);
    const check = await verifyAuditPackage(input.directory);
    report('verify-package', 1, 1);
    return { ok: check.ok, files: check.files.map((file) => ({ path: file.path, ok: file.ok, detail: file.detail })) };
  },

  async restore(input, report) {
    report('restore', 0, 1);
    const now = new Date(input.now);
    const restored = await restoreWorkspace(input.backupFile, input.path, input.passphrase, {
      clock: fixedClock(input.now),
      authorize: (backup) => authenticate(backup.sqlite, input.userName, input.password, now),
    });
    report('restore', 1, 1);
    return { file: restored.file, sha256: restored.sha256, checks: restored.checks.map((check) => ({ name: check.name, ok: check.ok, detail: check.detail })) };
  },
};

/** The export sheets (bank / Alipay, paid by hand) whose payouts still wait for a results sheet. */
function pendingExportFiles(workspace: Workspace, channels: ConfiguredPayoutChannels, settlementNo: string | undefined): string[] {
  const waiting = listPayouts(workspace.sqlite, settlementNo ? { settlementNo } : {}).filter((payout) => payout.channel === channels.file.name && !payout.finishedAt);
  const settlementNos = [...new Set(waiting.map((payout) => payout.settlementNo))].sort();
  return settlementNos.map((one) => channels.file.filePathFor(one)).filter((file) => existsSync(file));
}

/** Reconciles, then closes when nothing blocks; a refusal is an answer with its figures, not a failure. */
function closeTask(input: TaskInputs['close'], report: ReportProgress): CloseMonthResult {
  report('close', 0, 1);
  const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, clock: fixedClock(input.now) });
  try {
    const sqlite = workspace.sqlite;
    try {
      const result = closeMonth(workspace, input.actor, input.month);
      return { closed: true, figures: closeFiguresInfo(result), status: { ...monthStatus(sqlite, input.month) } };
    } catch (error) {
      if (!(error instanceof LedgerdeskError) || error.code !== 'close_blocked') throw error;
      const figures = closeFiguresInfo(closeFigures(sqlite, input.month));
      return { closed: false, figures, blockers: closeBlockers(sqlite, figures), message: error.message };
    }
  } finally {
    report('close', 1, 1);
    workspace.close();
  }
}

function withWorkspace<T>(input: { path: string; passphrase: string; now: string }, work: (workspace: Workspace) => Promise<T>): Promise<T> {
  const workspace = openWorkspace({ path: input.path, passphrase: input.passphrase, clock: fixedClock(input.now) });
  return work(workspace).finally(() => workspace.close());
}

function syncProgressLabel(progress: SyncProgress): string {
  if (progress.phase === 'resource') return `sync:${progress.resource ?? ''}`;
  return `sync:${progress.phase}`;
}

/** The sync, then the GMV cross-check from the books start to the last daily summary the mall sent. */
async function syncTask(input: TaskInputs['sync'], report: ReportProgress): Promise<SyncRunResult> {
  return withWorkspace(input, async (workspace) => {
    report('sync:opening', 0, null);
    const result = await syncFromMall(workspace, {
      actorName: input.actor.userName,
      onProgress: (progress) => report(syncProgressLabel(progress), progress.fetched, null),
    });
    const booksStartDate = shanghaiDate(workspace.info().booksStart);
    const lastSummary = workspace.sqlite.prepare(`SELECT max(date) AS date FROM mall_daily_summaries`).get() as { date: string | null };
    const gmv = lastSummary.date && lastSummary.date >= booksStartDate ? gmvCrossCheck(workspace.sqlite, booksStartDate, lastSummary.date) : null;
    return {
      fetched: { ...(result.fetched as Record<MallResource, number>) },
      entriesPosted: result.entries_posted,
      rejected: result.rejected.map((rejected) => ({ resource: rejected.resource, id: rejected.id, reason: rejected.reason })),
      openingEntryNo: result.opening_entry,
      dailySummaries: result.daily_summaries,
      gmv: gmv && {
        fromDate: gmv.from,
        toDate: gmv.to,
        ok: gmv.ok,
        absoluteDifferenceFen: gmv.absoluteDifferenceFen,
        differingDays: gmv.differences.map((day) => ({ date: day.date, booksGmvFen: day.booksGmvFen, mallGmvFen: day.mallGmvFen, differenceFen: day.differenceFen })),
      },
    };
  });
}

async function importTask(input: TaskInputs['import'], report: ReportProgress): Promise<{ files: ImportFileResult[] }> {
  return withWorkspace(input, async (workspace) => {
    let fileIndex = 0;
    let lastFile = '';
    const results = await importChannelFiles(workspace, input.files, {
      actor: input.actor,
      onProgress: (file, rowsDone) => {
        if (file !== lastFile) {
          lastFile = file;
          fileIndex += 1;
        }
        report(`import:${rowsDone}`, fileIndex - 1, input.files.length);
      },
    });
    report('import', input.files.length, input.files.length);
    return {
      files: results.map((result) => ({
        file: result.file,
        kind: result.kind,
        channel: result.channel,
        rows: result.rows,
        overlappingRows: result.overlappingRows,
        skippedDuplicate: result.skippedDuplicate,
        error: result.error ? { file: result.error.file, line: result.error.line, reason: result.error.reason } : null,
      })),
    };
  });
}

/** Runs tasks on the calling thread (tests, the loopback bridge). */
export const inProcessTaskRunner: TaskRunner = {
  async run(name, input, onProgress) {
    return await (tasks[name] as TaskFunction<typeof name>)(input, onProgress);
  },
};
