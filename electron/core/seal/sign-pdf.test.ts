import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { P12Signer } from '@signpdf/signer-p12';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import signpdf from '@signpdf/signpdf';
import { PDFObject } from '@signpdf/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fen } from '../money';
import { renderReportPdf } from '../exports/pdf';
import { createSelfSignedSeal, SealError } from './certificate';
import { createSealSvg } from './seal-image';
import { signPdf } from './sign-pdf';
import { verifyPdfSignature } from './verify-pdf';

const pdfsigAvailable = spawnSync('pdfsig', ['-v']).status === 0;
const companyName = '上海示例商贸有限公司';
const password = 'seal-密码';
const sealCreatedAt = new Date('2024-01-01T00:00:00Z');
const signingTime = new Date('2024-04-01T02:00:00Z');

describe('signPdf', () => {
  const seal = createSelfSignedSeal({ companyName, validDays: 365, password, now: sealCreatedAt });
  let directory: string;
  let unsigned: Buffer;
  let signed: Buffer;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-sign-'));
    unsigned = await renderReportPdf({
      title: '退款明细',
      company: companyName,
      period: '2024-03',
      generatedAt: signingTime,
      seal: { svg: createSealSvg({ companyName }), everyPage: true },
      sections: [
        {
          type: 'table',
          columns: [
            { header: '退款单号', key: 'refundNumber', kind: 'text' },
            { header: '金额', key: 'amountFen', kind: 'money' },
          ],
          rows: [
            { refundNumber: 'R1', amountFen: fen(-1250) },
            { refundNumber: 'R2', amountFen: fen(-99) },
          ],
        },
      ],
    });
    signed = await signPdf(unsigned, seal.p12, password, { reason: '月度审计', location: '上海', name: companyName, signingTime });
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it.skipIf(!pdfsigAvailable)('produces a PAdES signature that pdfsig reports as valid', () => {
    const path = join(directory, 'signed.pdf');
    writeFileSync(path, signed);
    const report = execFileSync('pdfsig', [path], { encoding: 'utf8' });
    expect(report).toContain('Signature is Valid');
    expect(report).toContain('Signature Type: ETSI.CAdES.detached');
    expect(report).toContain(`Signer Certificate Common Name: ${companyName}`);
    expect(report).toContain('Total document signed');
  });

  it('verifies itself without poppler, and catches a changed or appended byte', () => {
    const check = verifyPdfSignature(signed);
    expect(check).toMatchObject({ ok: true, detail: '' });
    expect(check.signer?.subject).toBe(companyName);
    expect(check.signer?.fingerprintSha256).toBe(seal.info.fingerprintSha256);

    const tampered = Buffer.from(signed);
    tampered[200] ^= 0x01;
    expect(verifyPdfSignature(tampered)).toMatchObject({ ok: false, detail: expect.stringMatching(/digest mismatch/) });
    expect(verifyPdfSignature(Buffer.concat([signed, Buffer.from('\n%%EOF\n')]))).toMatchObject({ ok: false });
    expect(verifyPdfSignature(unsigned)).toMatchObject({ ok: false, detail: expect.stringMatching(/not signed/) });
  });

  it('writes the Chinese reason and location as UTF-16 PDF strings', () => {
    for (const [key, text] of [['Reason', '月度审计'], ['Location', '上海']]) {
      const intended = Buffer.from(`/${key} ${PDFObject.convert(new String(text)) as string}`, 'latin1');
      expect(signed.includes(intended)).toBe(true);
    }
  });

  it('also verifies a signature made by @signpdf/signer-p12 (adbe.pkcs7.detached)', async () => {
    // An ASCII name: forge's PKCS#7 re-encodes a UTF-8 issuer name twice, so signer-p12 cannot
    // sign with a Chinese-named seal (one reason signPdf builds its own CMS).
    const asciiSeal = createSelfSignedSeal({ companyName: 'Example Trading Co', validDays: 365, password, now: sealCreatedAt });
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer: unsigned, reason: 'test', contactInfo: '', name: 'x', location: 'y' });
    const other = await signpdf.sign(withPlaceholder, new P12Signer(asciiSeal.p12, { passphrase: password }), signingTime);
    const check = verifyPdfSignature(other);
    expect(check).toMatchObject({ ok: true, detail: '' });
    expect(check.signingTime).toEqual(signingTime);
  });

  it('refuses a wrong password, an expired and a not-yet-valid seal', async () => {
    const options = { reason: 'r', location: 'l', name: 'n' };
    await expect(signPdf(unsigned, seal.p12, 'wrong', { ...options, signingTime })).rejects.toMatchObject({
      name: 'SealError',
      code: 'wrong-password',
    });
    await expect(signPdf(unsigned, seal.p12, password, { ...options, signingTime: new Date('2025-06-01T00:00:00Z') })).rejects.toMatchObject({
      code: 'expired',
    });
    await expect(signPdf(unsigned, seal.p12, password, { ...options, signingTime: new Date('2023-12-31T00:00:00Z') })).rejects.toBeInstanceOf(
      SealError,
    );
  });
});
