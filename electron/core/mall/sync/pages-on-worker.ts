import type { MessagePort, Worker } from 'node:worker_threads';
import type { MallSyncedResource } from '../contract/types';
import { createMallClient, MallRequestError, type MallClientOptions } from './client';
import { WorkerInbox } from '../../workers/inbox';
import { checkPage, fetchPage, type CheckedPage, type PassStart } from './pages';

/*
 * A long pass read ahead on a worker thread: the worker fetches the pages one after the other,
 * parses and checks them (pages.ts) and hands over each record's JSON text, while the syncing
 * thread, whose SQLite writes are the bound, books the pages before. A few pages may wait
 * between them; the worker reads nothing it is not asked for and writes nothing.
 */

/** The client settings that can cross to a thread (numbers only: functions stay where they are). */
export type PortableClientOptions = Pick<MallClientOptions, 'timeoutMs' | 'attemptsMax' | 'backoffBaseMs' | 'backoffMaxMs' | 'retryAfterMaxMs'>;

export interface MallPageWorkerData {
  url: string;
  token: string;
  client: PortableClientOptions;
}

/** Starts a worker thread that runs `serveMallPages` with `data` as its workerData. */
export type MallPageWorkerFactory = (data: MallPageWorkerData) => Worker;

/** One pass to read: a resource's pages from a start, page by page. */
export interface PassToRead {
  resource: MallSyncedResource;
  path: string;
  limit: number;
  start: PassStart;
}

type NumberedPass = PassToRead & { readId: number };

type SyncToWorker =
  /** Read this pass now; whatever was being read is given up. */
  | { type: 'read'; pass: NumberedPass }
  /** Once the pass afterReadId has ended, read this one (the sync's next), with the credits left. */
  | { type: 'then'; afterReadId: number; pass: NumberedPass }
  /** A page was taken: one more may be read ahead. */
  | { type: 'next' };

type RetryEvent = Parameters<NonNullable<MallClientOptions['onRetry']>>[0];

type WorkerToSync =
  | { type: 'page'; readId: number; page: CheckedPage }
  | { type: 'failed'; readId: number; code: 'mall_unauthorized' | 'mall_unavailable'; message: string; status: number | null; mallCode: string | null }
  | { type: 'retry'; event: RetryEvent }
  | { type: 'crashed'; message: string };

/** The worker itself failed (it crashed, ran out of memory, or stopped): not the mall's answer. */
export class MallPageWorkerFailure extends Error {
  constructor(detail: string) {
    super(`the mall page worker failed: ${detail}`);
    this.name = 'MallPageWorkerFailure';
  }
}

/** Pages the worker may hold ready ahead of the booking (about 8,000 records of JSON text). */
const PAGES_AHEAD_MAX = 16;

/**
 * The worker's heap: its garbage is pages parsed and dropped, a few MB at a time, and what it
 * holds is at most PAGES_AHEAD_MAX pages (a 1000-record page is 1-2 MB). Capped because a worker
 * otherwise inherits the process's large semi-space setting and lets its old space grow lazily:
 * the bench's sync grew by ~250 MB for nothing.
 */
export const MALL_PAGE_WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 } as const;

let pageWorkerFactory: MallPageWorkerFactory | null = null;

/**
 * Where the worker comes from depends on how the app was bundled (the CLI's sibling file,
 * electron-vite's `?nodeWorker` chunk), so each entry point registers it; without one, every
 * page is read on the syncing thread.
 */
export function useMallPageWorker(factory: MallPageWorkerFactory | null): void {
  pageWorkerFactory = factory;
}

// ---- the worker's side ----

export function serveMallPages(port: MessagePort, data: MallPageWorkerData): void {
  const send = (message: WorkerToSync) => port.postMessage(message);
  const client = createMallClient({ ...data.client, url: data.url, token: data.token, onRetry: (event) => send({ type: 'retry', event }) });
  /** Pages that may still be sent before the syncing thread takes some (shared by every pass). */
  let credits = PAGES_AHEAD_MAX;
  let wake: (() => void) | null = null;
  /** The chain of passes being read; a 'read' starts a new one and the old one stops. */
  let chain: object = {};
  let reading = false;
  let lastEndedReadId: number | null = null;
  const successors = new Map<number, NumberedPass>();

  /** One pass; false when it failed (and said so) or a new chain replaced it. */
  async function readPass(token: object, pass: NumberedPass): Promise<boolean> {
    let start: PassStart | null = pass.start;
    try {
      while (start !== null) {
        while (credits === 0 && chain === token) await new Promise<void>((resolve) => (wake = resolve));
        if (chain !== token) return false;
        credits -= 1;
        const page = await fetchPage(client, pass.path, pass.limit, start);
        if (chain !== token) return false;
        send({ type: 'page', readId: pass.readId, page: checkPage(pass.resource, page.data, page.next_cursor, false) });
        start = page.next_cursor === null ? null : { cursor: page.next_cursor };
      }
      return true;
    } catch (error) {
      if (error instanceof MallRequestError) {
        send({ type: 'failed', readId: pass.readId, code: error.code as 'mall_unauthorized' | 'mall_unavailable', message: error.message, status: error.status, mallCode: error.mallCode });
      } else {
        send({ type: 'crashed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
      return false;
    }
  }

  /** Reads a pass, then its successors as they are known; the next pass's first pages come while the sync books this one's last. */
  async function readChain(token: object, first: NumberedPass): Promise<void> {
    reading = true;
    for (let pass: NumberedPass | undefined = first; pass !== undefined; pass = successors.get(pass.readId)) {
      if (!(await readPass(token, pass)) || chain !== token) break;
      lastEndedReadId = pass.readId;
    }
    if (chain === token) reading = false;
  }

  port.on('message', (message: SyncToWorker) => {
    if (message.type === 'read') {
      chain = {};
      successors.clear();
      lastEndedReadId = null;
      wake?.();
      wake = null;
      void readChain(chain, message.pass);
    } else if (message.type === 'then') {
      successors.set(message.afterReadId, message.pass);
      if (!reading && lastEndedReadId === message.afterReadId) void readChain(chain, message.pass);
    } else {
      credits += 1;
      wake?.();
      wake = null;
    }
  });
}

// ---- the syncing thread's side ----

export interface MallPageWorker {
  /**
   * The checked pages of a pass (the request goes out now, before the first is asked for);
   * `then`, the pass the sync reads next, is read ahead once this one ends. A pass that was
   * read ahead is not requested again.
   */
  read(pass: PassToRead, then: PassToRead | null): AsyncGenerator<CheckedPage>;
  close(): void;
}

function samePass(left: PassToRead, right: PassToRead): boolean {
  return left.resource === right.resource && left.path === right.path && left.limit === right.limit && JSON.stringify(left.start) === JSON.stringify(right.start);
}

/**
 * Starts the worker, or returns null: none registered, or client settings that cannot cross to
 * a thread (an injected fetch, sleep or random source: tests), which keep the reading here.
 */
export function startMallPageWorker(connection: { url: string; token: string }, options: Omit<MallClientOptions, 'url' | 'token'>, signal: AbortSignal | undefined): MallPageWorker | null {
  if (pageWorkerFactory === null || options.fetch !== undefined || options.sleep !== undefined || options.random !== undefined) return null;
  const { timeoutMs, attemptsMax, backoffBaseMs, backoffMaxMs, retryAfterMaxMs } = options;
  const worker = pageWorkerFactory({ url: connection.url, token: connection.token, client: { timeoutMs, attemptsMax, backoffBaseMs, backoffMaxMs, retryAfterMaxMs } });
  const inbox = new WorkerInbox<WorkerToSync>(
    worker,
    (message) => ({ type: 'crashed', message }),
    (code) => `the mall page worker stopped (exit code ${code})`,
  );
  let lastReadId = 0;
  /** The pass the worker reads after the current one, under the id its pages will carry. */
  let readAhead: NumberedPass | null = null;

  async function* pagesOf(readId: number): AsyncGenerator<CheckedPage> {
    for (;;) {
      const message = await inbox.next(signal);
      if (message.type === 'crashed') throw new MallPageWorkerFailure(message.message);
      if (message.type === 'retry') {
        options.onRetry?.(message.event);
        continue;
      }
      if (message.type === 'page') worker.postMessage({ type: 'next' } satisfies SyncToWorker); // taken, even when dropped below
      if (message.readId !== readId) continue; // left over from a pass given up
      if (message.type === 'failed') throw new MallRequestError(message.code, message.message, message.status, message.mallCode);
      yield message.page;
      if (message.page.nextCursor === null) return;
    }
  }

  return {
    read(pass, then) {
      let readId: number;
      if (readAhead !== null && samePass(readAhead, pass)) {
        readId = readAhead.readId; // already asked for, behind the pass before
      } else {
        readId = lastReadId += 1;
        worker.postMessage({ type: 'read', pass: { ...pass, readId } } satisfies SyncToWorker);
      }
      readAhead = then === null ? null : { ...then, readId: (lastReadId += 1) };
      if (readAhead !== null) worker.postMessage({ type: 'then', afterReadId: readId, pass: readAhead } satisfies SyncToWorker);
      return pagesOf(readId);
    },
    close() {
      void worker.terminate();
    },
  };
}
