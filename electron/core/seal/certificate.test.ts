import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { assertSealUsable, checkSealUsable, createSelfSignedSeal, readSeal, SealError } from './certificate';
import { createSealSvg } from './seal-image';

const now = new Date('2024-03-01T00:00:00Z');
const dayMilliseconds = 24 * 60 * 60 * 1000;

describe('self-signed seal', () => {
  const companyName = '上海示例商贸有限公司';
  const password = '印章密码-2024';
  const created = createSelfSignedSeal({ companyName, validDays: 365, password, now });

  it('round-trips a Chinese company name through PKCS#12', () => {
    const read = readSeal(created.p12, password);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.info.subject).toBe(companyName);
    expect(read.info.issuer).toBe(companyName);
    expect(read.info.subjectDistinguishedName).toBe(`C=CN, O=${companyName}, CN=${companyName}`);
    expect(read.info.notBefore).toEqual(now);
    expect(read.info.notAfter).toEqual(new Date(now.getTime() + 365 * dayMilliseconds));
    expect(read.info.serial).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(read.info.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(read.info).toEqual(created.info);
    expect(read.info.selfSigned).toBe(true);
  });

  it('stores the name as UTF-8 (UTF8String), as other tools read it', () => {
    const bundle = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(created.p12.toString('binary')), false, password);
    const certificate = bundle.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]?.[0].cert;
    const commonName = certificate?.subject.getField('CN') as forge.pki.CertificateField;
    expect(commonName.valueTagClass as number).toBe(forge.asn1.Type.UTF8);
    expect(Buffer.from(String(commonName.value), 'binary').toString('utf8')).toBe(companyName);
  });

  it('refuses a wrong password and garbage with typed errors', () => {
    expect(readSeal(created.p12, 'wrong')).toEqual({ ok: false, error: { code: 'wrong-password', message: 'wrong seal password' } });
    expect(readSeal(Buffer.from('not a p12 at all'), password)).toMatchObject({ ok: false, error: { code: 'not-pkcs12' } });
    expect(readSeal(Buffer.alloc(0), password)).toMatchObject({ ok: false });
  });

  it('refuses an expired and a not-yet-valid certificate', () => {
    const { info } = created;
    expect(checkSealUsable(info, now)).toEqual({ ok: true });
    expect(checkSealUsable(info, new Date(info.notAfter.getTime()))).toEqual({ ok: true });
    expect(checkSealUsable(info, new Date(info.notAfter.getTime() + 1))).toMatchObject({ ok: false, error: { code: 'expired' } });
    expect(checkSealUsable(info, new Date(now.getTime() - 1))).toMatchObject({ ok: false, error: { code: 'not-yet-valid' } });
    expect(() => assertSealUsable(info, new Date('2030-01-01T00:00:00Z'))).toThrow(SealError);
    try {
      assertSealUsable(info, new Date('2020-01-01T00:00:00Z'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SealError);
      expect((error as SealError).code).toBe('not-yet-valid');
    }
  });

  it('refuses bad creation input', () => {
    expect(() => createSelfSignedSeal({ companyName: '  ', validDays: 1, password, now })).toThrow(RangeError);
    expect(() => createSelfSignedSeal({ companyName, validDays: 0, password, now })).toThrow(RangeError);
    expect(() => createSelfSignedSeal({ companyName, validDays: 1.5, password, now })).toThrow(RangeError);
  });
});

describe('seal image', () => {
  it('draws a red ring, a star and every character of the name', () => {
    const svg = createSealSvg({ companyName: '上海示例<商贸>有限公司', caption: '财务专用章' });
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 200 200"/);
    expect(svg).toContain('<circle');
    expect(svg).toContain('stroke="#d42020"');
    expect(svg).toContain('<polygon');
    for (const character of ['上', '海', '司', '&#60;', '&#62;']) expect(svg).toContain(`>${character}</text>`);
    expect(svg).toContain('>财务专用章</text>');
    expect(svg).not.toContain('<商');
    expect(() => createSealSvg({ companyName: '' })).toThrow(RangeError);
  });
});
