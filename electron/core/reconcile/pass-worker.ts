import Database from 'better-sqlite3-multiple-ciphers';
import { workerData } from 'node:worker_threads';
import { applyCipherKey } from '../../../db/cipher';
import { reportHelperPass, type ReconcilePassRequest } from './helper-pass';
import { passInputsSql, passRowsSql, passTableSql } from './pass';

/**
 * Worker-thread entry that decides the channel rows of an id range for a reconciliation run
 * (helper-pass.ts). Bundled on its own: beside the CLI as out/cli/reconcile-pass-worker.cjs, and by
 * electron-vite as a `?nodeWorker` chunk of the app's task worker.
 */
function decideRange(request: ReconcilePassRequest): void {
  // The scratch file first, on a connection that may create it (the workspace's must not).
  const output = new Database(request.outputPath);
  try {
    applyCipherKey(output, request.outputPassphrase, request.cipherScheme);
    output.pragma('journal_mode = OFF');
    output.exec(passTableSql('main.rc_pass'));
  } finally {
    output.close();
  }
  const sqlite = new Database(request.workspacePath, { fileMustExist: true });
  try {
    applyCipherKey(sqlite, request.passphrase, request.cipherScheme);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('cache_size = -262144');
    sqlite.pragma('temp_store = MEMORY');
    sqlite.prepare(`ATTACH DATABASE ? AS rc_output KEY ?`).run(request.outputPath, request.outputPassphrase);
    // A scratch file read once by the run: no journal, no syncs.
    sqlite.pragma('rc_output.journal_mode = OFF');
    sqlite.pragma('rc_output.synchronous = OFF');
    sqlite.exec(passInputsSql());
    sqlite.prepare(passRowsSql('rc_output.rc_pass', request.rates)).run(request.rowIdFrom, request.rowIdTo);
  } finally {
    sqlite.close();
  }
}

const request = workerData as ReconcilePassRequest;
try {
  decideRange(request);
  reportHelperPass(request.status, null);
} catch (error) {
  reportHelperPass(request.status, error);
}
