import type { VerifyResult } from '../api';
import { openWorkspace, verifyWorkspace } from '../core/workspace';

/**
 * Long operations run away from the thread that serves the window. Each task opens its own
 * connection to the workspace (WAL lets it read beside the main connection), so it can run in a
 * worker thread: the Electron shell runs them in a worker_threads Worker (task-worker.ts); the
 * test bridge runs the very same functions in-process.
 */
export interface TaskInputs {
  verify: { path: string; passphrase: string };
}
export interface TaskOutputs {
  verify: VerifyResult;
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
};

/** Runs tasks on the calling thread (tests, the loopback bridge). */
export const inProcessTaskRunner: TaskRunner = {
  async run(name, input, onProgress) {
    return await (tasks[name] as TaskFunction<typeof name>)(input, onProgress);
  },
};
