import type { Worker, WorkerOptions } from 'node:worker_threads';
import { LedgerdeskError, type ErrorData } from '../core/errors';
import type { TaskRunner } from './tasks';

type WorkerMessage =
  | { type: 'progress'; label: string; done: number; total: number | null }
  | { type: 'result'; value: unknown }
  | { type: 'error'; error: ErrorData };

/**
 * Runs each task in its own worker thread so the main process keeps serving the window (menus,
 * other IPC calls) while a long operation works. `createWorker` is the bundler's worker factory
 * (electron-vite `?nodeWorker` import of task-worker.ts).
 */
export function createWorkerTaskRunner(createWorker: (options: WorkerOptions) => Worker): TaskRunner {
  return {
    run(name, input, onProgress) {
      return new Promise((resolve, reject) => {
        const worker = createWorker({ workerData: { name, input } });
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
