import { parentPort, workerData } from 'node:worker_threads';
import { serveMallPages, type MallPageWorkerData } from './pages-on-worker';

/**
 * Worker-thread entry that reads a sync's pages ahead (pages-on-worker.ts). Bundled on its own:
 * beside the CLI as out/cli/mall-page-worker.cjs, and by electron-vite as a `?nodeWorker` chunk
 * of the app's task worker.
 */
if (!parentPort) throw new Error('mall page worker must run in a worker thread');
serveMallPages(parentPort, workerData as MallPageWorkerData);
