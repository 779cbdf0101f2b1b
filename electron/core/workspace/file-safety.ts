import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A unique scratch name beside the final file, so the final rename stays on one file system. */
export function siblingTempPath(finalPath: string, purpose: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export function fsyncFile(path: string): void {
  const descriptor = openSync(path, 'r+');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** Makes a rename durable: the directory entry itself is flushed (no-op where unsupported). */
export function fsyncDirectory(path: string): void {
  let descriptor: number | null = null;
  try {
    descriptor = openSync(path, 'r');
    fsyncSync(descriptor);
  } catch {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}

/** Replaces `finalPath` by `tempPath` in one step: readers see the old file or the new one, never half. */
export function replaceAtomically(tempPath: string, finalPath: string): void {
  fsyncFile(tempPath);
  renameSync(tempPath, finalPath);
  fsyncDirectory(dirname(finalPath));
}

export function removeQuietly(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function quoteSqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
