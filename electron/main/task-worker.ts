import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../core/errors';
import { tasks, type TaskInputs, type TaskName } from './tasks';

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
