import type { Worker } from 'node:worker_threads';

/**
 * The messages of a worker thread, in order, taken one at a time. The worker's own failure (an
 * uncaught error, or the thread stopping) arrives in the same line as a message made by
 * `failure`, after whatever the worker sent before it. Used by the import's parse worker and the
 * sync's page worker.
 */
export class WorkerInbox<Message> {
  private readonly queue: Message[] = [];
  private waiting: ((message: Message) => void) | null = null;

  constructor(worker: Worker, failure: (detail: string) => Message, stoppedDetail: (exitCode: number) => string) {
    worker.on('message', (message: Message) => this.push(message));
    worker.on('error', (error: Error) => this.push(failure(error.stack ?? error.message)));
    worker.on('exit', (code: number) => this.push(failure(stoppedDetail(code))));
  }

  /** The next message; rejects with the signal's reason when it is aborted first. */
  next(signal?: AbortSignal): Promise<Message> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting = null;
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting = (message) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(message);
      };
    });
  }

  private push(message: Message): void {
    if (this.waiting === null) {
      this.queue.push(message);
      return;
    }
    const resolve = this.waiting;
    this.waiting = null;
    resolve(message);
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new Error('aborted');
}
