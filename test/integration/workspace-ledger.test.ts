import Database from 'better-sqlite3-multiple-ciphers';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledMigrations } from '../../db/migrations/bundle.generated';
import { applyCipherKey, CURRENT_CIPHER_SCHEME, keyDecryptsFirstPage, READABLE_CIPHER_SCHEMES } from '../../db/cipher';
import { openWorkspaceDatabase } from '../../db/open';
import { LedgerdeskError } from '../../electron/core/errors';
import { fen } from '../../electron/core/money';
import { PeriodClosedError, postEntry } from '../../electron/core/ledger/post';
import { memberStatement, trialBalance, accountBalanceBefore } from '../../electron/core/ledger/queries';
import { traceEntries } from '../../electron/core/ledger/read';
import { reverseEntry } from '../../electron/core/ledger/reverse';
import { openingBalanceEntry, orderPaymentEntry, topupEntry, pointsDeductionEntry } from '../../electron/core/ledger/rules';
import { openWorkspace, verifyWorkspace } from '../../electron/core/workspace';
import { createTempWorkspace, TEST_PASSPHRASE, type TempWorkspace } from '../support/temp-workspace';

const ORDER_NO = 'SO2026101512345678';
let temp: TempWorkspace;
afterEach(() => temp?.cleanup());

function postSampleOrder(t: TempWorkspace, options: { withOpeningPoints?: boolean } = { withOpeningPoints: true }) {
  const context = t.workspace.postingContext('admin');
  if (options.withOpeningPoints) {
    postEntry(context, openingBalanceEntry('2026-10-01T00:00:00+08:00', [{ memberId: 'm1', storedValueFen: fen(5000), balanceFen: fen(0), commissionFen: fen(0), points: 1000 }])!);
  }
  const source = { resource: 'orders', id: 'ord-1', no: ORDER_NO, version: 1 };
  const payment = postEntry(context, orderPaymentEntry({ source, memberId: 'm1', paidAt: '2026-10-15T10:00:00+08:00', payChannel: 'wechat', channelPaidFen: fen(8000), storedValueFen: fen(2000), balanceFen: fen(0) })!);
  const points = postEntry(context, pointsDeductionEntry({ source, memberId: 'm1', paidAt: '2026-10-15T10:00:00+08:00', pointsDeductionFen: fen(300), pointsUsed: 300 })!);
  return { payment, points };
}

describe('encrypted workspace', () => {
  it('is unreadable without the key: no SQLite header and no plaintext order number', () => {
    temp = createTempWorkspace();
    postSampleOrder(temp);
    temp.workspace.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    temp.workspace.close();
    const bytes = readFileSync(temp.path);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    expect(bytes.includes(Buffer.from(ORDER_NO))).toBe(false);
    expect(bytes.includes(Buffer.from('示例商城', 'utf8'))).toBe(false);
    const plain = new Database(temp.path);
    expect(() => plain.prepare('SELECT * FROM journal_entries').all()).toThrow(/not a database/);
    plain.close();
  });

  it('reopens with the passphrase and refuses a wrong one with a clear message', () => {
    temp = createTempWorkspace();
    postSampleOrder(temp);
    temp.workspace.close();
    const reopened = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    expect(reopened.info().companyName).toBe('示例商城有限公司');
    reopened.close();
    expect(() => openWorkspace({ path: temp.path, passphrase: 'wrong passphrase' })).toThrow(/passphrase is wrong/);
    try {
      openWorkspace({ path: temp.path, passphrase: 'wrong passphrase' });
    } catch (error) {
      expect((error as LedgerdeskError).code).toBe('wrong_passphrase');
    }
  });

  it('creates new workspaces under AEGIS-256: the SQLCipher 4 scheme does not decrypt them, AEGIS-256 does', () => {
    temp = createTempWorkspace();
    temp.workspace.close();
    for (const scheme of READABLE_CIPHER_SCHEMES) {
      const raw = new Database(temp.path, { readonly: true });
      applyCipherKey(raw, TEST_PASSPHRASE, scheme);
      expect(keyDecryptsFirstPage(raw)).toBe(scheme === CURRENT_CIPHER_SCHEME);
      raw.close();
    }
    expect(CURRENT_CIPHER_SCHEME).toBe('aegis-256');
  });

  it('still opens a workspace an earlier build wrote under SQLCipher 4, keeps its scheme, and refuses a wrong passphrase', () => {
    temp = createTempWorkspace();
    const olderPath = join(temp.directory, 'earlier-build.ldw');
    const created = openWorkspaceDatabase({ path: olderPath, passphrase: TEST_PASSPHRASE, create: true, cipherScheme: 'sqlcipher-4' });
    if (!created.ok) throw new Error(created.error.message);
    created.database.sqlite.exec(`INSERT INTO workspace_meta (key, value) VALUES ('probe', '旧版本')`);
    created.database.sqlite.close();
    const reopened = openWorkspaceDatabase({ path: olderPath, passphrase: TEST_PASSPHRASE });
    if (!reopened.ok) throw new Error(reopened.error.message);
    expect(reopened.database.sqlite.prepare(`SELECT value FROM workspace_meta WHERE key = 'probe'`).get()).toEqual({ value: '旧版本' });
    reopened.database.sqlite.close();
    const raw = new Database(olderPath, { readonly: true });
    applyCipherKey(raw, TEST_PASSPHRASE, 'sqlcipher-4');
    expect(keyDecryptsFirstPage(raw)).toBe(true);
    raw.close();
    const wrong = openWorkspaceDatabase({ path: olderPath, passphrase: 'wrong passphrase' });
    expect(wrong.ok ? null : wrong.error.code).toBe('wrong_passphrase');
  });

  it('refuses files that are not workspaces', () => {
    temp = createTempWorkspace();
    const plainPath = join(temp.directory, 'plain.db');
    const plain = new Database(plainPath);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    expect(() => openWorkspace({ path: plainPath, passphrase: TEST_PASSPHRASE })).toThrow(/not a Ledgerdesk workspace/);
    const textPath = join(temp.directory, 'notes.txt');
    writeFileSync(textPath, 'hello, this is not a database at all '.repeat(200));
    expect(() => openWorkspace({ path: textPath, passphrase: TEST_PASSPHRASE })).toThrow(LedgerdeskError);
    const missing = openWorkspaceDatabase({ path: join(temp.directory, 'missing.ldw'), passphrase: TEST_PASSPHRASE });
    expect(!missing.ok && missing.error.code).toBe('workspace_not_found');
  });

  it('applies migrations on open and refuses a workspace newer than the app', () => {
    temp = createTempWorkspace();
    temp.workspace.close();
    const older = openWorkspaceDatabase({ path: temp.path, passphrase: TEST_PASSPHRASE, migrations: bundledMigrations.slice(0, 1) });
    expect(older.ok).toBe(false);
    expect(!older.ok && older.error.code).toBe('workspace_too_new');
    expect(!older.ok && older.error.message).toMatch(/newer Ledgerdesk/);
    // An app with one more migration upgrades the workspace on open.
    const extra = [...bundledMigrations, { tag: '9999_test_extra', hash: 'x', statements: ['CREATE TABLE test_extra (x INTEGER)'] }];
    const newer = openWorkspaceDatabase({ path: temp.path, passphrase: TEST_PASSPHRASE, migrations: extra });
    expect(newer.ok).toBe(true);
    if (newer.ok) {
      expect(newer.database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      newer.database.sqlite.close();
    }
  });
});

describe('ledger', () => {
  it('posts numbered, hash-chained entries that balance and trace to their source', () => {
    temp = createTempWorkspace();
    const { payment, points } = postSampleOrder(temp);
    expect(payment.entryNo).toBe('LD202610-000002');
    expect(points.entryNo).toBe('LD202610-000003');
    const trace = traceEntries(temp.workspace.sqlite, ORDER_NO);
    expect(trace.map((entry) => entry.entryType)).toEqual(['order_payment', 'points_deduction']);
    expect(trace[0].source).toMatchObject({ resource: 'orders', id: 'ord-1', no: ORDER_NO });
    const byNumber = traceEntries(temp.workspace.sqlite, 'LD202610-000003');
    expect(byNumber).toHaveLength(2);
    const balance = trialBalance(temp.workspace.sqlite);
    expect(balance.debitTotalFen).toBe(balance.creditTotalFen);
    expect(balance.lines.find((line) => line.accountCode === '2201')?.balanceFen).toBe(10300);
    expect(accountBalanceBefore(temp.workspace.sqlite, '1121', '2026-10-16T00:00:00+08:00')).toBe(8000);
    expect(accountBalanceBefore(temp.workspace.sqlite, '1121', '2026-10-15T00:00:00+08:00')).toBe(0);
    expect(verifyWorkspace(temp.workspace.sqlite).ok).toBe(true);
  });

  it('member sub-ledgers stay separate and the points quantity ledger counts', () => {
    temp = createTempWorkspace();
    const context = temp.workspace.postingContext('admin');
    postEntry(context, topupEntry({ source: { resource: 'topups', id: 't1', no: 'TU1' }, memberId: 'm1', paidAt: '2026-10-02T09:00:00+08:00', channel: 'alipay', amountFen: fen(10000), bonusFen: fen(1000) })!);
    postSampleOrder(temp, { withOpeningPoints: false });
    const stored = memberStatement(temp.workspace.sqlite, 'm1', 'stored_value', '2026-10-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00');
    expect(stored.lines.map((line) => line.change)).toEqual([10000, 1000, -2000]);
    expect(stored.closing).toBe(9000);
    const balance = memberStatement(temp.workspace.sqlite, 'm1', 'balance', '2026-10-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00');
    expect(balance.lines).toHaveLength(0);
    const pointsLedger = memberStatement(temp.workspace.sqlite, 'm1', 'points', '2026-10-01T00:00:00+08:00', '2026-11-01T00:00:00+08:00');
    expect(pointsLedger.closing).toBe(-300);
    // Points spent without an opening balance are negative: verify reports it.
    const report = verifyWorkspace(temp.workspace.sqlite);
    expect(report.checks.find((check) => check.name === 'member_subledgers_non_negative')?.ok).toBe(false);
  });

  it('corrects by reversal, once, and never by editing', () => {
    temp = createTempWorkspace();
    const { payment } = postSampleOrder(temp);
    const reversal = reverseEntry(temp.workspace.postingContext('admin'), payment.id, { occurredAt: '2026-10-16T09:00:00+08:00' });
    const trace = traceEntries(temp.workspace.sqlite, reversal.entryNo);
    expect(trace.find((entry) => entry.id === payment.id)?.reversedByEntryNo).toBe(reversal.entryNo);
    expect(trialBalance(temp.workspace.sqlite).lines.find((line) => line.accountCode === '1121')?.balanceFen).toBe(0);
    expect(() => reverseEntry(temp.workspace.postingContext('admin'), payment.id)).toThrow();
    expect(() => temp.workspace.sqlite.prepare('UPDATE postings SET debit_fen = 1').run()).toThrow(/append-only/);
    expect(() => temp.workspace.sqlite.prepare('DELETE FROM journal_entries').run()).toThrow(/append-only/);
    expect(() => temp.workspace.sqlite.prepare('UPDATE audit_log SET user_name = ?').run('x')).toThrow(/append-only/);
  });

  it('verify names the first entry changed behind the triggers', () => {
    temp = createTempWorkspace();
    postSampleOrder(temp);
    postSampleOrder(temp, { withOpeningPoints: false });
    const sqlite = temp.workspace.sqlite;
    expect(verifyWorkspace(sqlite).ok).toBe(true);
    sqlite.exec('DROP TRIGGER postings_no_update');
    sqlite.prepare(`UPDATE postings SET credit_fen = credit_fen + 100, debit_fen = debit_fen WHERE entry_id = 3 AND credit_fen > 0`).run();
    sqlite.prepare(`UPDATE postings SET debit_fen = debit_fen + 100 WHERE entry_id = 3 AND line_no = 1`).run();
    const report = verifyWorkspace(sqlite);
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.name === 'immutability_triggers')?.ok).toBe(false);
    const chain = report.checks.find((check) => check.name === 'entry_hash_chain');
    expect(chain?.ok).toBe(false);
    expect(chain?.detail).toContain('LD202610-000003');
    // The entry still balances: only the hash chain catches this edit.
    expect(report.checks.find((check) => check.name === 'entries_balance')?.ok).toBe(true);
  });

  it('verify reports an unbalanced entry written behind its back', () => {
    temp = createTempWorkspace();
    postSampleOrder(temp);
    temp.workspace.sqlite.exec('DROP TRIGGER postings_no_update');
    temp.workspace.sqlite.prepare(`UPDATE postings SET debit_fen = debit_fen + 1 WHERE entry_id = 2 AND line_no = 1`).run();
    const report = verifyWorkspace(temp.workspace.sqlite);
    expect(report.checks.find((check) => check.name === 'entries_balance')?.detail).toContain('LD202610-000002');
    expect(report.checks.find((check) => check.name === 'debits_equal_credits')?.ok).toBe(false);
  });

  it('refuses to post into a closed month', () => {
    temp = createTempWorkspace();
    temp.workspace.sqlite.prepare(`INSERT INTO periods (month, status) VALUES ('2026-10', 'closed')`).run();
    expect(() => postSampleOrder(temp)).toThrow(PeriodClosedError);
    expect((temp.workspace.sqlite.prepare('SELECT count(*) AS n FROM journal_entries').get() as { n: number }).n).toBe(0);
  });

  it('numbers entries per Asia/Shanghai month of the business time', () => {
    temp = createTempWorkspace();
    const context = temp.workspace.postingContext('admin');
    const source = { resource: 'topups', id: 't', no: 'T' };
    // 2026-10-31T16:30Z is already November 1st in Shanghai.
    const first = postEntry(context, topupEntry({ source, memberId: 'm', paidAt: '2026-10-31T16:30:00Z', channel: 'wechat', amountFen: fen(1), bonusFen: fen(0) })!);
    const second = postEntry(context, topupEntry({ source, memberId: 'm', paidAt: '2026-10-31T15:30:00Z', channel: 'wechat', amountFen: fen(1), bonusFen: fen(0) })!);
    expect(first.entryNo).toBe('LD202611-000001');
    expect(second.entryNo).toBe('LD202610-000001');
  });
});
