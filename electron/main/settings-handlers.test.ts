import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectError, HANDLER_TEST_ADMIN_PASSWORD, useHandlerTestSession } from './handler-test-session';

/**
 * The settings handlers added for payouts, settlement and backup / restore, and the rule that
 * every long operation (close, settlement, payouts, backup, restore) goes through the task runner
 * (a worker thread in the Electron shell), never the thread that serves the window.
 */
const ADMIN_PASSWORD = HANDLER_TEST_ADMIN_PASSWORD;
// A Thursday: weekly cycles run on Mondays by default, so the latest complete one is 10-05..10-11.
const NOW = '2026-10-15T04:00:00.000Z';

function rsaKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

describe('settings handlers: payout merchant, settlement cycle, backup and restore', () => {
  const session = useHandlerTestSession({ now: NOW, directoryPrefix: 'ledgerdesk-settings-handlers-' });
  const { ok, start, createAndLogin, logInAsClerk } = session;


  describe('payout merchant configuration', () => {
    const base = { baseUrl: 'https://api.mch.weixin.qq.com', mchid: '1900000109', appid: 'wx8888888888888888', serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1', api: 'transfer-bills' };

    it('is empty at first; stores the key encrypted and answers with fingerprints only', async () => {
      await createAndLogin();
      expect(await ok('payoutMerchantConfig', {})).toMatchObject({ configured: false, merchantKeyStored: false, merchantKeyFingerprintSha256: null });
      const merchant = rsaKeys();
      const platform = rsaKeys();
      const saved = await ok('savePayoutMerchantConfig', { ...base, merchantPrivateKeyPem: merchant.privateKeyPem, platformKeyPem: platform.publicKeyPem, platformSerial: 'PUB_KEY_ID_0119000001092026' });
      expect(saved).toMatchObject({ configured: true, mchid: '1900000109', serialNo: base.serialNo, platformSerial: 'PUB_KEY_ID_0119000001092026', merchantKeyStored: true, api: 'transfer-bills' });
      expect(saved.merchantKeyFingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(saved.platformKeyFingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(saved.merchantKeyFingerprintSha256).not.toBe(saved.platformKeyFingerprintSha256);
      // The private key never comes back, in any form.
      const keyBody = merchant.privateKeyPem.split('\n')[1];
      for (const answer of [saved, await ok('payoutMerchantConfig', {})]) {
        const text = JSON.stringify(answer);
        expect(text).not.toContain('PRIVATE KEY');
        expect(text).not.toContain(keyBody);
      }
      // A change of URL keeps the stored keys when the key fields are left empty.
      const changed = await ok('savePayoutMerchantConfig', { ...base, baseUrl: 'https://wechat.example.test/' });
      expect(changed.baseUrl).toBe('https://wechat.example.test');
      expect(changed.merchantKeyFingerprintSha256).toBe(saved.merchantKeyFingerprintSha256);
      expect(changed.platformSerial).toBe('PUB_KEY_ID_0119000001092026');
      const audit = await ok('listAudit', { objectId: 'payouts.wechat' });
      expect(audit.items.length).toBe(2);
      expect(JSON.stringify(audit)).not.toContain('PRIVATE KEY');
    });

    it('refuses bad input as coded errors: ids, URLs, non-PEM text, a non-RSA key, a bare public key without its id', async () => {
      await createAndLogin();
      const merchant = rsaKeys();
      const platform = rsaKeys();
      const keys = { merchantPrivateKeyPem: merchant.privateKeyPem, platformKeyPem: platform.publicKeyPem, platformSerial: 'PUB_KEY_ID_1' };
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, ...keys, mchid: 'abc123' }), 'invalid_input');
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, ...keys, baseUrl: 'ftp://wechat' }), 'invalid_input');
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, ...keys, api: 'v2' }), 'invalid_input');
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, ...keys, merchantPrivateKeyPem: 'not a key' }), 'invalid_input');
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, ...keys, extra: 1 }), 'invalid_input');
      // The first save needs both keys.
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, platformKeyPem: platform.publicKeyPem, platformSerial: 'PUB_KEY_ID_1' }), 'invalid_input');
      const ecKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, ...keys, merchantPrivateKeyPem: ecKey }), 'invalid_input');
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, merchantPrivateKeyPem: merchant.privateKeyPem, platformKeyPem: platform.publicKeyPem }), 'invalid_input');
      expect((await ok('payoutMerchantConfig', {})).configured).toBe(false);
    });

    it('only an admin may change it', async () => {
      await createAndLogin();
      await logInAsClerk();
      const merchant = rsaKeys();
      expectError(await session.handlers.dispatch('savePayoutMerchantConfig', { ...base, merchantPrivateKeyPem: merchant.privateKeyPem, platformKeyPem: rsaKeys().publicKeyPem, platformSerial: 'P1' }), 'forbidden');
      expect((await ok('payoutMerchantConfig', {})).configured).toBe(false);
    });
  });

  describe('settlement cycle and minimum payout', () => {
    it('defaults to weekly on Monday with the channel minimum; saves a cycle and a minimum, audited', async () => {
      await createAndLogin();
      expect(await ok('settlementSettings', {})).toEqual({ cycle: { period: 'weekly', weekday: 1 }, minimumPayoutFen: 10, channelMinimumFen: 10, latestCycle: { start: '2026-10-05', end: '2026-10-11' } });
      const wednesday = await ok('saveSettlementSettings', { cycle: { period: 'weekly', weekday: 3 }, minimumPayoutFen: 5000 });
      expect(wednesday).toEqual({ cycle: { period: 'weekly', weekday: 3 }, minimumPayoutFen: 5000, channelMinimumFen: 10, latestCycle: { start: '2026-10-07', end: '2026-10-13' } });
      const monthly = await ok('saveSettlementSettings', { cycle: { period: 'monthly' } });
      expect(monthly).toMatchObject({ cycle: { period: 'monthly' }, minimumPayoutFen: 5000, latestCycle: { start: '2026-09-01', end: '2026-09-30' } });
      expect((await ok('listAudit', { objectId: 'settlement' })).items.length).toBe(2);
    });

    it('refuses a weekday outside 1-7, a minimum below the channel minimum, fractional fen and an empty change', async () => {
      await createAndLogin();
      expectError(await session.handlers.dispatch('saveSettlementSettings', { cycle: { period: 'weekly', weekday: 8 } }), 'invalid_input');
      expectError(await session.handlers.dispatch('saveSettlementSettings', { cycle: { period: 'daily' } }), 'invalid_input');
      expectError(await session.handlers.dispatch('saveSettlementSettings', { cycle: { period: 'monthly', weekday: 2 } }), 'invalid_input');
      expectError(await session.handlers.dispatch('saveSettlementSettings', { minimumPayoutFen: 9 }), 'invalid_input');
      expectError(await session.handlers.dispatch('saveSettlementSettings', { minimumPayoutFen: 100.5 }), 'invalid_input');
      expectError(await session.handlers.dispatch('saveSettlementSettings', {}), 'invalid_input');
      expect((await ok('settlementSettings', {})).cycle).toEqual({ period: 'weekly', weekday: 1 });
      await logInAsClerk();
      expectError(await session.handlers.dispatch('saveSettlementSettings', { minimumPayoutFen: 100 }), 'forbidden');
    });
  });

  describe('backup and restore', () => {
    it('backs up to a new .ldbak file in a worker; restoring it brings the books back to that point', async () => {
      await createAndLogin();
      const backupFile = join(session.directory, 'backups', 'books-20261015.ldbak');
      expectError(await session.handlers.dispatch('backupWorkspace', { path: backupFile }), 'not_found'); // no such folder
      mkdirSync(join(session.directory, 'backups'));
      const backup = await ok('backupWorkspace', { path: backupFile });
      expect(backup).toMatchObject({ file: backupFile });
      expect(backup.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(backup.bytes).toBeGreaterThan(0);
      expect(backup.auditRowCount).toBeGreaterThan(0);
      expectError(await session.handlers.dispatch('backupWorkspace', { path: backupFile }), 'conflict'); // never overwrites

      await ok('addUser', { name: 'after-backup', role: 'clerk', password: 'clerk-password-1' });
      // The password is checked against the backup's users before anything is replaced.
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: backupFile, password: 'wrong-password' }), 'authentication_failed');
      // A refused restore leaves the workspace untouched, open, and the user still logged in.
      expect(await ok('session', {})).toMatchObject({ workspace: { path: session.path }, user: { userName: 'admin' } });
      expect((await ok('listUsers', {})).items.map((user) => user.name)).toContain('after-backup');
      const restored = await ok('restoreWorkspace', { path: backupFile, password: ADMIN_PASSWORD });
      expect(restored.sha256).toBe(backup.sha256);
      expect(restored.checks.every((check) => check.ok)).toBe(true);
      expect(restored.session).toMatchObject({ workspace: { path: session.path }, user: null });
      await ok('login', { userName: 'admin', password: ADMIN_PASSWORD });
      expect((await ok('listUsers', {})).items.map((user) => user.name)).not.toContain('after-backup');
      expect(session.ranTasks.filter((name) => name === 'backup' || name === 'restore')).toEqual(['backup', 'backup', 'restore', 'restore']);
    });

    it('validates paths: absolute only, .ldbak (restore also .ldw), not the workspace itself; restore is admin only', async () => {
      await createAndLogin();
      expectError(await session.handlers.dispatch('backupWorkspace', { path: 'relative/books.ldbak' }), 'invalid_input');
      expectError(await session.handlers.dispatch('backupWorkspace', { path: join(session.directory, 'books.txt') }), 'invalid_input');
      expectError(await session.handlers.dispatch('backupWorkspace', { path: join(session.directory, 'books.ldw') }), 'invalid_input');
      expectError(await session.handlers.dispatch('backupWorkspace', { path: `${session.directory}/a\u0000.ldbak` }), 'invalid_input');
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: session.path, password: ADMIN_PASSWORD }), 'invalid_input');
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: join(session.directory, 'none.ldbak'), password: '' }), 'invalid_input');
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: join(session.directory, 'none.ldbak'), password: ADMIN_PASSWORD }), 'not_found');
      expect(await ok('session', {})).toMatchObject({ workspace: { path: session.path }, user: { userName: 'admin' } });
      await logInAsClerk();
      expectError(await session.handlers.dispatch('backupWorkspace', { path: join(session.directory, 'clerk.ldbak') }), 'forbidden');
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: join(session.directory, 'clerk.ldbak'), password: 'clerk-password-1' }), 'forbidden');
    });

    it('with a native dialog, only a path the dialog returned is accepted, and only once', async () => {
      session.handlers.close();
      const chosen = join(session.directory, 'chosen.ldbak');
      session.handlers = start({ chooseBackupPath: () => Promise.resolve(chosen) });
      await createAndLogin();
      expectError(await session.handlers.dispatch('backupWorkspace', { path: join(session.directory, 'typed.ldbak') }), 'forbidden');
      expect(existsSync(join(session.directory, 'typed.ldbak'))).toBe(false);
      expect(await ok('chooseBackupPath', { mode: 'save' })).toEqual({ path: chosen });
      // A path chosen to save to is not one chosen to restore from.
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: chosen, password: ADMIN_PASSWORD }), 'forbidden');
      expect(await ok('chooseBackupPath', { mode: 'save' })).toEqual({ path: chosen });
      await ok('backupWorkspace', { path: chosen });
      rmSync(chosen);
      expectError(await session.handlers.dispatch('backupWorkspace', { path: chosen }), 'forbidden');
      writeFileSync(join(session.directory, 'x.ldbak'), 'not a backup');
      expectError(await session.handlers.dispatch('restoreWorkspace', { path: join(session.directory, 'x.ldbak'), password: ADMIN_PASSWORD }), 'forbidden');
    });
  });

  it('close, settlement and payouts run through the task runner (a worker in the shell), not on the main thread', async () => {
    await createAndLogin();
    const closed = await ok('closeMonth', { month: '2026-10' });
    expect(closed.figures.month).toBe('2026-10');
    if (!closed.closed) expect(closed.message).toMatch(/.+/);
    const settlement = await ok('settlementRun', {});
    expect(settlement.cycle).toEqual({ start: '2026-10-05', end: '2026-10-11' });
    expect(settlement.payouts).toEqual([]);
    expect((await ok('payoutsAct', { action: 'poll' })).items).toEqual([]);
    expect(session.ranTasks).toEqual(['close', 'settlement', 'payouts']);
  });

  it('the seal (key generation, PKCS#12) and the audit package check run through the task runner too', async () => {
    await createAndLogin();
    const trial = await ok('sealCreateTrial', { validDays: 30 });
    expect(trial.seal?.subject).toContain('示例商城');
    expectError(await session.handlers.dispatch('sealImport', { path: join(session.directory, 'missing.p12'), password: 'x' }), 'not_found');
    expectError(await session.handlers.dispatch('verifyAuditPackage', { directory: join(session.directory, 'no-package') }), 'not_found');
    mkdirSync(join(session.directory, 'empty-package'));
    const checked = await ok('verifyAuditPackage', { directory: join(session.directory, 'empty-package') });
    expect(checked.ok).toBe(false);
    expect(session.ranTasks).toEqual(['sealTrial', 'sealImport', 'verifyPackage', 'verifyPackage']);
  });
});
