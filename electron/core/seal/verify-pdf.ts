import { verifyDetachedSignature, type DetachedSignatureCheck } from './cms';

/**
 * Checks a signed PDF without poppler (absent on Windows): exactly one signature, whose
 * /ByteRange covers the whole file except its own /Contents hex string, and whose CMS verifies
 * over those bytes (./cms). Bytes appended after signing, or any changed byte, fail the check.
 */

export interface PdfSignatureCheck extends DetachedSignatureCheck {
  byteRange?: [number, number, number, number];
}

const byteRangePattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

export function verifyPdfSignature(pdf: Buffer): PdfSignatureCheck {
  const text = pdf.toString('latin1');
  const matches = [...text.matchAll(byteRangePattern)];
  if (matches.length === 0) return { ok: false, detail: 'the PDF is not signed (no /ByteRange)' };
  if (matches.length > 1) return { ok: false, detail: `expected one signature, found ${matches.length}` };
  const [start, firstLength, secondStart, secondLength] = matches[0].slice(1, 5).map(Number) as [number, number, number, number];
  const byteRange: [number, number, number, number] = [start, firstLength, secondStart, secondLength];
  if (start !== 0 || secondStart <= firstLength || secondStart + secondLength !== pdf.length) {
    return { ok: false, detail: `the signature does not cover the whole file (ByteRange ${byteRange.join(' ')}, size ${pdf.length})`, byteRange };
  }
  if (pdf[firstLength] !== 0x3c /* < */ || pdf[secondStart - 1] !== 0x3e /* > */) {
    return { ok: false, detail: 'the ByteRange gap is not the /Contents hex string', byteRange };
  }
  const hex = text.slice(firstLength + 1, secondStart - 1);
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
    return { ok: false, detail: 'the /Contents hex string is malformed', byteRange };
  }
  const signedContent = Buffer.concat([pdf.subarray(0, firstLength), pdf.subarray(secondStart, secondStart + secondLength)]);
  const check = verifyDetachedSignature(Buffer.from(hex, 'hex'), signedContent);
  return { ...check, byteRange };
}
