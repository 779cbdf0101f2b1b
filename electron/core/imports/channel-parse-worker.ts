import { parentPort, workerData } from 'node:worker_threads';
import { serveChannelParse, type ChannelParseRequest } from './parsed-file';

/**
 * Worker-thread entry that parses one channel file for an import (parsed-file.ts). Bundled on
 * its own: beside the CLI as out/cli/channel-parse-worker.cjs, and by electron-vite as a
 * `?nodeWorker` chunk of the app's task worker.
 */
if (!parentPort) throw new Error('channel-parse-worker must run in a worker thread');
void serveChannelParse(parentPort, workerData as ChannelParseRequest);
