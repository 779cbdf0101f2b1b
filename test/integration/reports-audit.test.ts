import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth';
import { listAudit } from '../../electron/core/audit';
import { exportAuditPackage } from '../../electron/core/exports/audit-export';
import { verifyAuditPackage } from '../../electron/core/exports/audit-package';
import { createTrialSeal, importSeal, loadWorkspaceSeal, sealInfo, SEAL_P12_SECRET } from '../../electron/core/exports/workspace-seal';
import { createSelfSignedSeal } from '../../electron/core/seal/certificate';
import { postReportTestLedger } from '../../electron/core/reports/test-ledger';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const pdfsigAvailable = spawnSync('pdfsig', ['-v']).status === 0;
const pdftotextAvailable = spawnSync('pdftotext', ['-v']).status === 0;
const admin: Actor = { userName: 'admin', role: 'admin' };
const clerk: Actor = { userName: 'clerk1', role: 'clerk' };
const COMPANY = '示例商城有限公司';
const SEAL_PASSWORD = 'seal-password-1';

let temp: TempWorkspace | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

// One 2048-bit key for the file: node-forge generates keys in pure JS (seconds each).
let validSeal: { p12: Buffer };
beforeAll(() => {
  validSeal = createSelfSignedSeal({ companyName: COMPANY, validDays: 365, password: SEAL_PASSWORD, now: new Date('2026-09-01T00:00:00Z') });
});

function workspaceWithLedger(): TempWorkspace {
  temp = createTempWorkspace({ now: '2026-11-02T02:00:00.000Z' });
  postReportTestLedger(temp.workspace.postingContext('admin'));
  return temp;
}

describe('workspace seal', () => {
  it('imports a .p12, keeps it encrypted, and shows subject, issuer and validity', () => {
    const { workspace } = workspaceWithLedger();
    expect(sealInfo(workspace)).toBeNull();
    const summary = importSeal(workspace, validSeal.p12, SEAL_PASSWORD, admin);
    expect(summary).toMatchObject({ subject: COMPANY, issuer: COMPANY, notBefore: '2026-09-01T00:00:00.000Z', selfSigned: true, usableNow: true });
    expect(sealInfo(workspace)).toEqual(summary);
    const stored = workspace.sqlite.prepare(`SELECT cipher_text FROM secrets WHERE name = ?`).get(SEAL_P12_SECRET) as { cipher_text: string };
    expect(stored.cipher_text).not.toContain(validSeal.p12.toString('base64').slice(0, 40));
    const allSecrets = JSON.stringify(workspace.sqlite.prepare(`SELECT * FROM secrets`).all());
    expect(allSecrets).not.toContain(SEAL_PASSWORD);
    expect(loadWorkspaceSeal(workspace)).toEqual({ p12: validSeal.p12, password: SEAL_PASSWORD });
    expect(listAudit(workspace.sqlite).some((row) => row.action === 'seal.import')).toBe(true);
  });

  it('refuses a wrong password, a file that is not PKCS#12, an expired seal, and a user who may not change settings', () => {
    const { workspace } = workspaceWithLedger();
    expect(() => importSeal(workspace, validSeal.p12, 'wrong password', admin)).toThrow(expect.objectContaining({ code: 'seal_invalid' }));
    expect(() => importSeal(workspace, Buffer.from('not a p12'), SEAL_PASSWORD, admin)).toThrow(expect.objectContaining({ code: 'seal_invalid' }));
    const expired = createSelfSignedSeal({ companyName: COMPANY, validDays: 30, password: SEAL_PASSWORD, now: new Date('2025-01-01T00:00:00Z'), keyBits: 1024 });
    expect(() => importSeal(workspace, expired.p12, SEAL_PASSWORD, admin)).toThrow(/expired/);
    expect(() => importSeal(workspace, validSeal.p12, SEAL_PASSWORD, clerk)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(sealInfo(workspace)).toBeNull();
  });

  it('creates a trial seal in the workspace', () => {
    const { workspace } = workspaceWithLedger();
    const summary = createTrialSeal(workspace, COMPANY, admin, { validDays: 10, keyBits: 1024 });
    expect(summary).toMatchObject({ subject: COMPANY, notBefore: '2026-11-02T02:00:00.000Z', notAfter: '2026-11-12T02:00:00.000Z', usableNow: true });
    expect(loadWorkspaceSeal(workspace)).not.toBeNull();
  });
});

describe('audit export', () => {
  it('writes signed PDFs with the seal, the same data as Excel, and a manifest; verifies; is audit-logged', async () => {
    const { workspace, directory } = workspaceWithLedger();
    importSeal(workspace, validSeal.p12, SEAL_PASSWORD, admin);
    const outDir = join(directory, 'audit');
    const result = await exportAuditPackage(workspace, admin, { from: '2026-10-01', to: '2026-10-31', outDir });
    expect(result.period).toBe('2026-10-01 至 2026-10-31');
    expect(result.files.map((file) => [file.path, file.signed])).toEqual([
      ['pdf/交易明细.pdf', true],
      ['pdf/退款明细.pdf', true],
      ['pdf/余额变动明细账.pdf', true],
      ['excel/交易明细.xlsx', false],
      ['excel/退款明细.xlsx', false],
      ['excel/余额变动明细账.xlsx', false],
      ['manifest.json', true],
    ]);
    for (const file of result.files) expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyAuditPackage(outDir)).ok).toBe(true);
    const logged = listAudit(workspace.sqlite).find((row) => row.action === 'audit.export');
    expect(logged).toMatchObject({ userName: 'admin', objectId: '2026-10-01 至 2026-10-31' });

    if (pdfsigAvailable) {
      for (const name of ['交易明细', '退款明细', '余额变动明细账']) {
        const output = spawnSync('pdfsig', [join(outDir, 'pdf', `${name}.pdf`)], { encoding: 'utf8' }).stdout;
        expect(output).toContain('Signature is Valid');
      }
    }
    if (pdftotextAvailable) {
      const text = execFileSync('pdftotext', ['-layout', join(outDir, 'pdf', '退款明细.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('退款明细');
      expect(text).toContain(COMPANY);
      expect(text).toContain('RF202610080001');
      expect(text, text).toMatch(/合计[\s\S]*¥150\.00/);
      const ledger = execFileSync('pdftotext', ['-layout', join(outDir, 'pdf', '余额变动明细账.pdf'), '-'], { encoding: 'utf8' });
      for (const title of ['储值变动明细', '余额变动明细', '积分变动明细']) expect(ledger).toContain(title);
    }
  });

  it('detects a tampered PDF and an edited manifest', async () => {
    const { workspace, directory } = workspaceWithLedger();
    const outDir = join(directory, 'audit');
    await exportAuditPackage(workspace, admin, { from: '2026-10-01', to: '2026-10-31', outDir, seal: { p12: validSeal.p12, password: SEAL_PASSWORD } });
    const pdfPath = join(outDir, 'pdf', '交易明细.pdf');
    const bytes = readFileSync(pdfPath);
    const index = bytes.indexOf(Buffer.from('/Title'));
    bytes[index + 1] = 'X'.charCodeAt(0);
    writeFileSync(pdfPath, bytes);
    const check = await verifyAuditPackage(outDir);
    expect(check.ok).toBe(false);
    expect(check.files.find((file) => file.path === 'pdf/交易明细.pdf')).toMatchObject({ ok: false });

    const manifestPath = join(outDir, 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('2026-10-01 至 2026-10-31', '2026-09-01 至 2026-10-31'));
    const afterEdit = await verifyAuditPackage(outDir);
    expect(afterEdit.files.find((file) => file.path === 'manifest.json')).toMatchObject({ ok: false, detail: expect.stringContaining('signature') });
  });

  it('refuses an expired or not-yet-valid seal before writing anything, and says so when there is no seal', async () => {
    const { workspace, directory } = workspaceWithLedger();
    await expect(exportAuditPackage(workspace, admin, { from: '2026-10-01', to: '2026-10-31', outDir: join(directory, 'none') })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('no seal'),
    });
    const expired = createSelfSignedSeal({ companyName: COMPANY, validDays: 30, password: SEAL_PASSWORD, now: new Date('2025-01-01T00:00:00Z'), keyBits: 1024 });
    await expect(
      exportAuditPackage(workspace, admin, { from: '2026-10-01', to: '2026-10-31', outDir: join(directory, 'expired'), seal: { p12: expired.p12, password: SEAL_PASSWORD } }),
    ).rejects.toMatchObject({ code: 'seal_invalid', details: { reason: 'expired' } });
    const future = createSelfSignedSeal({ companyName: COMPANY, validDays: 30, password: SEAL_PASSWORD, now: new Date('2027-01-01T00:00:00Z'), keyBits: 1024 });
    await expect(
      exportAuditPackage(workspace, admin, { from: '2026-10-01', to: '2026-10-31', outDir: join(directory, 'future'), seal: { p12: future.p12, password: SEAL_PASSWORD } }),
    ).rejects.toMatchObject({ code: 'seal_invalid', details: { reason: 'not-yet-valid' } });
    expect(existsSync(join(directory, 'expired')) ? readdirSync(join(directory, 'expired')) : []).toEqual([]);
    await expect(
      exportAuditPackage(workspace, admin, { from: '2026-10-31', to: '2026-10-01', outDir: join(directory, 'x'), seal: { p12: validSeal.p12, password: SEAL_PASSWORD } }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses a period too large for a signed PDF instead of truncating it', async () => {
    const { workspace, directory } = workspaceWithLedger();
    await expect(
      exportAuditPackage(workspace, admin, { from: '2026-10-01', to: '2026-10-31', outDir: join(directory, 'big'), seal: { p12: validSeal.p12, password: SEAL_PASSWORD }, pdfRowCountMax: 10 }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('交易明细') });
  });
});
