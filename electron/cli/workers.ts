import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TASK_WORKER_YOUNG_GENERATION_MB } from '../main/worker-task-runner';
import { useChannelParseWorker } from '../core/imports';
import { MALL_PAGE_WORKER_RESOURCE_LIMITS, useMallPageWorker } from '../core/mall/sync';
import { useReconcilePassWorker } from '../core/reconcile';

/** The worker bundles, written beside the CLI (and the bench) by their esbuild builds. */
export const CHANNEL_PARSE_WORKER_FILE = 'channel-parse-worker.cjs';
export const RECONCILE_PASS_WORKER_FILE = 'reconcile-pass-worker.cjs';
export const MALL_PAGE_WORKER_FILE = 'mall-page-worker.cjs';

/**
 * Imports parse their files, large reconciliations decide half their rows, and syncs read long
 * passes ahead, on worker threads running the bundles beside this one; where one is missing
 * (running from sources), that work stays on the calling thread.
 */
export function useBundledWorkers(bundleDirectory: string): void {
  const parseFile = join(bundleDirectory, CHANNEL_PARSE_WORKER_FILE);
  if (existsSync(parseFile)) {
    useChannelParseWorker((request) => new Worker(parseFile, { workerData: request, resourceLimits: { maxYoungGenerationSizeMb: TASK_WORKER_YOUNG_GENERATION_MB } }));
  }
  const passFile = join(bundleDirectory, RECONCILE_PASS_WORKER_FILE);
  if (existsSync(passFile)) useReconcilePassWorker((request) => new Worker(passFile, { workerData: request }));
  const pageFile = join(bundleDirectory, MALL_PAGE_WORKER_FILE);
  if (existsSync(pageFile)) useMallPageWorker((data) => new Worker(pageFile, { workerData: data, resourceLimits: MALL_PAGE_WORKER_RESOURCE_LIMITS }));
}
