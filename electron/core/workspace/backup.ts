import Database from 'better-sqlite3-multiple-ciphers';
import { applyCipherKey, keyDecryptsFirstPage, READABLE_CIPHER_SCHEMES } from '../../../db/cipher';
import { copyFileSync, existsSync, readSync, openSync, closeSync, renameSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { appendAudit, auditHead } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth';
import type { Clock } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { quoteSqlString, removeQuietly, replaceAtomically, sha256OfFile, siblingTempPath } from './file-safety';
import { acquireWorkspaceLock } from './lock';
import { verifyWorkspace, type VerifyCheck } from './verify';
import { openWorkspace, type Workspace } from './workspace';

export interface BackupResult {
  file: string;
  sha256: string;
  bytes: number;
  /** The audit log's newest row when the copy was taken: keep it with the backup to detect a shortened log. */
  auditHead: { rowCount: number; lastId: number | null; hash: string };
}

const PLAIN_SQLITE_HEADER = 'SQLite format 3\u0000';

function fileStartsLikePlainSqlite(path: string): boolean {
  const header = Buffer.alloc(16);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, header, 0, 16, 0);
  } finally {
    closeSync(descriptor);
  }
  return header.toString('latin1') === PLAIN_SQLITE_HEADER;
}

/**
 * Writes a consistent encrypted copy of the workspace (same passphrase) while it stays open.
 * better-sqlite3's page-by-page `backup()` refuses an encrypted source ("incompatible source and
 * target databases") because the cipher's reserved bytes differ, so the copy is `VACUUM INTO`,
 * which runs in one read transaction and writes through the same cipher. Other connections keep
 * writing meanwhile (WAL); this connection is busy until the copy is done.
 */
export async function backupWorkspace(workspace: Workspace, outFile: string, options: { actor: Actor }): Promise<BackupResult> {
  requirePermission(options.actor, 'backup.run');
  const target = resolve(outFile);
  if (target === resolve(workspace.path)) throw new LedgerdeskError('invalid_input', 'a backup cannot overwrite the workspace itself');
  if (existsSync(target)) throw new LedgerdeskError('conflict', `${target} already exists; choose a new backup file name`);
  const temp = siblingTempPath(target, 'backup');
  try {
    const head = auditHead(workspace.sqlite);
    workspace.sqlite.exec(`VACUUM INTO ${quoteSqlString(temp)}`);
    // Our own invariant: a backup of an encrypted workspace must not come out in the clear.
    if (fileStartsLikePlainSqlite(temp)) throw new Error('backup came out unencrypted');
    replaceAtomically(temp, target);
    const sha256 = await sha256OfFile(target);
    const bytes = statSync(target).size;
    if (!workspace.sqlite.readonly) {
      appendAudit(
        workspace.sqlite,
        { userName: options.actor.userName, action: 'workspace.backup', objectType: 'workspace', objectId: null, detail: { file: basename(target), sha256, bytes, auditRowCount: head.rowCount } },
        workspace.clock.now(),
      );
    }
    return { file: target, sha256, bytes, auditHead: head };
  } finally {
    removeQuietly(temp);
  }
}

export interface RestoreOptions {
  clock?: Clock;
  /** Refuse the backup unless its bytes hash to this (the sha256 the backup reported). */
  expectedSha256?: string;
  /** Who restores: checked against the backup's own users (the restored workspace's users). */
  authorize?: (backup: Workspace) => Promise<Actor> | Actor;
}

export interface RestoreResult {
  file: string;
  sha256: string;
  checks: VerifyCheck[];
}

function damaged(backupFile: string, reason: string, details?: unknown): LedgerdeskError {
  return new LedgerdeskError('workspace_damaged', `the backup ${backupFile} cannot be restored: ${reason}; the workspace was not changed`, details);
}

/**
 * Whether the passphrase decrypts page 1 (the header) under any scheme a workspace may be in: then
 * a later "not a database" means a damaged page, not a wrong passphrase.
 */
function firstPageDecrypts(path: string, passphrase: string): boolean {
  return READABLE_CIPHER_SCHEMES.some((scheme) => {
    const sqlite = new Database(path, { readonly: true, fileMustExist: true });
    try {
      applyCipherKey(sqlite, passphrase, scheme);
      // Anything but NOTADB (CORRUPT: fewer pages than the header says) is damage past page 1.
      return keyDecryptsFirstPage(sqlite);
    } catch {
      return true;
    } finally {
      sqlite.close();
    }
  });
}

/** Opens the copy; any read failure of a damaged file (SQLITE_CORRUPT, NOTADB, IOERR) becomes a typed refusal. */
function openBackupCopy(copyPath: string, backupFile: string, passphrase: string, clock: Clock | undefined): Workspace {
  try {
    return openWorkspace({ path: copyPath, passphrase, clock });
  } catch (error) {
    if (error instanceof LedgerdeskError && error.code === 'wrong_passphrase') {
      if (firstPageDecrypts(copyPath, passphrase)) throw damaged(backupFile, 'a page of it does not decrypt (changed or cut bytes)');
      throw new LedgerdeskError('wrong_passphrase', `cannot decrypt the backup ${backupFile}: the passphrase is wrong, or the file is damaged; the workspace was not changed`);
    }
    throw damaged(backupFile, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Restores a backup over `targetPath`: the backup is copied beside the target, opened, verified
 * (pages, balances, hash chains) and only then renamed over the target in one step. A damaged,
 * truncated or foreign file is refused and the target is left exactly as it was.
 */
export async function restoreWorkspace(backupFile: string, targetPath: string, passphrase: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const source = resolve(backupFile);
  const target = resolve(targetPath);
  if (!existsSync(source)) throw new LedgerdeskError('not_found', `no backup at ${source}`);
  if (source === target) throw new LedgerdeskError('invalid_input', 'the backup and the workspace to restore are the same file');
  const sha256 = await sha256OfFile(source);
  if (options.expectedSha256 && options.expectedSha256.toLowerCase() !== sha256) {
    throw damaged(source, `its sha256 is ${sha256}, not the expected ${options.expectedSha256}`);
  }
  const lock = acquireWorkspaceLock(target);
  const temp = siblingTempPath(target, 'restore');
  try {
    copyFileSync(source, temp);
    const restored = openBackupCopy(temp, source, passphrase, options.clock);
    let checks: VerifyCheck[];
    try {
      let report;
      try {
        report = verifyWorkspace(restored.sqlite);
      } catch (error) {
        throw damaged(source, (error as Error).message);
      }
      checks = report.checks;
      const failed = report.checks.find((check) => !check.ok);
      if (failed) throw damaged(source, `verification failed: ${failed.name}: ${failed.detail}`, { checks: report.checks });
      if (restored.info().mode === 'auditor') throw new LedgerdeskError('invalid_input', `${source} is an auditor copy, not a backup: open it directly instead`);
      const actor = options.authorize ? await options.authorize(restored) : null;
      if (actor) {
        requirePermission(actor, 'backup.restore');
        appendAudit(
          restored.sqlite,
          { userName: actor.userName, action: 'workspace.restore', objectType: 'workspace', objectId: null, detail: { file: basename(source), sha256 } },
          restored.clock.now(),
        );
      }
    } finally {
      // Closing checkpoints the copy's WAL into the file, so the file alone is complete.
      restored.close();
    }
    setAsideJournalFiles(target);
    replaceAtomically(temp, target);
    return { file: target, sha256, checks };
  } finally {
    removeQuietly(temp);
    lock.release();
  }
}

/**
 * A WAL left by the old target (a crash) must not be replayed onto the restored file. It is moved
 * aside, not deleted, so nothing of the old workspace is destroyed without a trace.
 */
function setAsideJournalFiles(target: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (existsSync(target + suffix)) renameSync(target + suffix, `${target}${suffix}.before-restore-${Date.now()}`);
  }
}
