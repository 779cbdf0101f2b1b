import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI_PATH = join(__dirname, '..', '..', 'bin', 'ledgerdesk.cjs');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  json: Record<string, unknown> & { error?: { code: string; message: string } };
}

/** Runs the built `ledgerdesk` binary as a child process, as a user or a script would. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI_PATH, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LEDGERDESK_FIXED_NOW: '2026-10-15T04:00:00.000Z', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  let json = {} as CliRun['json'];
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  if (lastLine.startsWith('{')) json = JSON.parse(lastLine) as CliRun['json'];
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, json };
}
