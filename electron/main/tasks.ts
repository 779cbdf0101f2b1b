import type { ExportKind, ExportResult, ImportFileResult, MallResource, ReconcileSummaryResult, SyncRunResult, VerifyResult } from '../api';
import type { Actor } from '../core/auth';
import { fixedClock, shanghaiDate } from '../core/calendar/shanghai';
import { demoStepCount, runDemo } from '../core/demo';
import { importChannelFiles } from '../core/imports';
import { gmvCrossCheck, syncFromMall, type SyncProgress } from '../core/mall/sync';
import { runReconciliation } from '../core/reconcile';
import { openWorkspace, verifyWorkspace, type Workspace } from '../core/workspace';
import { exportMonth } from './month-exports';

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
}
export interface TaskOutputs {
  verify: VerifyResult;
  demo: { workspacePath: string; ok: boolean; steps: { step: string; ok: boolean; summary: string }[] };
  reconcile: ReconcileSummaryResult;
  sync: SyncRunResult;
  import: { files: ImportFileResult[] };
  export: ExportResult;
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
};

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
