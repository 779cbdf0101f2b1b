import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';

const directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-demo-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('ledgerdesk demo (built binary)', () => {
  it('runs the whole month-end on the embedded demo mall and every step succeeds', () => {
    const out = join(directory, 'demo');
    const run = runCli(['demo', '--out', out, '--orders', '300', '--json'], {});
    expect(run.stderr).toBe('');
    const steps = run.json.steps as { step: string; ok: boolean; summary: string; figures?: Record<string, unknown> }[];
    expect(steps.filter((step) => !step.ok)).toEqual([]);
    expect(steps.map((step) => step.step)).toEqual([
      'workspace', 'demo_mall', 'sync', 'channel_files', 'import', 'reconcile', 'close_check', 'review',
      'withdrawals', 'settlement', 'sync_again', 'close', 'report', 'audit_package', 'verify',
    ]);
    expect(run.status).toBe(0);
    // Every injected discrepancy was flagged, and nothing else.
    const injected = (steps.find((step) => step.step === 'channel_files')?.figures as { injected: number }).injected;
    expect((steps.find((step) => step.step === 'reconcile')?.figures as { open: number }).open).toBe(injected);
    expect(existsSync(join(out, 'demo.ldw'))).toBe(true);
    expect(existsSync(join(out, '月报-2026-10.xlsx'))).toBe(true);
    expect(existsSync(join(out, '月报-2026-10.pdf'))).toBe(true);
    expect(existsSync(join(out, 'audit-package-2026-10', 'manifest.json'))).toBe(true);
    // The demo workspace is a normal workspace: the CLI opens and verifies it.
    const verify = runCli(['--workspace', join(out, 'demo.ldw'), 'verify', '--json'], { LEDGERDESK_PASSPHRASE: 'ledgerdesk-demo-passphrase' });
    expect(verify.json.ok).toBe(true);
    const audit = runCli(['audit-verify', join(out, 'audit-package-2026-10'), '--json'], {});
    expect(audit.json.ok).toBe(true);
  }, 300_000);

  it('refuses a nonsense order count', () => {
    const run = runCli(['demo', '--out', join(directory, 'x'), '--orders', 'many', '--json'], {});
    expect(run.status).toBe(2);
  });
});
