import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticate } from '../../electron/core/auth';
import { exportAuditPackage } from '../../electron/core/exports/audit-export';
import { verifyAuditPackage } from '../../electron/core/exports/audit-package';
import { writeMonthWorkbook } from '../../electron/core/exports/month-workbook';
import { postEntry } from '../../electron/core/ledger/post';
import { orderPaymentEntry } from '../../electron/core/ledger/rules';
import { fen } from '../../electron/core/money';
import { monthlyOverview } from '../../electron/core/reports';
import { createSelfSignedSeal } from '../../electron/core/seal/certificate';
import { exportAuditorCopy, openWorkspace, type Workspace } from '../../electron/core/workspace';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

let temp: TempWorkspace;
let copy: Workspace | null = null;
afterEach(() => {
  copy?.close();
  temp?.cleanup();
});

describe("the auditor's read-only copy", () => {
  it('gives the auditor the reports and a sealed audit package, and nothing to post', async () => {
    temp = createTempWorkspace();
    postEntry(temp.workspace.postingContext('admin'), orderPaymentEntry({ source: { resource: 'orders', id: 'o1', no: 'SO1' }, memberId: 'm1', paidAt: '2026-10-05T10:00:00+08:00', payChannel: 'wechat', channelPaidFen: fen(12345), storedValueFen: fen(0), balanceFen: fen(0) })!);
    const outFile = join(temp.directory, 'auditor.ldw');
    await exportAuditorCopy(temp.workspace, { actor: { userName: 'admin', role: 'admin' }, from: '2026-10-01', to: '2026-10-31', outFile, passphrase: 'auditor copy passphrase', auditorUser: { name: 'auditor1', password: 'auditor-password-1' } });
    copy = openWorkspace({ path: outFile, passphrase: 'auditor copy passphrase', clock: temp.clock });
    const auditor = authenticate(copy.sqlite, 'auditor1', 'auditor-password-1', temp.clock.now());
    expect(monthlyOverview(copy, '2026-10').month).toBe('2026-10');
    const exportsDirectory = mkdtempSync(join(temp.directory, 'exports-'));
    await writeMonthWorkbook(copy, '2026-10', join(exportsDirectory, 'month.xlsx'), { createdAt: temp.clock.now() });
    // The copy holds no secrets: the auditor seals with their own certificate.
    const seal = createSelfSignedSeal({ companyName: '某会计师事务所', validDays: 30, password: 'seal-password', now: temp.clock.now(), keyBits: 1024 });
    const packageDirectory = join(exportsDirectory, 'package');
    const exported = await exportAuditPackage(copy, auditor, { from: '2026-10-01', to: '2026-10-31', outDir: packageDirectory, seal: { p12: seal.p12, password: 'seal-password' } });
    expect(exported.files.some((file) => file.signed)).toBe(true);
    expect((await verifyAuditPackage(packageDirectory)).ok).toBe(true);
    expect(() => postEntry(copy!.postingContext('auditor1'), orderPaymentEntry({ source: { resource: 'orders', id: 'o2', no: 'SO2' }, memberId: 'm1', paidAt: '2026-10-06T10:00:00+08:00', payChannel: 'wechat', channelPaidFen: fen(1), storedValueFen: fen(0), balanceFen: fen(0) })!)).toThrow(/readonly/);
  }, 120_000);
});
