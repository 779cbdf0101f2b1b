import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerInbox } from './inbox';

type Message = { type: 'text'; text: string } | { type: 'failed'; detail: string };

function inboxOf(code: string): WorkerInbox<Message> {
  return inboxAndWorker(code).inbox;
}

function inboxAndWorker(code: string): { inbox: WorkerInbox<Message>; worker: Worker } {
  const worker = new Worker(code, { eval: true });
  return { inbox: new WorkerInbox<Message>(worker, (detail) => ({ type: 'failed', detail }), (exitCode) => `stopped (exit code ${exitCode})`), worker };
}

describe('WorkerInbox', () => {
  it('gives the messages in order, then the thread stopping as a failure after them', async () => {
    const inbox = inboxOf(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ type: 'text', text: 'a' }); parentPort.postMessage({ type: 'text', text: 'b' }); process.exit(3);`);
    expect(await inbox.next()).toEqual({ type: 'text', text: 'a' });
    expect(await inbox.next()).toEqual({ type: 'text', text: 'b' });
    expect(await inbox.next()).toEqual({ type: 'failed', detail: 'stopped (exit code 3)' });
  });

  it("gives an uncaught error of the worker as a failure with its message", async () => {
    const inbox = inboxOf(`throw new Error('parser exploded')`);
    const first = await inbox.next();
    expect(first).toMatchObject({ type: 'failed', detail: expect.stringContaining('parser exploded') });
  });

  it('an abort while waiting rejects with its reason; an aborted signal rejects at once', async () => {
    const { inbox, worker } = inboxAndWorker(`setTimeout(() => undefined, 10000)`);
    try {
      const controller = new AbortController();
      const waiting = inbox.next(controller.signal);
      controller.abort(new Error('stopped by the user'));
      await expect(waiting).rejects.toThrow('stopped by the user');
      await expect(inbox.next(controller.signal)).rejects.toThrow('stopped by the user');
    } finally {
      await worker.terminate();
    }
  });
});
