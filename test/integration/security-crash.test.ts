import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { wechatTradeBill, type WechatTradeRowSpec } from '../../electron/core/channels/bill-writers';
import { importChannelFile } from '../../electron/core/imports';
import { createWorkspace, openWorkspace, verifyWorkspace, type Workspace } from '../../electron/core/workspace';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { createTempWorkspace, TEST_ADMIN_PASSWORD, TEST_NOW, TEST_PASSPHRASE, type TempWorkspace } from '../support/temp-workspace';

/**
 * Crash safety: a writer killed with SIGKILL in the middle of an import or of a run of postings
 * leaves a workspace that opens, verifies, and holds only whole transactions. A full disk during
 * an import leaves nothing half-written.
 */
const WRITER = join(__dirname, '..', 'support', 'security-crash-writer.ts');
let temp: TempWorkspace | null = null;
afterEach(() => {
  temp?.cleanup();
  temp = null;
});

function billRows(count: number): WechatTradeRowSpec[] {
  const rows: WechatTradeRowSpec[] = [];
  for (let index = 0; index < count; index += 1) {
    const second = index % 86_400;
    const time = `2026-10-05 ${String(Math.floor(second / 3600)).padStart(2, '0')}:${String(Math.floor(second / 60) % 60).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;
    rows.push({ time, tradeNo: `42000${String(index).padStart(23, '0')}`, orderNo: `SO${String(index).padStart(16, '0')}`, status: 'SUCCESS', settledFen: 1000 + (index % 5000), feeFen: 6 });
  }
  return rows;
}

/** Runs the writer until it prints a line that `killWhen` accepts, then SIGKILLs it. */
function runAndKill(args: string[], killWhen: (line: string) => boolean): Promise<{ lastLine: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { env: { ...process.env, LEDGERDESK_PASSPHRASE: TEST_PASSPHRASE }, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastLine = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      lastLine = line;
      if (killWhen(line)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the writer ended by itself (code ${code}) before it was killed: ${lastLine} ${stderr.slice(0, 2000)}`));
      else resolve({ lastLine, signal });
    });
  });
}

function count(workspace: Workspace, sql: string): number {
  return (workspace.sqlite.prepare(sql).get() as { n: number }).n;
}

function expectVerified(workspace: Workspace): void {
  const report = verifyWorkspace(workspace.sqlite);
  expect(report.checks.filter((check) => !check.ok)).toEqual([]);
}

describe('kill -9 while writing', () => {
  it('during the import of a 200,000-row bill: the workspace opens, verifies, and holds none of the file', async () => {
    temp = createTempWorkspace();
    temp.workspace.close();
    const billFile = join(temp.directory, 'big-bill.csv');
    writeFileSync(billFile, wechatTradeBill('ALL', billRows(200_000)));
    // Killed after the second batch of rows is written inside the file's transaction.
    const killed = await runAndKill(['import', temp.path, billFile], (line) => line.startsWith('rows ') && Number(line.slice(5)) >= 10_000);
    expect(killed.lastLine).toMatch(/^rows /);
    const workspace = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    try {
      expectVerified(workspace);
      expect(count(workspace, `SELECT count(*) AS n FROM import_files`)).toBe(0);
      expect(count(workspace, `SELECT count(*) AS n FROM channel_transactions`)).toBe(count(workspace, `SELECT coalesce(sum(inserted_count), 0) AS n FROM import_files`));
      expect(count(workspace, `SELECT count(*) AS n FROM channel_transactions`)).toBe(0);
      expect(count(workspace, `SELECT count(*) AS n FROM journal_entries`)).toBe(0);
    } finally {
      workspace.close();
    }
  }, 300_000);

  it('during a run of postings: every committed entry is there, whole, and the chain verifies', async () => {
    temp = createTempWorkspace();
    temp.workspace.close();
    const killed = await runAndKill(['post', temp.path], (line) => line === 'posted 300');
    const postedBeforeKill = Number(killed.lastLine.replace('posted ', ''));
    const workspace = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    try {
      expectVerified(workspace);
      const entries = count(workspace, `SELECT count(*) AS n FROM journal_entries`);
      // Each "posted N" line follows a commit; one more entry may have committed before the signal landed.
      expect(entries).toBeGreaterThanOrEqual(postedBeforeKill);
      expect(count(workspace, `SELECT count(*) AS n FROM journal_entries e WHERE NOT EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id)`)).toBe(0);
    } finally {
      workspace.close();
    }
  }, 120_000);
});

function tryMountTmpfs(directory: string, size: string): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory]).status === 0;
}

describe('full disk during an import', () => {
  it('rejects the file and leaves nothing half-written (skips where a small tmpfs cannot be mounted)', async (context) => {
    const outside = mkdtempSync(join(tmpdir(), 'ledgerdesk-full-'));
    const small = join(outside, 'small-disk');
    mkdirSync(small);
    if (!tryMountTmpfs(small, '3m')) {
      rmSync(outside, { recursive: true, force: true });
      context.skip('needs root on Linux to mount a 3 MiB tmpfs');
      return;
    }
    let workspace: Workspace | null = null;
    try {
      const path = join(small, 'books.ldw');
      workspace = createWorkspace({ path, passphrase: TEST_PASSPHRASE, companyName: '示例商城有限公司', adminName: 'admin', adminPassword: TEST_ADMIN_PASSWORD, booksStartDate: '2026-10-01', clock: fixedClock(TEST_NOW) });
      const billFile = join(outside, 'bill.csv');
      writeFileSync(billFile, wechatTradeBill('ALL', billRows(40_000)));
      const before = count(workspace, `SELECT count(*) AS n FROM audit_log`);
      const result = await importChannelFile(workspace, billFile, { actor: { userName: 'admin', role: 'admin' } });
      expect(result.error?.reason).toMatch(/could not write the workspace/);
      workspace.close();
      workspace = openWorkspace({ path, passphrase: TEST_PASSPHRASE });
      expect(count(workspace, `SELECT count(*) AS n FROM import_files`)).toBe(0);
      expect(count(workspace, `SELECT count(*) AS n FROM channel_transactions`)).toBe(0);
      expect(count(workspace, `SELECT count(*) AS n FROM audit_log`)).toBe(before);
      expectVerified(workspace);
    } finally {
      workspace?.close();
      spawnSync('umount', [small]);
      rmSync(outside, { recursive: true, force: true });
    }
  }, 120_000);
});
