import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { insertMallSummariesForOctober, postReportTestLedger } from '../../electron/core/reports/test-ledger';
import { createWorkspace } from '../../electron/core/workspace';
import { runCli } from '../support/run-cli';

const pdfsigAvailable = spawnSync('pdfsig', ['-v']).status === 0;
const pdftotextAvailable = spawnSync('pdftotext', ['-v']).status === 0;
const xlsx2csvAvailable = spawnSync('xlsx2csv', ['--version']).status === 0;
const COMPANY = '示例商城有限公司';
const NOW = '2026-11-02T02:00:00.000Z';

let directory: string;
let env: Record<string, string>;
let sealFile: string;

/** One workspace with the hand-computed ledger and one seal file, shared by the tests (each writes its own outputs). */
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-reports-cli-'));
  env = {
    LEDGERDESK_PASSPHRASE: 'cli test passphrase',
    LEDGERDESK_USER_PASSWORD: 'admin-password-1',
    LEDGERDESK_WORKSPACE: join(directory, 'books.ldw'),
    LEDGERDESK_FIXED_NOW: NOW,
    SEAL_PASSWORD: 'seal-password-1',
  };
  const workspace = createWorkspace({
    path: env.LEDGERDESK_WORKSPACE,
    passphrase: env.LEDGERDESK_PASSPHRASE,
    companyName: COMPANY,
    adminName: 'admin',
    adminPassword: env.LEDGERDESK_USER_PASSWORD,
    booksStartDate: '2026-10-01',
    clock: fixedClock(NOW),
  });
  try {
    postReportTestLedger(workspace.postingContext('admin'));
    insertMallSummariesForOctober(workspace.sqlite, '2026-11-01T00:00:00.000Z');
  } finally {
    workspace.close();
  }
  sealFile = join(directory, 'seal.p12');
  const created = runCli(['seal', 'create', '--name', COMPANY, '--out', sealFile, '--pass-env', 'SEAL_PASSWORD', '--json'], env);
  expect(created.status, created.stderr).toBe(0);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('ledgerdesk report', () => {
  it('prints the overview as JSON with decimal strings and writes the workbook and the PDF', () => {
    const xlsx = join(directory, 'report.xlsx');
    const pdf = join(directory, 'report.pdf');
    const run = runCli(['report', '2026-10', '--xlsx', xlsx, '--pdf', pdf, '--json'], env);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      month: '2026-10',
      revenue: '130.00',
      returns: '10.00',
      refunds: '70.00',
      channel_fees: '0.73',
      commission_payouts: '29.90',
      points_cost: '5.00',
      net_profit: '-4.03',
      gmv: '211.00',
      books_gmv: '210.00',
      gmv_difference: '-1.00',
      gmv_matches: false,
      discrepancies: { available: false, note: 'reconciliation not run' },
      files: { xlsx, pdf },
    });
    expect((run.json.net_profit_series as { month: string; net_profit: string }[]).map((point) => point.net_profit)).toEqual(['0.00', '0.00', '0.00', '29.80', '99.50', '-4.03']);
    if (xlsx2csvAvailable) {
      const overview = execFileSync('xlsx2csv', ['--ignore-formats', 'float', 'currency', '-n', '月度概览', xlsx], { encoding: 'utf8' });
      expect(overview).toMatch(/营业收入,130(\.0+)?\n/);
    }
    if (pdftotextAvailable) {
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      expect(text).toContain('月度经营报表');
      expect(text).toMatch(/营业收入\s+¥130\.00/);
    }
  });

  it('rejects a malformed month as a usage error (exit 2)', () => {
    const run = runCli(['report', '2026-13', '--json'], env);
    expect(run.status).toBe(2);
    expect(run.json.error?.code).toBe('usage');
  });
});

describe('ledgerdesk seal / audit-export / audit-verify', () => {
  it('seal create writes a PKCS#12 file and never overwrites one', () => {
    const again = runCli(['seal', 'create', '--name', COMPANY, '--out', sealFile, '--pass-env', 'SEAL_PASSWORD', '--json'], env);
    expect(again.status).toBe(1);
    expect(again.json.error?.code).toBe('conflict');
    const other = join(directory, 'other.p12');
    const created = runCli(['seal', 'create', '--name', COMPANY, '--out', other, '--pass-env', 'SEAL_PASSWORD', '--valid-days', '30', '--json'], env);
    expect(created.json).toMatchObject({ file: other, subject: COMPANY, not_after: '2026-12-02T02:00:00.000Z' });
    expect(runCli(['seal', 'create', '--name', COMPANY, '--out', join(directory, 'x.p12'), '--json'], env).status).toBe(2);
  });

  it('audit-export says clearly when there is no seal', () => {
    const run = runCli(['audit-export', '--from', '2026-10-01', '--to', '2026-10-31', '--out', join(directory, 'no-seal'), '--json'], env);
    expect(run.status).toBe(1);
    expect(run.json.error).toMatchObject({ code: 'not_found', message: expect.stringContaining('no seal') });
  });

  it('exports a sealed package that audit-verify accepts, then catches a tampered PDF and an edited manifest', () => {
    const out = join(directory, 'audit');
    const run = runCli(['audit-export', '--from', '2026-10-01', '--to', '2026-10-31', '--out', out, '--seal', sealFile, '--seal-pass-env', 'SEAL_PASSWORD', '--json'], env);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const files = run.json.files as { path: string; sha256: string; signed: boolean }[];
    expect(files.map((file) => file.path)).toEqual([
      'pdf/交易明细.pdf', 'pdf/退款明细.pdf', 'pdf/余额变动明细账.pdf', 'excel/交易明细.xlsx', 'excel/退款明细.xlsx', 'excel/余额变动明细账.xlsx', 'manifest.json',
    ]);
    if (pdfsigAvailable) {
      for (const file of files.filter((candidate) => candidate.path.endsWith('.pdf'))) {
        expect(spawnSync('pdfsig', [join(out, file.path)], { encoding: 'utf8' }).stdout).toContain('Signature is Valid');
      }
    }
    const verified = runCli(['audit-verify', out, '--json'], env);
    expect(verified.status).toBe(0);
    expect(verified.json.ok).toBe(true);

    const pdfPath = join(out, 'pdf', '退款明细.pdf');
    const original = readFileSync(pdfPath);
    const tampered = Buffer.from(original);
    // A byte near the start: inside the signed byte range, far from the signature at the end.
    tampered[100] = tampered[100] ^ 0x01;
    writeFileSync(pdfPath, tampered);
    const afterTamper = runCli(['audit-verify', out, '--json'], env);
    expect(afterTamper.status).toBe(1);
    expect(afterTamper.json.ok).toBe(false);
    expect((afterTamper.json.files as { path: string; ok: boolean }[]).filter((file) => !file.ok).map((file) => file.path)).toEqual(['pdf/退款明细.pdf']);
    writeFileSync(pdfPath, original);
    expect(runCli(['audit-verify', out, '--json'], env).status).toBe(0);

    const manifestPath = join(out, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: { sha256: string }[] };
    manifest.files[0].sha256 = '0'.repeat(64);
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const afterEdit = runCli(['audit-verify', out, '--json'], env);
    expect(afterEdit.status).toBe(1);
    expect((afterEdit.json.files as { path: string; ok: boolean; detail: string }[]).find((file) => file.path === 'manifest.json')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('signature'),
    });
    expect(runCli(['audit-verify', join(directory, 'missing'), '--json'], env).json.error?.code).toBe('not_found');
  });

  it('refuses an expired seal, writing nothing', () => {
    const expiredFile = join(directory, 'expired.p12');
    const created = runCli(['seal', 'create', '--name', COMPANY, '--out', expiredFile, '--pass-env', 'SEAL_PASSWORD', '--valid-days', '30', '--json'], {
      ...env,
      LEDGERDESK_FIXED_NOW: '2025-01-01T00:00:00.000Z',
    });
    expect(created.json.not_after).toBe('2025-01-31T00:00:00.000Z');
    const out = join(directory, 'expired-audit');
    const run = runCli(['audit-export', '--from', '2026-10-01', '--to', '2026-10-31', '--out', out, '--seal', expiredFile, '--seal-pass-env', 'SEAL_PASSWORD', '--json'], env);
    expect(run.status).toBe(1);
    expect(run.json.error).toMatchObject({ code: 'seal_invalid', message: expect.stringContaining('expired') });
    expect(existsSync(out)).toBe(false);
  });

  it('seal import stores the seal in the workspace; audit-export then uses it; seal info shows it', () => {
    expect(runCli(['seal', 'info', '--json'], env).json.error?.code).toBe('not_found');
    const wrong = runCli(['seal', 'import', sealFile, '--pass-env', 'NO_SUCH_VARIABLE', '--json'], env);
    expect(wrong.status).toBe(2);
    const imported = runCli(['seal', 'import', sealFile, '--pass-env', 'SEAL_PASSWORD', '--json'], env);
    expect(imported.status, imported.stdout).toBe(0);
    expect(imported.json).toMatchObject({ subject: COMPANY, issuer: COMPANY, usable_now: true });
    expect(runCli(['seal', 'info', '--json'], env).json).toMatchObject({ subject: COMPANY, not_after: imported.json.not_after });
    const out = join(directory, 'audit-workspace-seal');
    const run = runCli(['audit-export', '--from', '2026-10-09', '--to', '2026-10-09', '--out', out, '--json'], env);
    expect(run.status, run.stdout).toBe(0);
    expect(run.json).toMatchObject({ period: '2026-10-09', seal: { subject: COMPANY } });
    expect(runCli(['audit-verify', out, '--json'], env).json.ok).toBe(true);
  });
});
