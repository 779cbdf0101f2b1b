import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../core/errors';
import { useChannelParseWorker } from '../core/imports';
import createChannelParseWorker from '../core/imports/channel-parse-worker?nodeWorker';
import { MALL_PAGE_WORKER_RESOURCE_LIMITS, useMallPageWorker } from '../core/mall/sync';
import createMallPageWorker from '../core/mall/sync/page-worker?nodeWorker';
import { useReconcilePassWorker } from '../core/reconcile';
import createReconcilePassWorker from '../core/reconcile/pass-worker?nodeWorker';
import { tasks, type TaskInputs, type TaskName } from './tasks';
import { TASK_WORKER_YOUNG_GENERATION_MB } from './worker-task-runner';

// Large imports parse their files on a worker of their own (electron-vite bundles it as a chunk).
useChannelParseWorker((request) => createChannelParseWorker({ workerData: request, resourceLimits: { maxYoungGenerationSizeMb: TASK_WORKER_YOUNG_GENERATION_MB } }));
// Large reconciliations decide half their channel rows on another.
useReconcilePassWorker((request) => createReconcilePassWorker({ workerData: request }));
// Syncs read long passes of mall pages ahead on a third.
useMallPageWorker((data) => createMallPageWorker({ workerData: data, resourceLimits: MALL_PAGE_WORKER_RESOURCE_LIMITS }));

/**
 * Worker-thread entry for long operations (see tasks.ts). Messages to the parent:
 * { type: 'progress', label, done, total } while running, then exactly one
 * { type: 'result', value } or { type: 'error', error: { code, message } }.
 */
interface TaskRequest {
  name: TaskName;
  input: TaskInputs[TaskName];
}

async function main(): Promise<void> {
  const request = workerData as TaskRequest;
  const port = parentPort;
  if (!port) throw new Error('task-worker must run in a worker thread');
  try {
    const task = tasks[request.name] as (input: TaskInputs[TaskName], report: (label: string, done: number, total: number | null) => void) => unknown;
    const value = await task(request.input, (label, done, total) => port.postMessage({ type: 'progress', label, done, total }));
    port.postMessage({ type: 'result', value });
  } catch (error) {
    const data = toErrorData(error);
    port.postMessage({ type: 'error', error: { code: data.code, message: data.message } });
  }
}

void main();
