import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import signpdf from '@signpdf/signpdf';
import { PDFObject, Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { assertSealUsable, openSeal, SealError, type OpenedSeal } from './certificate';
import { createCadesDetachedSignature } from './cms';

/**
 * Signs a PDF (one produced by exports/pdf: pdfkit, classic xref table) with the company seal:
 * PAdES baseline B-B, i.e. a detached CAdES signature with /SubFilter /ETSI.CAdES.detached.
 * @signpdf/placeholder-plain adds the signature field (an invisible widget: the visible red
 * seal is drawn into the page content at render time) and @signpdf/signpdf fills /ByteRange and
 * /Contents. The CMS is built by our own signer (./cms) rather than @signpdf/signer-p12, whose
 * node-forge PKCS#7 cannot carry the ESS signing-certificate-v2 attribute PAdES requires and
 * adds a signing-time attribute PAdES forbids.
 */

export interface SignPdfOptions {
  reason: string;
  location: string;
  /** Signer's name shown by PDF readers (usually the company). */
  name: string;
  /** Claimed signing time, written to /M (fixed clock in tests); the seal must be valid then. */
  signingTime: Date;
  contactInfo?: string;
}

/** Bytes reserved for the CMS; a 2048- or 4096-bit seal with a short chain fits easily. */
const SIGNATURE_LENGTH_BYTES = 16_384;

class SealSigner extends Signer {
  constructor(private readonly seal: OpenedSeal) {
    super();
  }

  async sign(pdfBuffer: Buffer): Promise<Buffer> {
    return createCadesDetachedSignature({
      content: pdfBuffer,
      privateKeyPem: this.seal.privateKeyPem,
      certificate: this.seal.certificate,
      certificates: this.seal.certificates,
    });
  }
}

/**
 * Throws SealError for a wrong password, an unreadable bundle, or a certificate not valid at
 * `signingTime`; any other error is a malformed PDF (our own output, so a bug).
 */
export async function signPdf(pdf: Buffer, p12: Buffer, password: string, options: SignPdfOptions): Promise<Buffer> {
  const opened = openSeal(p12, password);
  if (!opened.ok) throw new SealError(opened.error);
  assertSealUsable(opened.seal.info, options.signingTime);
  const texts = [options.reason, options.location, options.name, options.contactInfo ?? ''];
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: options.reason,
    location: options.location,
    name: options.name,
    contactInfo: options.contactInfo ?? '',
    signingTime: options.signingTime,
    signatureLength: SIGNATURE_LENGTH_BYTES,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Ledgerdesk',
  });
  return signpdf.sign(repairNonAsciiTextStrings(withPlaceholder, texts), new SealSigner(opened.seal), options.signingTime);
}

/**
 * @signpdf's PDFObject writes a non-ASCII text string as UTF-16BE in a 'binary' JS string, and
 * placeholder-plain then passes it through Buffer.from(...) as UTF-8, turning every byte above
 * 0x7F into two bytes. We put the intended bytes back in place. The intended literal string is
 * never longer than the mangled one, so it is padded with spaces (whitespace between dictionary
 * tokens) and every later byte offset (xref) stays valid.
 */
export function repairNonAsciiTextStrings(pdf: Buffer, texts: readonly string[]): Buffer {
  let repaired = pdf;
  for (const text of texts) {
    if (!/[^\x00-\x7f]/.test(text)) continue;
    const literal = PDFObject.convert(new String(text)) as string;
    const mangled = Buffer.from(literal, 'utf8');
    const intended = Buffer.from(literal, 'latin1');
    const position = repaired.lastIndexOf(mangled);
    if (position < 0) throw new Error('signature dictionary text not found; @signpdf output changed');
    repaired = Buffer.concat([
      repaired.subarray(0, position),
      intended,
      Buffer.alloc(mangled.length - intended.length, 0x20),
      repaired.subarray(position + mangled.length),
    ]);
  }
  return repaired;
}
