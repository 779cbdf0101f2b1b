import type { ReconcileSummaryResult, VerifyResult } from '../api';
import type { Actor } from '../core/auth';
import { fixedClock } from '../core/calendar/shanghai';
import { runDemo } from '../core/demo';
import { runReconciliation } from '../core/reconcile';
import { openWorkspace, verifyWorkspace } from '../core/workspace';

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
}
export interface TaskOutputs {
  verify: VerifyResult;
  demo: { workspacePath: string; ok: boolean; steps: { step: string; ok: boolean; summary: string }[] };
  reconcile: ReconcileSummaryResult;
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
    const stepCount = 5; // workspace, demo mall, sync, channel files, import, verify (reported as they finish)
    let done = 0;
    const result = await runDemo({
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
};

/** Runs tasks on the calling thread (tests, the loopback bridge). */
export const inProcessTaskRunner: TaskRunner = {
  async run(name, input, onProgress) {
    return await (tasks[name] as TaskFunction<typeof name>)(input, onProgress);
  },
};
