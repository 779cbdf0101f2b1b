import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from '../support/run-cli';

const directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-crash-export-'));
const demo = join(directory, 'demo');
const env = { LEDGERDESK_PASSPHRASE: 'ledgerdesk-demo-passphrase', LEDGERDESK_USER_PASSWORD: 'demo-admin-password', LEDGERDESK_WORKSPACE: join(demo, 'demo.ldw') };

beforeAll(() => {
  const run = runCli(['demo', '--out', demo, '--orders', '300', '--json'], {});
  expect(run.json.ok).toBe(true);
}, 300_000);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Starts the CLI and kills it with SIGKILL after `delayMs`, as a crash or a power cut would. */
function killDuring(args: string[], delayMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('kill -9 during an export', () => {
  for (const [name, args] of [
    ['the monthly Excel and PDF report', ['report', '2026-10', '--xlsx', join(directory, 'r.xlsx'), '--pdf', join(directory, 'r.pdf')]],
    ['the sealed audit package', ['audit-export', '--from', '2026-10-01', '--to', '2026-10-31', '--out', join(directory, 'audit')]],
  ] as const) {
    it(`leaves a workspace that opens and verifies: ${name}`, async () => {
      for (const delayMs of [400, 1200]) {
        await killDuring([...args], delayMs);
        const verify = runCli(['verify', '--json'], env);
        expect(verify.status, JSON.stringify(verify.json)).toBe(0);
        expect(verify.json.ok).toBe(true);
        // The next writer is not locked out by the dead process's lock.
        expect(runCli(['user', 'list', '--json'], env).status).toBe(0);
        rmSync(join(directory, 'audit'), { recursive: true, force: true });
      }
      expect(existsSync(env.LEDGERDESK_WORKSPACE)).toBe(true);
    }, 120_000);
  }
});
