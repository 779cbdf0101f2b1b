import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wechatTradeBill } from '../../electron/core/channels/bill-writers';
import { runCli } from '../support/run-cli';

let directory: string;
let env: Record<string, string>;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-cli-'));
  env = { LEDGERDESK_PASSPHRASE: 'cli test passphrase', LEDGERDESK_USER_PASSWORD: 'admin-password-1', LEDGERDESK_WORKSPACE: join(directory, 'books.ldw') };
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('ledgerdesk CLI (built binary)', () => {
  it('init creates a workspace; global options work before or after the command', () => {
    const init = runCli(['init', '--company', '示例商城有限公司', '--books-start', '2026-10-01', '--json'], env);
    expect(init.status).toBe(0);
    expect(init.json).toMatchObject({ workspace: env.LEDGERDESK_WORKSPACE, company: '示例商城有限公司', books_start: '2026-10-01T00:00:00+08:00' });
    const verify = runCli(['--json', 'verify'], env);
    expect(verify.status).toBe(0);
    expect(verify.json.ok).toBe(true);
    expect((verify.json.checks as { name: string }[]).map((check) => check.name)).toContain('entry_hash_chain');
    const other = join(directory, 'other.ldw');
    expect(runCli(['--workspace', other, 'init', '--json'], env).status).toBe(0);
    expect(runCli(['verify', '--workspace', other, '--json'], env).json.ok).toBe(true);
  });

  it('imports a bill and finds its entries by document number and entry number', () => {
    runCli(['init', '--books-start', '2026-10-01'], env);
    const bill = join(directory, 'wechat.csv');
    writeFileSync(bill, wechatTradeBill('ALL', [{ time: '2026-10-05 10:00:00', tradeNo: '4200000001', orderNo: 'SO100', status: 'SUCCESS', settledFen: 2990, orderFen: 2990, feeFen: 18 }]));
    const imported = runCli(['import', bill, '--json'], env);
    expect(imported.status).toBe(0);
    expect(imported.json.files).toEqual([{ file: bill, kind: 'wechat_trade_all', rows: 1, overlapping_rows: 0, skipped_duplicate: false }]);
    const byDocument = runCli(['ledger', 'find', 'wechat.csv#2026-10-05', '--json'], env);
    const entries = byDocument.json.entries as { number: string; type: string; postings: { account: string; debit: string; credit: string }[] }[];
    expect(entries).toHaveLength(1);
    expect(entries[0].type).toBe('channel_fee');
    expect(entries[0].postings).toEqual([
      expect.objectContaining({ account: '6601', debit: '0.18', credit: '0.00' }),
      expect.objectContaining({ account: '1121', debit: '0.00', credit: '0.18' }),
    ]);
    const byNumber = runCli(['ledger', 'find', entries[0].number, '--json'], env);
    expect((byNumber.json.entries as unknown[]).length).toBe(1);
    const again = runCli(['import', bill, '--json'], env);
    expect((again.json.files as { skipped_duplicate: boolean }[])[0].skipped_duplicate).toBe(true);
  });

  it('reports errors as JSON with the right exit codes', () => {
    const missing = runCli(['verify', '--json'], env);
    expect(missing.status).toBe(1);
    expect(missing.json.error?.code).toBe('workspace_not_found');
    runCli(['init'], env);
    const wrongKey = runCli(['verify', '--json'], { ...env, LEDGERDESK_PASSPHRASE: 'not the passphrase' });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.json.error).toEqual({ code: 'wrong_passphrase', message: expect.stringContaining('passphrase is wrong') });
    const usage = runCli(['frobnicate', '--json'], env);
    expect(usage.status).toBe(2);
    expect(usage.json.error?.code).toBe('usage');
    const badOption = runCli(['init', '--nonsense', '--json'], env);
    expect(badOption.status).toBe(2);
    const noFile = runCli(['ledger', 'find', '--json'], env);
    expect(noFile.status).toBe(2);
    const rejected = join(directory, 'bad.csv');
    writeFileSync(rejected, 'not,a,bill\n');
    const badImport = runCli(['import', rejected, '--json'], env);
    expect(badImport.status).toBe(1);
    expect((badImport.json.files as { error: { code: string } }[])[0].error.code).toBe('import_rejected');
  });

  it('user add needs an admin and a strong password; the new user cannot add users', () => {
    runCli(['init'], env);
    const added = runCli(['user', 'add', 'clerk1', '--role', 'clerk', '--password-env', 'NEW_PASSWORD', '--json'], { ...env, NEW_PASSWORD: 'clerk-password-1' });
    expect(added.json).toEqual({ user: 'clerk1', role: 'clerk' });
    const weak = runCli(['user', 'add', 'x', '--role', 'clerk', '--password-env', 'NEW_PASSWORD', '--json'], { ...env, NEW_PASSWORD: 'short' });
    expect(weak.json.error?.code).toBe('invalid_input');
    const byClerk = runCli(['--user', 'clerk1', 'user', 'add', 'y', '--role', 'admin', '--password-env', 'NEW_PASSWORD', '--json'], { ...env, LEDGERDESK_USER_PASSWORD: 'clerk-password-1', NEW_PASSWORD: 'another-password-1' });
    expect(byClerk.json.error?.code).toBe('forbidden');
    const wrongPassword = runCli(['user', 'add', 'z', '--role', 'clerk', '--password-env', 'NEW_PASSWORD', '--json'], { ...env, LEDGERDESK_USER_PASSWORD: 'nope', NEW_PASSWORD: 'another-password-1' });
    expect(wrongPassword.json.error?.code).toBe('authentication_failed');
  });
});
