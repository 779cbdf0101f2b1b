import { createHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Seal certificates: a PKCS#12 (.p12/.pfx) bundle holding the company's signing key and its
 * X.509 certificate. Imported from a CA, or self-signed here for trials.
 */

export interface SealInfo {
  /** Subject common name, decoded from UTF-8 (a Chinese company name reads back as written). */
  subject: string;
  issuer: string;
  /** Full distinguished names, e.g. "C=CN, O=上海示例商贸有限公司, CN=上海示例商贸有限公司". */
  subjectDistinguishedName: string;
  issuerDistinguishedName: string;
  notBefore: Date;
  notAfter: Date;
  /** Serial number as lowercase hex. */
  serial: string;
  /** SHA-256 of the certificate's DER encoding, lowercase hex. */
  fingerprintSha256: string;
  selfSigned: boolean;
}

export type SealErrorCode =
  | 'wrong-password'
  | 'not-pkcs12'
  | 'no-private-key'
  | 'no-certificate'
  | 'key-certificate-mismatch'
  | 'expired'
  | 'not-yet-valid';

export interface SealProblem {
  code: SealErrorCode;
  message: string;
}

/** A seal that cannot be opened or used; `code` says why, for the UI to explain. */
export class SealError extends Error {
  readonly code: SealErrorCode;
  constructor(problem: SealProblem) {
    super(problem.message);
    this.name = 'SealError';
    this.code = problem.code;
  }
}

export type ReadSealResult = { ok: true; info: SealInfo } | { ok: false; error: SealProblem };

/** What signing needs from an opened seal. */
export interface OpenedSeal {
  info: SealInfo;
  privateKeyPem: string;
  certificate: forge.pki.Certificate;
  /** Every certificate in the bundle (the seal's first), for the CMS certificate set. */
  certificates: forge.pki.Certificate[];
}

export interface CreateSelfSignedSealOptions {
  companyName: string;
  validDays: number;
  password: string;
  /** Start of validity (the fixed clock in tests). */
  now: Date;
  /** RSA modulus length; 2048 is what Chinese e-seal platforms and Acrobat expect at minimum. */
  keyBits?: number;
}

const MILLISECONDS_PER_DAY = 24 * 60 * 60 * 1000;

export function createSelfSignedSeal(options: CreateSelfSignedSealOptions): { p12: Buffer; info: SealInfo } {
  const companyName = options.companyName.trim();
  if (companyName.length === 0) throw new RangeError('a seal needs a company name');
  if (!Number.isSafeInteger(options.validDays) || options.validDays <= 0) {
    throw new RangeError(`validDays must be a positive integer, got ${options.validDays}`);
  }
  const keys = forge.pki.rsa.generateKeyPair({ bits: options.keyBits ?? 2048, e: 0x10001 });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = positiveSerialHex();
  certificate.validity.notBefore = new Date(options.now.getTime());
  certificate.validity.notAfter = new Date(options.now.getTime() + options.validDays * MILLISECONDS_PER_DAY);
  // UTF8String attributes: forge passes the value through forge.util.encodeUtf8 itself when
  // valueTagClass is UTF8. A raw JS string in a PrintableString would write chars > 0xFF into
  // the DER, and the PKCS#12 MAC would then fail to verify on reading ("Invalid password?").
  const attributes = [
    { shortName: 'C', value: 'CN' },
    { shortName: 'O', value: companyName, valueTagClass: forge.asn1.Type.UTF8 },
    { shortName: 'CN', value: companyName, valueTagClass: forge.asn1.Type.UTF8 },
  ] as forge.pki.CertificateField[];
  certificate.setSubject(attributes);
  certificate.setIssuer(attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());

  const p12Asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [certificate], options.password, {
    algorithm: 'aes256',
  });
  const p12 = Buffer.from(forge.asn1.toDer(p12Asn1).getBytes(), 'binary');
  return { p12, info: sealInfoOf(certificate) };
}

export function readSeal(p12: Buffer, password: string): ReadSealResult {
  const opened = openSeal(p12, password);
  return opened.ok ? { ok: true, info: opened.seal.info } : opened;
}

/** Opens the bundle for signing. Bad bytes or a wrong password are results, not crashes. */
export function openSeal(p12: Buffer, password: string): { ok: true; seal: OpenedSeal } | { ok: false; error: SealProblem } {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
  } catch {
    return { ok: false, error: { code: 'not-pkcs12', message: 'the file is not a PKCS#12 (.p12/.pfx) bundle' } };
  }
  let bundle: forge.pkcs12.Pkcs12Pfx;
  try {
    bundle = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/password|MAC/i.test(message)) {
      return { ok: false, error: { code: 'wrong-password', message: 'wrong seal password' } };
    }
    return { ok: false, error: { code: 'not-pkcs12', message: `cannot read the PKCS#12 bundle: ${message}` } };
  }
  const keyBags = [
    ...(bundle.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(bundle.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const privateKey = keyBags.find((bag) => bag.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!privateKey) {
    // A bundle without a MAC decrypts to garbage under a wrong password and shows no key.
    return { ok: false, error: { code: 'no-private-key', message: 'the bundle holds no private key (or the password is wrong)' } };
  }
  const certificates = (bundle.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).flatMap(
    (bag) => (bag.cert ? [bag.cert] : []),
  );
  if (certificates.length === 0) {
    return { ok: false, error: { code: 'no-certificate', message: 'the bundle holds no certificate' } };
  }
  const certificate = certificates.find((candidate) => {
    const publicKey = candidate.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n?.equals(privateKey.n) && publicKey.e?.equals(privateKey.e);
  });
  if (!certificate) {
    return { ok: false, error: { code: 'key-certificate-mismatch', message: 'no certificate in the bundle matches its private key' } };
  }
  return {
    ok: true,
    seal: {
      info: sealInfoOf(certificate),
      privateKeyPem: forge.pki.privateKeyToPem(privateKey),
      certificate,
      certificates: [certificate, ...certificates.filter((candidate) => candidate !== certificate)],
    },
  };
}

export function checkSealUsable(info: SealInfo, now: Date): { ok: true } | { ok: false; error: SealProblem } {
  if (now.getTime() < info.notBefore.getTime()) {
    return {
      ok: false,
      error: { code: 'not-yet-valid', message: `the seal certificate is valid only from ${info.notBefore.toISOString()}` },
    };
  }
  if (now.getTime() > info.notAfter.getTime()) {
    return { ok: false, error: { code: 'expired', message: `the seal certificate expired on ${info.notAfter.toISOString()}` } };
  }
  return { ok: true };
}

/** Throws SealError('expired' | 'not-yet-valid') when the certificate cannot sign at `now`. */
export function assertSealUsable(info: SealInfo, now: Date): void {
  const checked = checkSealUsable(info, now);
  if (!checked.ok) throw new SealError(checked.error);
}

export function sealInfoOf(certificate: forge.pki.Certificate): SealInfo {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
  return {
    subject: commonNameOf(certificate.subject),
    issuer: commonNameOf(certificate.issuer),
    subjectDistinguishedName: distinguishedNameOf(certificate.subject),
    issuerDistinguishedName: distinguishedNameOf(certificate.issuer),
    notBefore: certificate.validity.notBefore,
    notAfter: certificate.validity.notAfter,
    serial: certificate.serialNumber.toLowerCase(),
    fingerprintSha256: createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex'),
    selfSigned: certificate.isIssuer(certificate),
  };
}

type DistinguishedName = forge.pki.Certificate['subject'];

function commonNameOf(name: DistinguishedName): string {
  const field = name.getField('CN') as forge.pki.CertificateField | null;
  return field ? decodeAttributeValue(field) : distinguishedNameOf(name);
}

function distinguishedNameOf(name: DistinguishedName): string {
  return name.attributes
    .map((attribute) => `${attribute.shortName ?? attribute.type}=${decodeAttributeValue(attribute)}`)
    .join(', ');
}

/**
 * forge hands attribute values back as byte strings. UTF8String values (and PrintableStrings
 * that tools filled with UTF-8 anyway) are decoded; a value that is not valid UTF-8 is kept.
 */
function decodeAttributeValue(attribute: forge.pki.CertificateField): string {
  const raw = String(attribute.value ?? '');
  if ((attribute.valueTagClass as number | undefined) === forge.asn1.Type.BMPSTRING) {
    let decoded = '';
    for (let index = 0; index + 1 < raw.length; index += 2) {
      decoded += String.fromCharCode((raw.charCodeAt(index) << 8) | raw.charCodeAt(index + 1));
    }
    return decoded;
  }
  try {
    return forge.util.decodeUtf8(raw);
  } catch {
    return raw;
  }
}

/** 16 random bytes with the top bit clear: X.509 serials must be positive. */
function positiveSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}
