import { createHash, createPublicKey, sign as signWithKey, verify as verifyWithKey } from 'node:crypto';
import forge from 'node-forge';
import { sealInfoOf, type SealInfo } from './certificate';

/**
 * CMS (PKCS#7) SignedData for PDF signatures, detached, in the CAdES form PAdES baseline B-B
 * asks for: signed attributes content-type, message-digest and ESS signing-certificate-v2, and
 * no signing-time attribute (PAdES puts the claimed time in the signature dictionary's /M).
 * Hashing and RSA run in node:crypto (fast on large PDFs); node-forge only builds and reads ASN.1.
 */

const { asn1 } = forge;
const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
} as const;

const hashNameByOid: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

type Asn1 = forge.asn1.Asn1;

const sequence = (values: Asn1[]): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, values);
const set = (values: Asn1[]): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, values);
const oid = (value: string): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
const octets = (bytes: Buffer): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
const derOf = (node: Asn1): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
const algorithm = (identifier: string, withNullParameters: boolean): Asn1 =>
  sequence(withNullParameters ? [oid(identifier), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')] : [oid(identifier)]);

function integerNode(value: number): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

export interface DetachedSignatureInput {
  /** The bytes signed: for a PDF, the two ByteRange pieces concatenated. */
  content: Buffer;
  privateKeyPem: string;
  certificate: forge.pki.Certificate;
  /** Extra certificates to embed (chain); the signer's own is always embedded first. */
  certificates?: forge.pki.Certificate[];
}

export function createCadesDetachedSignature(input: DetachedSignatureInput): Buffer {
  const certificateAsn1 = forge.pki.certificateToAsn1(input.certificate);
  const certificateDer = derOf(certificateAsn1);
  const signedAttributes = [
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.messageDigest, octets(createHash('sha256').update(input.content).digest())),
    // ESS signing-certificate-v2: binds the signer certificate (SHA-256 is its default hash).
    attribute(
      OID.signingCertificateV2,
      sequence([sequence([sequence([octets(createHash('sha256').update(certificateDer).digest())])])]),
    ),
  ]
    // DER: the elements of a SET OF are sorted by their encodings.
    .sort((left, right) => Buffer.compare(derOf(left), derOf(right)));
  const signature = signWithKey('sha256', derOf(set(signedAttributes)), input.privateKeyPem);

  const signerInfo = sequence([
    integerNode(1),
    sequence([
      // issuerAndSerialNumber, copied from the certificate's own encoding.
      issuerOf(certificateAsn1),
      serialOf(certificateAsn1),
    ]),
    algorithm(OID.sha256, true),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, signedAttributes),
    algorithm(OID.rsaEncryption, true),
    octets(signature),
  ]);
  const embedded = [input.certificate, ...(input.certificates ?? []).filter((other) => other !== input.certificate)];
  const signedData = sequence([
    integerNode(1),
    set([algorithm(OID.sha256, true)]),
    sequence([oid(OID.data)]),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, embedded.map((certificate) => forge.pki.certificateToAsn1(certificate))),
    set([signerInfo]),
  ]);
  return derOf(sequence([oid(OID.signedData), asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [signedData])]));
}

function attribute(type: string, value: Asn1): Asn1 {
  return sequence([oid(type), set([value])]);
}

/** TBSCertificate fields: [0] version, serial, signature algorithm, issuer, ... */
function tbsFields(certificateAsn1: Asn1): Asn1[] {
  const tbs = (certificateAsn1.value as Asn1[])[0];
  const fields = tbs.value as Asn1[];
  return fields[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? fields.slice(1) : fields;
}

function serialOf(certificateAsn1: Asn1): Asn1 {
  return tbsFields(certificateAsn1)[0];
}

function issuerOf(certificateAsn1: Asn1): Asn1 {
  return tbsFields(certificateAsn1)[2];
}

export interface DetachedSignatureCheck {
  ok: boolean;
  /** Why it failed; empty when ok. */
  detail: string;
  signer?: SealInfo;
  /** Signing time from the CMS attribute, when the signer put one there (not PAdES). */
  signingTime?: Date;
}

/**
 * Verifies a detached CMS signature over `content` with node:crypto: the message digest
 * attribute must equal the content's hash and the RSA signature must verify over the
 * DER-encoded signed attributes with the embedded signer certificate's public key.
 * Trust in the certificate itself (chain to a CA) is a separate question, not answered here.
 */
export function verifyDetachedSignature(cms: Buffer, content: Buffer): DetachedSignatureCheck {
  try {
    // The /Contents placeholder is zero-padded after the DER: parse one object, ignore the rest.
    const contentInfo = fromDerWithOptions(forge.util.createBuffer(cms.toString('binary')), { parseAllBytes: false });
    const [typeNode, wrapped] = contentInfo.value as Asn1[];
    if (asn1.derToOid(typeNode.value as string) !== OID.signedData) return failed('not a CMS SignedData');
    const signedDataFields = ((wrapped.value as Asn1[])[0].value as Asn1[]).slice();
    const certificatesNode = signedDataFields.find((node) => node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0);
    const signerInfos = signedDataFields[signedDataFields.length - 1].value as Asn1[];
    if (signerInfos.length !== 1) return failed(`expected one signer, found ${signerInfos.length}`);
    const certificates = ((certificatesNode?.value as Asn1[] | undefined) ?? []).map((node) => forge.pki.certificateFromAsn1(node));

    const signerFields = signerInfos[0].value as Asn1[];
    const [issuerNode, serialNode] = signerFields[1].value as Asn1[];
    const signer = certificates.find((certificate) => {
      const certificateAsn1 = forge.pki.certificateToAsn1(certificate);
      return (
        derOf(serialOf(certificateAsn1)).equals(derOf(serialNode)) && derOf(issuerOf(certificateAsn1)).equals(derOf(issuerNode))
      );
    });
    if (!signer) return failed('the signer certificate is not embedded in the signature');

    const hashName = hashNameByOid[asn1.derToOid(((signerFields[2].value as Asn1[])[0].value as string))];
    if (!hashName) return failed('unsupported digest algorithm');
    const signedAttributesNode = signerFields[3];
    if (signedAttributesNode.tagClass !== asn1.Class.CONTEXT_SPECIFIC || signedAttributesNode.type !== 0) {
      return failed('the signature has no signed attributes');
    }
    const attributes = signedAttributesNode.value as Asn1[];
    const attributeValue = (type: string): Asn1 | undefined => {
      const found = attributes.find((node) => asn1.derToOid((node.value as Asn1[])[0].value as string) === type);
      return found ? ((found.value as Asn1[])[1].value as Asn1[])[0] : undefined;
    };
    const digestNode = attributeValue(OID.messageDigest);
    if (!digestNode) return failed('the signature has no message digest');
    const expectedDigest = Buffer.from(digestNode.value as string, 'binary');
    const actualDigest = createHash(hashName).update(content).digest();
    if (!expectedDigest.equals(actualDigest)) return failed('the signed bytes were changed (digest mismatch)');

    // The signature covers the attributes encoded as a SET (tag 0x31), not as [0] IMPLICIT.
    const signedBytes = derOf(set(attributes));
    const signatureBytes = Buffer.from(signerFields[5].value as string, 'binary');
    const publicKey = createPublicKey(forge.pki.publicKeyToPem(signer.publicKey));
    if (!verifyWithKey(hashName, signedBytes, publicKey, signatureBytes)) {
      return failed('the signature does not verify with the signer certificate');
    }
    const timeNode = attributeValue(OID.signingTime);
    const signingTime =
      timeNode === undefined
        ? undefined
        : timeNode.type === asn1.Type.UTCTIME
          ? asn1.utcTimeToDate(timeNode.value as string)
          : asn1.generalizedTimeToDate(timeNode.value as string);
    return { ok: true, detail: '', signer: sealInfoOf(signer), signingTime };
  } catch (error) {
    return failed(`unreadable signature: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** forge >= 1.0 takes an options object; its typings still say `strict?: boolean`. */
const fromDerWithOptions = asn1.fromDer as unknown as (
  bytes: forge.util.ByteStringBuffer,
  options: { parseAllBytes: boolean },
) => Asn1;

function failed(detail: string): DetachedSignatureCheck {
  return { ok: false, detail };
}
