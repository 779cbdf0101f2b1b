import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TASK_WORKER_YOUNG_GENERATION_MB } from '../main/worker-task-runner';
import { useChannelParseWorker } from '../core/imports';

/** The parse worker's bundle, written beside the CLI (and the bench) by their esbuild builds. */
export const CHANNEL_PARSE_WORKER_FILE = 'channel-parse-worker.cjs';

/**
 * Imports parse their files on a worker thread from the bundle beside this one; where it is
 * missing (running from sources), they parse on the importing thread.
 */
export function useBundledChannelParseWorker(bundleDirectory: string): void {
  const file = join(bundleDirectory, CHANNEL_PARSE_WORKER_FILE);
  if (!existsSync(file)) return;
  useChannelParseWorker((request) => new Worker(file, { workerData: request, resourceLimits: { maxYoungGenerationSizeMb: TASK_WORKER_YOUNG_GENERATION_MB } }));
}
