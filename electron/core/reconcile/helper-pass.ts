import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { CipherScheme } from '../../../db/cipher';
import type { SqliteDatabase } from '../../../db/open';
import type { PassRates } from './pass';

/**
 * Half of a large reconciliation's matching pass on a second core. The run keeps its write
 * transaction on its own connection; a worker thread opens its own connection to the same file
 * (it reads the same committed data: the run holds the write lock, and has written nothing the
 * pass reads), decides the channel rows of an id range into a scratch file encrypted under a
 * one-time key, and says so through shared memory. The run waits for it synchronously
 * (Atomics.wait: it is a synchronous transaction) and attaches the file to read the rows.
 */

export interface ReconcilePassRequest {
  workspacePath: string;
  passphrase: string;
  cipherScheme: CipherScheme;
  outputPath: string;
  outputPassphrase: string;
  rowIdFrom: number;
  rowIdTo: number;
  rates: PassRates;
  /** [state, message length] as Int32 (state 1 done, 2 failed), then the failure's UTF-8 text. */
  status: SharedArrayBuffer;
}

export type ReconcilePassWorkerFactory = (request: ReconcilePassRequest) => Worker;

/** Below this many channel rows a worker's start (~0.3 s: thread, bundle, key derivation, cold cache) costs more than it saves. */
export const PASS_ON_WORKER_ROWS_MIN = 200_000;

/**
 * The share of the rows the run's own connection decides. Under half: it also stores its
 * half's pairs before it waits, while the worker spends ~0.4 s starting (thread, bundle, key, cold cache).
 */
const OWN_SHARE = 0.45;

const STATUS_BYTES = 4096;
const WAIT_MILLISECONDS_MAX = 10 * 60 * 1000;
const ATTACHED_SCHEMA = 'rc_helper';

let passWorker: { factory: ReconcilePassWorkerFactory; rowsMin: number } | null = null;

/**
 * Registers how to start the pass worker (a bundle beside the CLI, electron-vite's `?nodeWorker`
 * chunk in the app); without one, or for fewer rows than rowsMin, the run decides every row itself.
 */
export function useReconcilePassWorker(factory: ReconcilePassWorkerFactory | null, options: { rowsMin?: number } = {}): void {
  passWorker = factory === null ? null : { factory, rowsMin: options.rowsMin ?? PASS_ON_WORKER_ROWS_MIN };
}

export interface HelperPass {
  /** The ids the run's own connection decides; the worker has the rest. */
  ownRowIdTo: number;
  /** Waits for the worker and attaches its rows; returns the table to read them from. Throws when it failed. */
  finish(sqlite: SqliteDatabase): string;
  /** Detaches and deletes the scratch file; stops the worker if it still runs. Call after the transaction ends. */
  release(sqlite: SqliteDatabase): void;
}

export interface ConnectionKey {
  path: string;
  passphrase: string;
  cipherScheme: CipherScheme;
}

/** Starts the worker on the upper part of the ids [rowIdFrom, rowIdTo], or returns null (no worker, or too few rows). */
export function startHelperPass(key: ConnectionKey, rowIdFrom: number, rowIdTo: number, rates: PassRates): HelperPass | null {
  if (passWorker === null || rowIdTo - rowIdFrom + 1 < passWorker.rowsMin) return null;
  const ownRowIdTo = rowIdFrom + Math.floor((rowIdTo - rowIdFrom) * OWN_SHARE);
  const status = new SharedArrayBuffer(STATUS_BYTES);
  const outputPath = join(tmpdir(), `ledgerdesk-reconcile-${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
  const request: ReconcilePassRequest = {
    workspacePath: key.path,
    passphrase: key.passphrase,
    cipherScheme: key.cipherScheme,
    outputPath,
    outputPassphrase: randomBytes(32).toString('hex'),
    rowIdFrom: ownRowIdTo + 1,
    rowIdTo,
    rates,
    status,
  };
  const worker = passWorker.factory(request);
  let attached = false;
  return {
    ownRowIdTo,
    finish(sqlite) {
      const state = new Int32Array(status, 0, 2);
      Atomics.wait(state, 0, 0, WAIT_MILLISECONDS_MAX);
      if (Atomics.load(state, 0) !== 1) {
        const length = Atomics.load(state, 1);
        const message = length > 0 ? Buffer.from(new Uint8Array(status, 8, length)).toString('utf8') : 'no answer';
        throw new Error(`the reconciliation pass worker failed: ${message}`);
      }
      sqlite.prepare(`ATTACH DATABASE ? AS ${ATTACHED_SCHEMA} KEY ?`).run(outputPath, request.outputPassphrase);
      attached = true;
      return `${ATTACHED_SCHEMA}.rc_pass`;
    },
    release(sqlite) {
      if (attached && sqlite.open) sqlite.exec(`DETACH DATABASE ${ATTACHED_SCHEMA}`);
      attached = false;
      void worker.terminate();
      for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${outputPath}${suffix}`, { force: true });
    },
  };
}

/** The worker's side of the status: done, or failed with a message the run shows. */
export function reportHelperPass(status: SharedArrayBuffer, error: unknown): void {
  const state = new Int32Array(status, 0, 2);
  if (error === null) {
    Atomics.store(state, 0, 1);
  } else {
    const text = Buffer.from(error instanceof Error ? error.message : String(error), 'utf8').subarray(0, STATUS_BYTES - 8);
    new Uint8Array(status, 8, text.length).set(text);
    Atomics.store(state, 1, text.length);
    Atomics.store(state, 0, 2);
  }
  Atomics.notify(state, 0);
}
