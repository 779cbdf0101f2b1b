import type { Worker, WorkerOptions } from 'node:worker_threads';
import { LedgerdeskError, type ErrorData } from '../core/errors';
import type { TaskRunner } from './tasks';

type WorkerMessage =
  | { type: 'progress'; label: string; done: number; total: number | null }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: ErrorData };

/**
 * Young generation of a task worker (V8 takes a third of it per semi-space: 64 MB, not the default
 * 16 MB). Exports and imports allocate millions of short-lived objects; with the larger nursery far
 * fewer survive into old space (bench: 1M-row Excel export 27.6 s -> 23.3 s). `npm run bench` runs
 * its children with the same size (--max-semi-space-size), and so does the CLI's launcher.
 */
export const TASK_WORKER_YOUNG_GENERATION_MB = 192;

/**
 * Runs each task in its own worker thread so the main process keeps serving the window (menus,
 * other IPC calls) while a long operation works. `createWorker` is the bundler's worker factory
 * (electron-vite `?nodeWorker` import of task-worker.ts).
 */
export function createWorkerTaskRunner(createWorker: (options: WorkerOptions) => Worker): TaskRunner {
  return {
    run(name, input, onProgress) {
      return new Promise((resolve, reject) => {
        const worker = createWorker({ workerData: { name, input }, resourceLimits: { maxYoungGenerationSizeMb: TASK_WORKER_YOUNG_GENERATION_MB } });
        let settled = false;
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'progress') onProgress(message.label, message.done, message.total);
          else if (message.type === 'result') {
            settled = true;
            resolve(message.value as never);
          } else {
            settled = true;
            reject(new LedgerdeskError(message.error.code, message.error.message));
          }
        });
        worker.on('error', (error) => {
          settled = true;
          reject(error);
        });
        worker.on('exit', (code) => {
          if (!settled) reject(new Error(`task ${name} worker exited with code ${code} before answering`));
        });
      });
    },
  };
}
