import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { LedgerdeskError } from '../errors';

/**
 * One running Ledgerdesk per workspace file: `<workspace>.lock` is created exclusively and holds
 * the owner's pid and host. A lock whose process is gone on this host (a crash, kill -9) is
 * taken over; a live one, or one held from another host, is refused with 'workspace_locked'.
 */
export interface WorkspaceLock {
  path: string;
  owner: LockOwner;
  release(): void;
}

export interface LockOwner {
  pid: number;
  host: string;
  acquiredAt: string;
}

export function lockFilePath(workspacePath: string): string {
  return `${workspacePath}.lock`;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): { text: string; owner: LockOwner | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { text, owner: { pid: parsed.pid, host: parsed.host, acquiredAt: String(parsed.acquiredAt ?? '') } };
    }
  } catch {
    // A lock file cut short by a crash between create and write: treated as stale below.
  }
  return { text, owner: null };
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(descriptor, JSON.stringify(owner));
  } finally {
    closeSync(descriptor);
  }
  return true;
}

function isStale(owner: LockOwner | null): boolean {
  if (owner === null) return true;
  return owner.host === hostname() && owner.pid !== process.pid && !processIsAlive(owner.pid);
}

function refuse(workspacePath: string, owner: LockOwner): never {
  const where = owner.host === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on ${owner.host}`;
  const hint = owner.host === hostname() ? '' : `; if that computer no longer runs Ledgerdesk, delete ${lockFilePath(workspacePath)}`;
  throw new LedgerdeskError('workspace_locked', `${workspacePath} is open in another Ledgerdesk (${where}, since ${owner.acquiredAt})${hint}`, { owner });
}

const TAKE_OVER_ATTEMPTS_MAX = 3;

export function acquireWorkspaceLock(workspacePath: string, now: Date = new Date()): WorkspaceLock {
  const path = lockFilePath(workspacePath);
  const owner: LockOwner = { pid: process.pid, host: hostname(), acquiredAt: now.toISOString() };
  const ownerText = JSON.stringify(owner);
  for (let attempt = 0; attempt < TAKE_OVER_ATTEMPTS_MAX; attempt += 1) {
    if (tryCreate(path, owner)) {
      return {
        path,
        owner,
        release() {
          // Only remove the lock if it is still ours (never someone's who took over a stale one).
          if (readOwner(path)?.text === ownerText) unlinkSync(path);
        },
      };
    }
    const current = readOwner(path);
    if (current === null) continue; // released between our attempt and the read
    if (!isStale(current.owner)) refuse(workspacePath, current.owner!);
    // Move the stale lock aside atomically: of two processes racing for it, only one rename wins.
    const aside = `${path}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readOwner(aside);
    unlinkSync(aside);
    if (moved && moved.text !== current.text && !isStale(moved.owner)) {
      // We moved a fresh lock someone created in between: hand it back and give up.
      if (tryCreate(path, moved.owner!)) refuse(workspacePath, moved.owner!);
    }
  }
  throw new LedgerdeskError('workspace_locked', `could not take the lock ${path}: other processes keep taking it`);
}

/** Runs work while holding the workspace lock. */
export async function withWorkspaceLock<T>(workspacePath: string, work: () => Promise<T> | T): Promise<T> {
  const lock = acquireWorkspaceLock(workspacePath);
  try {
    return await work();
  } finally {
    lock.release();
  }
}
