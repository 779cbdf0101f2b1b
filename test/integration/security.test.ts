import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from '../../electron/core/audit';
import { authenticate, requirePermission } from '../../electron/core/auth';
import { LedgerdeskError } from '../../electron/core/errors';
import { chainHash } from '../../electron/core/ledger/hash-chain';
import { postEntry } from '../../electron/core/ledger/post';
import { orderPaymentEntry } from '../../electron/core/ledger/rules';
import { fen } from '../../electron/core/money';
import {
  acquireWorkspaceLock,
  backupWorkspace,
  changePassphrase,
  exportAuditorCopy,
  lockFilePath,
  openWorkspace,
  readSecret,
  restoreWorkspace,
  storeSecret,
  verifyWorkspace,
  type Workspace,
} from '../../electron/core/workspace';
import { canonicalAuditContent } from '../../electron/core/audit/audit-log';
import { createTempWorkspace, TEST_PASSPHRASE, type TempWorkspace } from '../support/temp-workspace';

const admin = { userName: 'admin', role: 'admin' as const };
const NEW_PASSPHRASE = 'a brand new passphrase 2026';
const AUDITOR_PASSPHRASE = 'auditor copy passphrase';
let temp: TempWorkspace;
const extraWorkspaces: Workspace[] = [];
afterEach(() => {
  for (const workspace of extraWorkspaces.splice(0)) workspace.close();
  temp?.cleanup();
});

function postOrder(workspace: Workspace, index: number) {
  const source = { resource: 'orders', id: `ord-${index}`, no: `SO20261015${String(index).padStart(6, '0')}`, version: 1 };
  return postEntry(
    workspace.postingContext('admin'),
    orderPaymentEntry({ source, memberId: 'm1', paidAt: '2026-10-15T10:00:00+08:00', payChannel: 'wechat', channelPaidFen: fen(1000 + index), storedValueFen: fen(0), balanceFen: fen(0) })!,
  );
}

function count(workspace: Workspace, table: string): number {
  return (workspace.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function auditCheck(workspace: Workspace) {
  return verifyWorkspace(workspace.sqlite).checks.find((check) => check.name === 'audit_hash_chain')!;
}

function expectCode(run: () => unknown, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerdeskError);
    expect((error as LedgerdeskError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

async function expectCodeAsync(run: () => Promise<unknown>, code: string): Promise<LedgerdeskError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerdeskError);
    expect((error as LedgerdeskError).code).toBe(code);
    return error as LedgerdeskError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('tamper-evident audit trail', () => {
  function seedAudit(t: TempWorkspace): void {
    for (let index = 1; index <= 5; index += 1) {
      appendAudit(t.workspace.sqlite, { userName: 'admin', action: 'test.event', objectType: 'thing', objectId: String(index), detail: { index } }, t.clock.now());
    }
    expect(auditCheck(t.workspace).ok).toBe(true);
    t.workspace.sqlite.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete');
  }

  function rowIdOf(t: TempWorkspace, objectId: string): number {
    return (t.workspace.sqlite.prepare(`SELECT id FROM audit_log WHERE object_id = ? AND action = 'test.event'`).get(objectId) as { id: number }).id;
  }

  it('names the row edited with the key after its trigger was dropped', () => {
    temp = createTempWorkspace();
    seedAudit(temp);
    const id = rowIdOf(temp, '3');
    temp.workspace.sqlite.prepare(`UPDATE audit_log SET user_name = 'mallory' WHERE id = ?`).run(id);
    const check = auditCheck(temp.workspace);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`row ${id} `);
    expect(verifyWorkspace(temp.workspace.sqlite).checks.find((c) => c.name === 'immutability_triggers')?.ok).toBe(false);
  });

  it('names the row after a deleted one', () => {
    temp = createTempWorkspace();
    seedAudit(temp);
    const id = rowIdOf(temp, '2');
    temp.workspace.sqlite.prepare(`DELETE FROM audit_log WHERE id = ?`).run(id);
    const check = auditCheck(temp.workspace);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`row ${rowIdOf(temp, '3')} `);
  });

  it('names a row inserted into the middle, even one whose own hash is computed correctly', () => {
    temp = createTempWorkspace();
    seedAudit(temp);
    const sqlite = temp.workspace.sqlite;
    // Make room after row '2' by moving the later rows up, then forge a row that links to row '2'.
    const second = sqlite.prepare(`SELECT id, hash FROM audit_log WHERE object_id = '2' AND action = 'test.event'`).get() as { id: number; hash: string };
    sqlite.prepare(`UPDATE audit_log SET id = id + 1000 WHERE id > ?`).run(second.id);
    const forged = { at: '2026-10-15T04:00:00.000Z', userName: 'admin', action: 'test.event', objectType: 'thing', objectId: 'forged', detailJson: '{}' };
    sqlite
      .prepare(`INSERT INTO audit_log (id, at, user_name, action, object_type, object_id, detail_json, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(second.id + 1, forged.at, forged.userName, forged.action, forged.objectType, forged.objectId, forged.detailJson, second.hash, chainHash(second.hash, canonicalAuditContent(forged)));
    const check = auditCheck(temp.workspace);
    expect(check.ok).toBe(false);
    // The forged row links correctly, so the break shows at the first genuine row after it.
    expect(check.detail).toContain(`row ${rowIdOf(temp, '3')} `);
  });

  it('names a row appended at the end with a made-up hash', () => {
    temp = createTempWorkspace();
    seedAudit(temp);
    const sqlite = temp.workspace.sqlite;
    const last = sqlite.prepare(`SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).get() as { hash: string };
    const inserted = sqlite
      .prepare(`INSERT INTO audit_log (at, user_name, action, object_type, object_id, detail_json, previous_hash, hash) VALUES ('2026-10-15T04:00:00.000Z', 'admin', 'period.reopen', 'period', '2026-09', '{}', ?, ?)`)
      .run(last.hash, 'f'.repeat(64));
    expect(auditCheck(temp.workspace).detail).toContain(`row ${inserted.lastInsertRowid} `);
  });

  it('lists the log by user, object, action and date, newest first, with paging', () => {
    temp = createTempWorkspace();
    const sqlite = temp.workspace.sqlite;
    appendAudit(sqlite, { userName: 'clerk1', action: 'import.file', objectType: 'import_file', objectId: '7', detail: {} }, new Date('2026-10-02T01:00:00Z'));
    appendAudit(sqlite, { userName: 'fin1', action: 'withdrawal.review', objectType: 'withdrawal', objectId: 'W1', detail: {} }, new Date('2026-10-03T01:00:00Z'));
    appendAudit(sqlite, { userName: 'fin1', action: 'withdrawal.reject', objectType: 'withdrawal', objectId: 'W2', detail: {} }, new Date('2026-10-04T01:00:00Z'));
    expect(listAudit(sqlite, { userName: 'fin1' }).map((row) => row.objectId)).toEqual(['W2', 'W1']);
    expect(listAudit(sqlite, { objectType: 'withdrawal', objectId: 'W1' })).toHaveLength(1);
    expect(listAudit(sqlite, { action: 'withdrawal.' }).map((row) => row.action)).toEqual(['withdrawal.reject', 'withdrawal.review']);
    expect(listAudit(sqlite, { action: 'withdrawal' })).toHaveLength(0);
    expect(listAudit(sqlite, { from: '2026-10-03T00:00:00.000Z', to: '2026-10-04T00:00:00.000Z' }).map((row) => row.objectId)).toEqual(['W1']);
    const newest = listAudit(sqlite, { limit: 1 });
    expect(newest[0].objectId).toBe('W2');
    expect(listAudit(sqlite, { limit: 1, beforeId: newest[0].id })[0].objectId).toBe('W1');
  });

  it('never stores a secret in the log', () => {
    temp = createTempWorkspace();
    const row = appendAudit(
      temp.workspace.sqlite,
      { userName: 'admin', action: 'payout.config', objectType: 'settings', objectId: null, detail: { mchid: '1601959334', apiV3Key: 'k'.repeat(32), nested: { merchantKey: 'secret-value', list: [{ password: 'pw' }] }, pem: '-----BEGIN PRIVATE KEY-----\nMIIE' } },
      temp.clock.now(),
    );
    const stored = temp.workspace.sqlite.prepare(`SELECT detail_json FROM audit_log WHERE id = ?`).get(row.id) as { detail_json: string };
    expect(stored.detail_json).toContain('1601959334');
    for (const secret of ['kkkkkkkk', 'secret-value', '"pw"', 'BEGIN PRIVATE KEY']) expect(stored.detail_json).not.toContain(secret);
  });
});

describe('passphrase change', () => {
  it('re-keys the file and re-seals every secret; the old passphrase no longer opens it', () => {
    temp = createTempWorkspace();
    storeSecret(temp.workspace.sqlite, temp.workspace.secrets, 'mall_token', 'tok-123456', temp.clock.now());
    storeSecret(temp.workspace.sqlite, temp.workspace.secrets, 'seal_password', '印章密码', temp.clock.now());
    postOrder(temp.workspace, 1);
    const oldSealed = temp.workspace.sqlite.prepare(`SELECT cipher_text FROM secrets WHERE name = 'mall_token'`).get() as { cipher_text: string };
    const changed = changePassphrase(temp.workspace, TEST_PASSPHRASE, NEW_PASSPHRASE, { actor: admin });
    extraWorkspaces.push(changed.workspace);
    expect(changed.secretsResealed).toBe(2);
    expect(temp.workspace.sqlite.open).toBe(false);
    expect(readSecret(changed.workspace.sqlite, changed.workspace.secrets, 'mall_token')).toBe('tok-123456');
    expect(verifyWorkspace(changed.workspace.sqlite).ok).toBe(true);
    expect(listAudit(changed.workspace.sqlite, { action: 'workspace.passphrase_change' })).toHaveLength(1);
    changed.workspace.close();
    expectCode(() => openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE }), 'wrong_passphrase');
    const reopened = openWorkspace({ path: temp.path, passphrase: NEW_PASSPHRASE });
    extraWorkspaces.push(reopened);
    expect(readSecret(reopened.sqlite, reopened.secrets, 'seal_password')).toBe('印章密码');
    expect(count(reopened, 'journal_entries')).toBe(1);
    // The secret was sealed again under a new salt, not just carried over.
    const newSealed = reopened.sqlite.prepare(`SELECT cipher_text FROM secrets WHERE name = 'mall_token'`).get() as { cipher_text: string };
    expect(newSealed.cipher_text).not.toBe(oldSealed.cipher_text);
  });

  it('refuses a wrong current passphrase, a weak new one, and a non-admin, changing nothing', () => {
    temp = createTempWorkspace();
    storeSecret(temp.workspace.sqlite, temp.workspace.secrets, 'mall_token', 'tok-123456', temp.clock.now());
    expectCode(() => changePassphrase(temp.workspace, 'not the passphrase', NEW_PASSPHRASE, { actor: admin }), 'wrong_passphrase');
    expectCode(() => changePassphrase(temp.workspace, TEST_PASSPHRASE, 'short', { actor: admin }), 'invalid_input');
    expectCode(() => changePassphrase(temp.workspace, TEST_PASSPHRASE, 'aaaaaaaaaaaa', { actor: admin }), 'invalid_input');
    expectCode(() => changePassphrase(temp.workspace, TEST_PASSPHRASE, NEW_PASSPHRASE, { actor: { userName: 'fin', role: 'finance' } }), 'forbidden');
    expect(readSecret(temp.workspace.sqlite, temp.workspace.secrets, 'mall_token')).toBe('tok-123456');
    temp.workspace.close();
    const reopened = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    extraWorkspaces.push(reopened);
    expect(readSecret(reopened.sqlite, reopened.secrets, 'mall_token')).toBe('tok-123456');
  });
});

describe('backup and restore', () => {
  it('copies an open workspace that stays writable, encrypted under the same passphrase, and restores it verified', async () => {
    temp = createTempWorkspace();
    postOrder(temp.workspace, 1);
    storeSecret(temp.workspace.sqlite, temp.workspace.secrets, 'mall_token', 'tok-backup', temp.clock.now());
    const backupFile = join(temp.directory, 'backup.ldw');
    const backup = await backupWorkspace(temp.workspace, backupFile, { actor: admin });
    expect(backup.sha256).toBe(sha256(backupFile));
    expect(readFileSync(backupFile).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    expect(readFileSync(backupFile).includes(Buffer.from('SO20261015000001'))).toBe(false);
    // Still open and writable after the copy: this entry is not in the backup.
    postOrder(temp.workspace, 2);
    expect(count(temp.workspace, 'journal_entries')).toBe(2);
    await expectCodeAsync(() => backupWorkspace(temp.workspace, backupFile, { actor: admin }), 'conflict');

    const restoredPath = join(temp.directory, 'restored.ldw');
    const restored = await restoreWorkspace(backupFile, restoredPath, TEST_PASSPHRASE, { clock: temp.clock, expectedSha256: backup.sha256 });
    expect(restored).toMatchObject({ file: restoredPath, sha256: backup.sha256 });
    const reopened = openWorkspace({ path: restoredPath, passphrase: TEST_PASSPHRASE });
    extraWorkspaces.push(reopened);
    expect(count(reopened, 'journal_entries')).toBe(1);
    expect(readSecret(reopened.sqlite, reopened.secrets, 'mall_token')).toBe('tok-backup');
    expect(verifyWorkspace(reopened.sqlite).ok).toBe(true);
    expect(existsSync(lockFilePath(restoredPath))).toBe(false);
  });

  it('restores over an existing workspace and records who restored it', async () => {
    temp = createTempWorkspace();
    postOrder(temp.workspace, 1);
    const backupFile = join(temp.directory, 'backup.ldw');
    await backupWorkspace(temp.workspace, backupFile, { actor: admin });
    postOrder(temp.workspace, 2);
    temp.workspace.close();
    await restoreWorkspace(backupFile, temp.path, TEST_PASSPHRASE, {
      clock: temp.clock,
      authorize: (backupWorkspace) => authenticate(backupWorkspace.sqlite, 'admin', 'admin-password-1', temp.clock.now()),
    });
    const reopened = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    extraWorkspaces.push(reopened);
    expect(count(reopened, 'journal_entries')).toBe(1);
    expect(listAudit(reopened.sqlite, { action: 'workspace.restore' })).toHaveLength(1);
    expect(verifyWorkspace(reopened.sqlite).ok).toBe(true);
  });

  it('refuses a corrupted, a truncated or a wrong-passphrase backup and leaves the target untouched', async () => {
    temp = createTempWorkspace();
    for (let index = 1; index <= 200; index += 1) postOrder(temp.workspace, index);
    const backupFile = join(temp.directory, 'backup.ldw');
    await backupWorkspace(temp.workspace, backupFile, { actor: admin });
    postOrder(temp.workspace, 999);
    temp.workspace.close();
    const targetBefore = sha256(temp.path);
    const good = readFileSync(backupFile);
    const pageSize = 4096;
    expect(good.length).toBeGreaterThan(pageSize * 8);

    const flipped = Buffer.from(good);
    for (let offset = pageSize * 3 + 100; offset < pageSize * 3 + 110; offset += 1) flipped[offset] ^= 0xff;
    const flippedFile = join(temp.directory, 'flipped.ldw');
    writeFileSync(flippedFile, flipped);
    const flippedError = await expectCodeAsync(() => restoreWorkspace(flippedFile, temp.path, TEST_PASSPHRASE), 'workspace_damaged');
    expect(flippedError.message).toContain('was not changed');

    const firstPageFlipped = Buffer.from(good);
    firstPageFlipped[200] ^= 0x01;
    const firstPageFile = join(temp.directory, 'first-page.ldw');
    writeFileSync(firstPageFile, firstPageFlipped);
    await expectCodeAsync(() => restoreWorkspace(firstPageFile, temp.path, TEST_PASSPHRASE), 'wrong_passphrase');

    const truncatedFile = join(temp.directory, 'truncated.ldw');
    writeFileSync(truncatedFile, good);
    truncateSync(truncatedFile, good.length - pageSize * 3);
    await expectCodeAsync(() => restoreWorkspace(truncatedFile, temp.path, TEST_PASSPHRASE), 'workspace_damaged');

    const halfFile = join(temp.directory, 'half.ldw');
    writeFileSync(halfFile, good.subarray(0, Math.floor(good.length / 2) + 1234));
    await expectCodeAsync(() => restoreWorkspace(halfFile, temp.path, TEST_PASSPHRASE), 'workspace_damaged');

    await expectCodeAsync(() => restoreWorkspace(backupFile, temp.path, 'not the passphrase'), 'wrong_passphrase');
    await expectCodeAsync(() => restoreWorkspace(backupFile, temp.path, TEST_PASSPHRASE, { expectedSha256: '0'.repeat(64) }), 'workspace_damaged');

    expect(sha256(temp.path)).toBe(targetBefore);
    const leftovers = spawnSync('ls', ['-a', temp.directory], { encoding: 'utf8' }).stdout.split('\n').filter((name) => name.includes('restore'));
    expect(leftovers).toEqual([]);
    const reopened = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    extraWorkspaces.push(reopened);
    expect(count(reopened, 'journal_entries')).toBe(201);
  });

  it('refuses to restore over a workspace another process holds open', async () => {
    temp = createTempWorkspace();
    const backupFile = join(temp.directory, 'backup.ldw');
    await backupWorkspace(temp.workspace, backupFile, { actor: admin });
    const lock = acquireWorkspaceLock(temp.path);
    try {
      await expectCodeAsync(() => restoreWorkspace(backupFile, temp.path, TEST_PASSPHRASE), 'workspace_locked');
    } finally {
      lock.release();
    }
  });

  it('refuses a clerk and an auditor', async () => {
    temp = createTempWorkspace();
    await expectCodeAsync(() => backupWorkspace(temp.workspace, join(temp.directory, 'b.ldw'), { actor: { userName: 'c', role: 'clerk' } }), 'forbidden');
    await expectCodeAsync(() => backupWorkspace(temp.workspace, join(temp.directory, 'b.ldw'), { actor: { userName: 'a', role: 'auditor' } }), 'forbidden');
    expect(existsSync(join(temp.directory, 'b.ldw'))).toBe(false);
  });
});

describe('auditor copy', () => {
  it('is encrypted under its own passphrase, opens read-only, and refuses posting and writes', async () => {
    temp = createTempWorkspace();
    postOrder(temp.workspace, 1);
    storeSecret(temp.workspace.sqlite, temp.workspace.secrets, 'mall_token', 'tok-auditor', temp.clock.now());
    const outFile = join(temp.directory, 'audit-2026-10.ldw');
    const result = await exportAuditorCopy(temp.workspace, {
      actor: admin,
      from: '2026-10-01',
      to: '2026-10-31',
      outFile,
      passphrase: AUDITOR_PASSPHRASE,
      auditorUser: { name: 'kpmg', password: 'auditor-password-1' },
    });
    expect(result).toMatchObject({ file: outFile, from: '2026-10-01', to: '2026-10-31', users: ['kpmg'] });
    expect(result.sha256).toBe(sha256(outFile));
    expect(listAudit(temp.workspace.sqlite, { action: 'auditor_copy.export' })).toHaveLength(1);
    expectCode(() => openWorkspace({ path: outFile, passphrase: TEST_PASSPHRASE }), 'wrong_passphrase');

    // Asked for writing, it still opens read-only.
    const copy = openWorkspace({ path: outFile, passphrase: AUDITOR_PASSPHRASE });
    extraWorkspaces.push(copy);
    expect(copy.sqlite.readonly).toBe(true);
    expect(copy.info()).toMatchObject({ mode: 'auditor', auditorPeriod: { from: '2026-10-01', to: '2026-10-31' }, readonly: true });
    expect(count(copy, 'journal_entries')).toBe(1);
    expect(count(copy, 'secrets')).toBe(0);
    expect(verifyWorkspace(copy.sqlite).ok).toBe(true);

    const auditor = authenticate(copy.sqlite, 'kpmg', 'auditor-password-1', temp.clock.now());
    expect(auditor.role).toBe('auditor');
    expect(() => authenticate(copy.sqlite, 'admin', 'admin-password-1', temp.clock.now())).toThrow(/unknown user or wrong password/);
    expectCode(() => requirePermission(auditor, 'ledger.post'), 'forbidden');
    expect(() => requirePermission(auditor, 'report.export')).not.toThrow();
    expect(() => postOrder(copy, 2)).toThrow(/readonly/);
    expect(() => appendAudit(copy.sqlite, { userName: 'kpmg', action: 'x', objectType: 'x', objectId: null, detail: {} }, temp.clock.now())).toThrow(/readonly/);
    expect(count(copy, 'journal_entries')).toBe(1);
    await expectCodeAsync(() => exportAuditorCopy(copy, { actor: admin, from: '2026-10-01', to: '2026-10-31', outFile: join(temp.directory, 'again.ldw'), passphrase: AUDITOR_PASSPHRASE }), 'forbidden');
    await expectCodeAsync(() => restoreWorkspace(outFile, join(temp.directory, 'as-workspace.ldw'), AUDITOR_PASSPHRASE), 'invalid_input');
  });

  it('refuses bad periods, weak passphrases and a clerk', async () => {
    temp = createTempWorkspace();
    const base = { actor: admin, from: '2026-10-01', to: '2026-10-31', outFile: join(temp.directory, 'a.ldw'), passphrase: AUDITOR_PASSPHRASE };
    await expectCodeAsync(() => exportAuditorCopy(temp.workspace, { ...base, from: '2026-10-32' }), 'invalid_input');
    await expectCodeAsync(() => exportAuditorCopy(temp.workspace, { ...base, from: '2026-11-01' }), 'invalid_input');
    await expectCodeAsync(() => exportAuditorCopy(temp.workspace, { ...base, passphrase: 'abc' }), 'invalid_input');
    await expectCodeAsync(() => exportAuditorCopy(temp.workspace, { ...base, actor: { userName: 'c', role: 'clerk' } }), 'forbidden');
    expect(existsSync(base.outFile)).toBe(false);
  });
});

describe('single-instance lock', () => {
  it('refuses a second holder, takes over a dead process lock, and refuses a lock from another host', () => {
    temp = createTempWorkspace();
    const lock = acquireWorkspaceLock(temp.path);
    expect(JSON.parse(readFileSync(lockFilePath(temp.path), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expectCode(() => acquireWorkspaceLock(temp.path), 'workspace_locked');
    lock.release();
    expect(existsSync(lockFilePath(temp.path))).toBe(false);

    const dead = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(lockFilePath(temp.path), JSON.stringify({ pid: dead.pid, host: hostname(), acquiredAt: '2026-01-01T00:00:00.000Z' }));
    const takenOver = acquireWorkspaceLock(temp.path);
    expect(JSON.parse(readFileSync(lockFilePath(temp.path), 'utf8')).pid).toBe(process.pid);
    takenOver.release();

    writeFileSync(lockFilePath(temp.path), '{"pid":');
    acquireWorkspaceLock(temp.path).release();

    writeFileSync(lockFilePath(temp.path), JSON.stringify({ pid: 1, host: 'other-pc', acquiredAt: '2026-01-01T00:00:00.000Z' }));
    expect(() => acquireWorkspaceLock(temp.path)).toThrow(/other-pc/);
  });
});
