import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fen } from '../money';
import { createSelfSignedSeal } from '../seal/certificate';
import { createSealSvg } from '../seal/seal-image';
import { signPdf } from '../seal/sign-pdf';
import { verifyAuditPackage, writeAuditPackage, type AuditPackageInput } from './audit-package';
import { writeWorkbook } from './excel';
import { renderReportPdf } from './pdf';

const companyName = '上海示例商贸有限公司';
const password = 'audit-印章';
const createdAt = new Date('2024-04-01T02:00:00Z');
const seal = createSelfSignedSeal({ companyName, validDays: 365, password, now: new Date('2024-01-01T00:00:00Z') });
const otherSeal = createSelfSignedSeal({ companyName, validDays: 365, password, now: new Date('2024-01-01T00:00:00Z') });

async function signedReport(title: string, p12 = seal.p12): Promise<Buffer> {
  const pdf = await renderReportPdf({
    title,
    company: companyName,
    period: '2024-03',
    generatedAt: createdAt,
    seal: { svg: createSealSvg({ companyName }) },
    sections: [
      {
        type: 'table',
        columns: [
          { header: '单号', key: 'number', kind: 'text' },
          { header: '金额', key: 'amountFen', kind: 'money' },
        ],
        rows: [{ number: 'A1', amountFen: fen(12_345) }],
      },
    ],
  });
  return signPdf(pdf, p12, password, { reason: '审计', location: '上海', name: companyName, signingTime: createdAt });
}

describe('audit package', () => {
  let transactionsPdf: Buffer;
  let refundsPdf: Buffer;
  let workDirectory: string;
  let packageDirectory: string;
  let input: AuditPackageInput;

  beforeAll(async () => {
    transactionsPdf = await signedReport('交易明细');
    refundsPdf = await signedReport('退款明细');
  });

  beforeEach(async () => {
    workDirectory = mkdtempSync(join(tmpdir(), 'ledgerdesk-audit-'));
    packageDirectory = join(workDirectory, 'package');
    const workbookPath = join(workDirectory, 'book.xlsx');
    await writeWorkbook(workbookPath, [
      { name: '交易明细', columns: [{ header: '金额', key: 'amountFen', kind: 'money' }], rows: [{ amountFen: fen(12_345) }] },
    ]);
    input = {
      company: companyName,
      period: '2024-03',
      createdAt,
      pdfs: [
        { name: '交易明细', buffer: transactionsPdf },
        { name: '退款明细.pdf', buffer: refundsPdf },
      ],
      workbooks: [{ name: '交易明细', path: workbookPath }],
      seal: { p12: seal.p12, password },
    };
  });
  afterEach(() => rmSync(workDirectory, { recursive: true, force: true }));

  it('writes the files and a manifest of their SHA-256, and verifies', async () => {
    const { manifest } = await writeAuditPackage(packageDirectory, input);
    expect(manifest).toMatchObject({
      company: companyName,
      period: '2024-03',
      created_at: '2024-04-01T02:00:00.000Z',
      seal: { subject: companyName, fingerprint_sha256: seal.info.fingerprintSha256 },
    });
    expect(manifest.files.map((file) => file.path)).toEqual(['pdf/交易明细.pdf', 'pdf/退款明细.pdf', 'excel/交易明细.xlsx']);
    const onDisk = JSON.parse(readFileSync(join(packageDirectory, 'manifest.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);

    const check = await verifyAuditPackage(packageDirectory);
    expect(check.files.filter((file) => !file.ok)).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.files.map((file) => file.path).sort()).toEqual(
      ['excel/交易明细.xlsx', 'manifest.json', 'manifest.json.p7s', 'pdf/交易明细.pdf', 'pdf/退款明细.pdf'].sort(),
    );
  });

  it('reports a changed PDF byte', async () => {
    await writeAuditPackage(packageDirectory, input);
    const path = join(packageDirectory, 'pdf', '交易明细.pdf');
    const bytes = readFileSync(path);
    bytes[300] ^= 0x01;
    writeFileSync(path, bytes);
    const check = await verifyAuditPackage(packageDirectory);
    expect(check.ok).toBe(false);
    expect(check.files.find((file) => file.path === 'pdf/交易明细.pdf')).toMatchObject({ ok: false, detail: expect.stringMatching(/SHA-256/) });
  });

  it('reports an edited manifest (its signature no longer matches)', async () => {
    await writeAuditPackage(packageDirectory, input);
    const manifestPath = join(packageDirectory, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.period = '2024-02';
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const check = await verifyAuditPackage(packageDirectory);
    expect(check.ok).toBe(false);
    expect(check.files.find((file) => file.path === 'manifest.json')).toMatchObject({ ok: false, detail: expect.stringMatching(/manifest signature/) });

    // A swapped workbook with its hash updated in the manifest is caught the same way.
    const workbookPath = join(packageDirectory, 'excel', '交易明细.xlsx');
    writeFileSync(workbookPath, 'forged');
    manifest.period = '2024-03';
    manifest.files[2] = { ...manifest.files[2], bytes: 6, sha256: createHash('sha256').update('forged').digest('hex') };
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const swapped = await verifyAuditPackage(packageDirectory);
    expect(swapped.ok).toBe(false);
    expect(swapped.files.find((file) => file.path === 'excel/交易明细.xlsx')?.ok).toBe(true);
    expect(swapped.files.find((file) => file.path === 'manifest.json')?.ok).toBe(false);
  });

  it('reports a missing file, an extra file and an unreadable or missing manifest', async () => {
    await writeAuditPackage(packageDirectory, input);
    unlinkSync(join(packageDirectory, 'excel', '交易明细.xlsx'));
    writeFileSync(join(packageDirectory, 'pdf', 'extra.pdf'), 'x');
    const check = await verifyAuditPackage(packageDirectory);
    expect(check.ok).toBe(false);
    expect(check.files.find((file) => file.path === 'excel/交易明细.xlsx')).toMatchObject({ ok: false, detail: 'missing' });
    expect(check.files.find((file) => file.path === 'pdf/extra.pdf')).toMatchObject({ ok: false, detail: expect.stringMatching(/extra/) });

    writeFileSync(join(packageDirectory, 'manifest.json'), '{ not json');
    expect((await verifyAuditPackage(packageDirectory)).files[0]).toMatchObject({ path: 'manifest.json', ok: false });
    unlinkSync(join(packageDirectory, 'manifest.json'));
    expect((await verifyAuditPackage(packageDirectory)).files[0]).toMatchObject({ path: 'manifest.json', ok: false, detail: 'missing' });
  });

  it('reports a PDF signed by another seal', async () => {
    input.pdfs = [{ name: '交易明细', buffer: await signedReport('交易明细', otherSeal.p12) }];
    await writeAuditPackage(packageDirectory, input);
    const check = await verifyAuditPackage(packageDirectory);
    expect(check.files.find((file) => file.path === 'pdf/交易明细.pdf')).toMatchObject({ ok: false, detail: expect.stringMatching(/different seal/) });
  });

  it('refuses unsafe or duplicate names, a non-empty folder and a wrong seal password', async () => {
    await expect(writeAuditPackage(packageDirectory, { ...input, pdfs: [{ name: '../x', buffer: transactionsPdf }] })).rejects.toThrow(/unsafe/);
    await expect(
      writeAuditPackage(packageDirectory, { ...input, pdfs: [{ name: 'a', buffer: transactionsPdf }, { name: 'A.pdf', buffer: refundsPdf }] }),
    ).rejects.toThrow(/duplicate/);
    await expect(writeAuditPackage(packageDirectory, { ...input, seal: { p12: seal.p12, password: 'wrong' } })).rejects.toMatchObject({
      code: 'wrong-password',
    });
    await expect(writeAuditPackage(workDirectory, input)).rejects.toThrow(/not empty/);
  });
});
