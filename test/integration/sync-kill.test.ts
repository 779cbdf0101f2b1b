import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trialBalance } from '../../electron/core/ledger/queries';
import { generateMallDataset, startDemoMall, type DemoMall } from '../../electron/core/mall/demo';
import { syncFromMall } from '../../electron/core/mall/sync';
import { openWorkspace, verifyWorkspace } from '../../electron/core/workspace';
import { createTempWorkspace, TEST_ADMIN_PASSWORD, TEST_PASSPHRASE, type TempWorkspace } from '../support/temp-workspace';

const CLI = join(__dirname, '..', '..', 'bin', 'ledgerdesk.cjs');
const BUILT = join(__dirname, '..', '..', 'out', 'cli', 'ledgerdesk.cjs');
const token = 'kill-test-token';
const now = '2026-11-03T02:00:00.000Z';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startSync(workspacePath: string, url: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> } {
  const child = spawn(process.execPath, [CLI, '--workspace', workspacePath, '--json', 'sync', '--mall-url', url, '--mall-token-env', 'KILL_TEST_TOKEN'], {
    env: { PATH: process.env.PATH, LEDGERDESK_PASSPHRASE: TEST_PASSPHRASE, LEDGERDESK_USER_PASSWORD: TEST_ADMIN_PASSWORD, LEDGERDESK_FIXED_NOW: now, KILL_TEST_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', () => undefined);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout })),
  );
  return { child, done };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface BooksSummary {
  entries: number;
  byType: Record<string, number>;
  documents: number;
  trialBalance: string[];
  points: number;
}

function summarise(temp: TempWorkspace | string): BooksSummary {
  const workspace = typeof temp === 'string' ? openWorkspace({ path: temp, passphrase: TEST_PASSPHRASE }) : temp.workspace;
  const sqlite = workspace.sqlite;
  const byType = Object.fromEntries(
    (sqlite.prepare(`SELECT entry_type, count(*) AS n FROM journal_entries GROUP BY entry_type ORDER BY entry_type`).all() as { entry_type: string; n: number }[]).map((row) => [row.entry_type, row.n]),
  );
  const summary = {
    entries: (sqlite.prepare(`SELECT count(*) AS n FROM journal_entries`).get() as { n: number }).n,
    byType,
    documents: (sqlite.prepare(`SELECT count(*) AS n FROM mall_documents`).get() as { n: number }).n,
    trialBalance: trialBalance(sqlite).lines.map((line) => `${line.accountCode} Dr ${line.debitFen} Cr ${line.creditFen}`),
    points: (sqlite.prepare(`SELECT coalesce(sum(change_points), 0) AS n FROM points_ledger`).get() as { n: number }).n,
  };
  if (typeof temp === 'string') {
    expect(verifyWorkspace(sqlite).checks.filter((check) => !check.ok)).toEqual([]);
    workspace.close();
  }
  return summary;
}

describe.skipIf(!existsSync(BUILT))('sync killed with SIGKILL mid-way (built CLI in a child process)', () => {
  it('resumes after two kills with books identical to one clean sync', async () => {
    const dataset = generateMallDataset({ seed: 4242, month: '2026-10', orderCount: 2000 });

    // The reference: one uninterrupted sync.
    const cleanMall = await startDemoMall({ dataset, token });
    cleanups.push(() => cleanMall.close());
    const clean = createTempWorkspace({ booksStartDate: '2026-10-01', now });
    cleanups.push(() => clean.cleanup());
    await syncFromMall(clean.workspace, { url: cleanMall.url, token, actorName: 'admin' });
    const expected = summarise(clean);

    // The same data served slowly, so the child is caught in the middle of its pages.
    const slowMall: DemoMall = await startDemoMall({ dataset, token, faults: { delayMs: 120 } });
    cleanups.push(() => slowMall.close());
    const killed = createTempWorkspace({ booksStartDate: '2026-10-01', now });
    cleanups.push(() => killed.cleanup());
    killed.workspace.close();

    const killPoints = [6, 6]; // requests answered before each kill, counted from the run's start
    let partialEntries = 0;
    for (const requestsBeforeKill of killPoints) {
      const startCount = slowMall.requestCount();
      const run = startSync(killed.path, slowMall.url);
      await waitFor(() => slowMall.requestCount() >= startCount + requestsBeforeKill, 'the child to fetch some pages');
      run.child.kill('SIGKILL');
      const exit = await run.done;
      expect(exit.signal).toBe('SIGKILL');
      const partial = summarise(killed.path);
      // Each kill left a consistent, partial book: more than before, not yet everything.
      expect(partial.entries).toBeGreaterThanOrEqual(partialEntries);
      expect(partial.entries).toBeLessThan(expected.entries);
      partialEntries = partial.entries;
    }
    expect(partialEntries).toBeGreaterThan(0);

    const final = startSync(killed.path, slowMall.url);
    const exit = await final.done;
    expect(exit.code).toBe(0);
    const result = JSON.parse(exit.stdout.trim().split('\n').pop()!) as { rejected: unknown[]; entries_posted: number };
    expect(result.rejected).toEqual([]);
    expect(result.entries_posted).toBe(expected.entries - partialEntries);

    expect(summarise(killed.path)).toEqual(expected);
  }, 180_000);
});
