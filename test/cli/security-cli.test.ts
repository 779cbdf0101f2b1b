import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli';

let directory: string;
let env: Record<string, string>;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-cli-security-'));
  env = { LEDGERDESK_PASSPHRASE: 'cli test passphrase', LEDGERDESK_USER_PASSWORD: 'admin-password-1', LEDGERDESK_WORKSPACE: join(directory, 'books.ldw') };
  expect(runCli(['init', '--books-start', '2026-10-01', '--json'], env).status).toBe(0);
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

// Each test runs the built binary several times (scrypt logins, re-keys): slow on a busy two-core machine.
describe('security commands (built binary)', { timeout: 180_000 }, () => {
  it('backup writes an encrypted copy; restore verifies it and replaces the workspace', () => {
    const out = join(directory, 'backup.ldw');
    const backup = runCli(['backup', '--out', out, '--json'], env);
    expect(backup.status).toBe(0);
    expect(backup.json).toMatchObject({ file: out, sha256: createHash('sha256').update(readFileSync(out)).digest('hex') });
    expect(runCli(['backup', '--out', out, '--json'], env).json.error?.code).toBe('conflict');
    expect(runCli(['backup', '--json'], env).status).toBe(2);

    const restored = runCli(['restore', out, '--sha256', String(backup.json.sha256), '--json'], env);
    expect(restored.status).toBe(0);
    expect(restored.json).toMatchObject({ file: env.LEDGERDESK_WORKSPACE, sha256: backup.json.sha256 });
    expect(runCli(['verify', '--json'], env).json.ok).toBe(true);

    const damaged = join(directory, 'damaged.ldw');
    const bytes = readFileSync(out);
    writeFileSync(damaged, bytes.subarray(0, bytes.length - 4096 * 2));
    const refused = runCli(['restore', damaged, '--json'], env);
    expect(refused.status).toBe(1);
    expect(refused.json.error?.code).toBe('workspace_damaged');
    expect(runCli(['verify', '--json'], env).json.ok).toBe(true);

    const log = runCli(['audit-log', '--action', 'workspace.', '--json'], env);
    expect((log.json.items as { action: string }[]).map((item) => item.action)).toEqual(['workspace.restore', 'workspace.create']);
    // The backup's own record is in the workspace it was taken from, which the restore replaced.
  });

  it('passphrase change re-keys: the old passphrase is refused, the new one opens', () => {
    const changed = runCli(['passphrase', 'change', '--new-passphrase-env', 'NEW_PASS', '--json'], { ...env, NEW_PASS: 'the new cli passphrase' });
    expect(changed.status).toBe(0);
    expect(changed.json).toMatchObject({ ok: true, secrets_resealed: 0 });
    expect(runCli(['verify', '--json'], env).json.error?.code).toBe('wrong_passphrase');
    expect(runCli(['verify', '--json'], { ...env, LEDGERDESK_PASSPHRASE: 'the new cli passphrase' }).json.ok).toBe(true);
    const weak = runCli(['passphrase', 'change', '--new-passphrase-env', 'NEW_PASS', '--json'], { ...env, LEDGERDESK_PASSPHRASE: 'the new cli passphrase', NEW_PASS: 'short' });
    expect(weak.json.error?.code).toBe('invalid_input');
  });

  it('auditor copy: the auditor reads users and the audit log but cannot add users', () => {
    const out = join(directory, 'auditor.ldw');
    const copy = runCli(
      ['auditor-copy', '--from', '2026-10-01', '--to', '2026-10-31', '--out', out, '--passphrase-env', 'AUDIT_PASS', '--auditor', 'kpmg', '--auditor-password-env', 'AUDITOR_PW', '--json'],
      { ...env, AUDIT_PASS: 'auditor copy passphrase', AUDITOR_PW: 'auditor-password-1' },
    );
    expect(copy.status).toBe(0);
    expect(copy.json).toMatchObject({ file: out, from: '2026-10-01', to: '2026-10-31', users: ['kpmg'] });
    const auditorEnv = { LEDGERDESK_PASSPHRASE: 'auditor copy passphrase', LEDGERDESK_USER_PASSWORD: 'auditor-password-1', LEDGERDESK_WORKSPACE: out };
    const users = runCli(['user', 'list', '--user', 'kpmg', '--json'], auditorEnv);
    expect(users.json).toMatchObject({ mode: 'auditor', users: [{ name: 'kpmg', role: 'auditor' }] });
    const log = runCli(['audit-log', '--user', 'kpmg', '--by', 'admin', '--from', '2026-10-15', '--to', '2026-10-15', '--json'], auditorEnv);
    expect(log.status).toBe(0);
    const items = log.json.items as { user: string; action: string }[];
    expect(items.map((item) => item.action)).toContain('auditor_copy.create');
    expect(new Set(items.map((item) => item.user))).toEqual(new Set(['admin']));
    expect(runCli(['audit-log', '--user', 'kpmg', '--by', 'admin', '--from', '2026-10-16', '--json'], auditorEnv).json.items).toEqual([]);
    expect(runCli(['verify', '--json'], auditorEnv).json.ok).toBe(true);
    const add = runCli(['user', 'add', 'eve', '--role', 'admin', '--password-env', 'PW', '--user', 'kpmg', '--json'], { ...auditorEnv, PW: 'eve-password-1' });
    expect(add.json.error?.code).toBe('forbidden');
    expect(runCli(['backup', '--out', join(directory, 'b.ldw'), '--user', 'kpmg', '--json'], auditorEnv).json.error?.code).toBe('forbidden');
  });

  it('audit-log refuses a clerk and bad options', () => {
    expect(runCli(['user', 'add', 'clerk1', '--role', 'clerk', '--password-env', 'PW', '--json'], { ...env, PW: 'clerk-password-1' }).status).toBe(0);
    const clerk = runCli(['audit-log', '--user', 'clerk1', '--json'], { ...env, LEDGERDESK_USER_PASSWORD: 'clerk-password-1' });
    expect(clerk.status).toBe(1);
    expect(clerk.json.error?.code).toBe('forbidden');
    expect(runCli(['audit-log', '--limit', 'ten', '--json'], env).status).toBe(2);
    expect(runCli(['audit-log', '--from', '2026-13-01', '--json'], env).status).toBe(2);
    expect(runCli(['user', 'list', '--user', 'clerk1', '--json'], { ...env, LEDGERDESK_USER_PASSWORD: 'clerk-password-1' }).json.error?.code).toBe('forbidden');
    const users = runCli(['user', 'list', '--json'], env);
    expect((users.json.users as { name: string }[]).map((user) => user.name)).toEqual(['admin', 'clerk1']);
  });
});
