/**
 * WeChat Pay APIv3 signing (WECHATPAY2-SHA256-RSA2048), response verification and the RSA-OAEP
 * encryption of sensitive fields (user_name), as documented in FORMATS.md 1.4 and 1.6.
 * Pure node:crypto; the clock and the nonce are injected so tests are deterministic.
 */
import { constants, createPrivateKey, createPublicKey, createSign, createVerify, privateDecrypt, publicEncrypt, randomBytes, sign as signOneShot, type KeyObject } from 'node:crypto';

export const AUTHORIZATION_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** The official SDKs reject a response whose timestamp is more than five minutes off. */
export const SIGNATURE_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export interface MerchantCredentials {
  mchid: string;
  /** Serial number of the merchant API certificate (serial_no in the Authorization header). */
  serialNo: string;
  /** apiclient_key.pem, PKCS#8. */
  privateKeyPem: string;
  /** The same key parsed once (parsePrivateKey); signing uses it when present. */
  privateKey?: KeyObject;
}

/** The WeChat Pay platform key (or WeChat Pay public key) and its serial / public-key id. */
export interface PlatformKey {
  serial: string;
  publicKeyPem: string;
  /** The same key parsed once (parsePublicKey); verification and encryption use it when present. */
  publicKey?: KeyObject;
}

/** A key as PEM text or already parsed: a client parses its keys once and signs thousands of requests with them. */
export type KeyInput = string | KeyObject;

export interface SigningEnvironment {
  now: () => Date;
  nonce: () => string;
}

export const systemSigningEnvironment: SigningEnvironment = {
  now: () => new Date(),
  nonce: () => randomBytes(16).toString('hex').toUpperCase(),
};

export type VerificationResult = { ok: true } | { ok: false; reason: string };

export function unixSeconds(date: Date): string {
  return Math.floor(date.getTime() / 1000).toString();
}

/** METHOD\nURL_PATH_WITH_QUERY\nUNIX_TS\nNONCE\nBODY\n: five lines, the last one terminated too. */
export function buildRequestMessage(
  method: string,
  urlPathWithQuery: string,
  timestampSeconds: string,
  nonce: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${urlPathWithQuery}\n${timestampSeconds}\n${nonce}\n${body}\n`;
}

/** TS\nNONCE\nBODY\n: what the platform signs on its responses. */
export function buildResponseMessage(timestampSeconds: string, nonce: string, body: string): string {
  return `${timestampSeconds}\n${nonce}\n${body}\n`;
}

// Parsing a PEM costs more than the RSA operation itself (about 0.8 ms of a 1.4 ms signature), and
// a settlement signs thousands of requests with the same few keys: keep the parsed keys.
const parsedKeyCountMax = 16;
const parsedPrivateKeys = new Map<string, KeyObject>();
const parsedPublicKeys = new Map<string, KeyObject>();

function cachedKey(cache: Map<string, KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  let key = cache.get(pem);
  if (!key) {
    key = parse(pem);
    if (cache.size >= parsedKeyCountMax) cache.delete(cache.keys().next().value as string);
    cache.set(pem, key);
  }
  return key;
}

const privateKeyOf = (key: KeyInput): KeyObject => (typeof key === 'string' ? cachedKey(parsedPrivateKeys, key, (text) => createPrivateKey(text)) : key);
const publicKeyOf = (key: KeyInput): KeyObject => (typeof key === 'string' ? cachedKey(parsedPublicKeys, key, (text) => createPublicKey(text)) : key);

/** Parses a PEM private key once (throws on a bad key: check outside input before). */
export function parsePrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** Parses a PEM public key (or takes the public half of a private key) once. */
export function parsePublicKey(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** SHA256withRSA, Base64. */
export function signMessage(message: string, privateKey: KeyInput): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyOf(privateKey), 'base64');
}

/**
 * The same SHA256withRSA signature (PKCS#1 v1.5), computed on libuv's thread pool: a settlement
 * signs thousands of requests, and off the main thread the RSA work of one request overlaps the
 * HTTP and bookkeeping of the others.
 */
export function signMessageAsync(message: string, privateKey: KeyInput): Promise<string> {
  const key = privateKeyOf(privateKey);
  return new Promise((resolve, reject) => {
    signOneShot('sha256', Buffer.from(message, 'utf8'), key, (failure, signature) => (failure ? reject(failure) : resolve(signature.toString('base64'))));
  });
}

export function verifyMessage(message: string, signatureBase64: string, publicKey: KeyInput): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyOf(publicKey), signatureBase64, 'base64');
  } catch {
    // A malformed signature or key from outside is a failed verification, not a crash.
    return false;
  }
}

export interface SignedRequest {
  authorization: string;
  timestampSeconds: string;
  nonce: string;
  signature: string;
}

/** Signs one request and builds its Authorization header (SDK parameter order). */
export function signRequest(
  merchant: MerchantCredentials,
  method: string,
  urlPathWithQuery: string,
  body: string,
  environment: SigningEnvironment,
): SignedRequest {
  const timestampSeconds = unixSeconds(environment.now());
  const nonce = environment.nonce();
  const signature = signMessage(
    buildRequestMessage(method, urlPathWithQuery, timestampSeconds, nonce, body),
    merchant.privateKey ?? merchant.privateKeyPem,
  );
  return { authorization: authorizationHeader(merchant, timestampSeconds, nonce, signature), timestampSeconds, nonce, signature };
}

/** signRequest with the RSA work on the thread pool (signMessageAsync): same header, same string to sign. */
export async function signRequestAsync(
  merchant: MerchantCredentials,
  method: string,
  urlPathWithQuery: string,
  body: string,
  environment: SigningEnvironment,
): Promise<SignedRequest> {
  const timestampSeconds = unixSeconds(environment.now());
  const nonce = environment.nonce();
  const signature = await signMessageAsync(
    buildRequestMessage(method, urlPathWithQuery, timestampSeconds, nonce, body),
    merchant.privateKey ?? merchant.privateKeyPem,
  );
  return { authorization: authorizationHeader(merchant, timestampSeconds, nonce, signature), timestampSeconds, nonce, signature };
}

function authorizationHeader(merchant: MerchantCredentials, timestampSeconds: string, nonce: string, signature: string): string {
  return (
    `${AUTHORIZATION_SCHEMA} mchid="${merchant.mchid}",nonce_str="${nonce}",` +
    `timestamp="${timestampSeconds}",serial_no="${merchant.serialNo}",signature="${signature}"`
  );
}

export interface AuthorizationParameters {
  mchid: string;
  nonceStr: string;
  timestamp: string;
  serialNo: string;
  signature: string;
}

export type ParsedAuthorization = { ok: true; value: AuthorizationParameters } | { ok: false; reason: string };

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",...`; parameter order does not matter. */
export function parseAuthorizationHeader(header: string | undefined): ParsedAuthorization {
  if (!header) return { ok: false, reason: 'missing Authorization header' };
  const prefix = `${AUTHORIZATION_SCHEMA} `;
  if (!header.startsWith(prefix)) return { ok: false, reason: 'Authorization schema is not WECHATPAY2-SHA256-RSA2048' };
  const parameters = new Map<string, string>();
  const pattern = /\s*([a-z_]+)="([^"]*)"\s*(,|$)/gy;
  const rest = header.slice(prefix.length);
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < rest.length && (match = pattern.exec(rest)) !== null) {
    if (parameters.has(match[1])) return { ok: false, reason: `duplicate parameter ${match[1]}` };
    parameters.set(match[1], match[2]);
    consumed = pattern.lastIndex;
  }
  if (consumed !== rest.length) return { ok: false, reason: 'malformed Authorization parameters' };
  const names = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const;
  for (const name of names) {
    if (!parameters.get(name)) return { ok: false, reason: `Authorization lacks ${name}` };
  }
  return {
    ok: true,
    value: {
      mchid: parameters.get('mchid')!,
      nonceStr: parameters.get('nonce_str')!,
      timestamp: parameters.get('timestamp')!,
      serialNo: parameters.get('serial_no')!,
      signature: parameters.get('signature')!,
    },
  };
}

export function isTimestampFresh(timestampSeconds: string, now: Date, toleranceSeconds = SIGNATURE_TIMESTAMP_TOLERANCE_SECONDS): boolean {
  if (!/^\d{1,12}$/.test(timestampSeconds)) return false;
  const skewSeconds = Math.abs(Number(timestampSeconds) - Math.floor(now.getTime() / 1000));
  return skewSeconds <= toleranceSeconds;
}

export interface RequestToVerify {
  method: string;
  urlPathWithQuery: string;
  body: string;
  authorization: string | undefined;
}

/** What the platform (here: the simulator) checks on each merchant request. */
export function verifyRequestSignature(
  request: RequestToVerify,
  merchant: { mchid: string; serialNo: string; publicKeyPem: KeyInput },
  now: Date,
): VerificationResult {
  const parsed = parseAuthorizationHeader(request.authorization);
  if (!parsed.ok) return parsed;
  const parameters = parsed.value;
  if (parameters.mchid !== merchant.mchid) return { ok: false, reason: `unknown mchid ${parameters.mchid}` };
  if (parameters.serialNo !== merchant.serialNo) return { ok: false, reason: `unknown merchant serial ${parameters.serialNo}` };
  if (!isTimestampFresh(parameters.timestamp, now)) return { ok: false, reason: 'request timestamp is stale or invalid' };
  const message = buildRequestMessage(request.method, request.urlPathWithQuery, parameters.timestamp, parameters.nonceStr, request.body);
  if (!verifyMessage(message, parameters.signature, merchant.publicKeyPem)) return { ok: false, reason: 'signature does not verify' };
  return { ok: true };
}

/** Header names as WeChat sends them; node lower-cases incoming header names. */
export interface ResponseSignatureHeaders {
  'Wechatpay-Timestamp': string;
  'Wechatpay-Nonce': string;
  'Wechatpay-Signature': string;
  'Wechatpay-Serial': string;
}

export function signResponse(
  body: string,
  platformPrivateKeyPem: KeyInput,
  platformSerial: string,
  environment: SigningEnvironment,
): ResponseSignatureHeaders {
  const timestampSeconds = unixSeconds(environment.now());
  const nonce = environment.nonce();
  return {
    'Wechatpay-Timestamp': timestampSeconds,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': signMessage(buildResponseMessage(timestampSeconds, nonce, body), platformPrivateKeyPem),
    'Wechatpay-Serial': platformSerial,
  };
}

/** signResponse with the RSA work on the thread pool (the simulator signs every answer). */
export async function signResponseAsync(
  body: string,
  platformPrivateKeyPem: KeyInput,
  platformSerial: string,
  environment: SigningEnvironment,
): Promise<ResponseSignatureHeaders> {
  const timestampSeconds = unixSeconds(environment.now());
  const nonce = environment.nonce();
  return {
    'Wechatpay-Timestamp': timestampSeconds,
    'Wechatpay-Nonce': nonce,
    'Wechatpay-Signature': await signMessageAsync(buildResponseMessage(timestampSeconds, nonce, body), platformPrivateKeyPem),
    'Wechatpay-Serial': platformSerial,
  };
}

/** Looks a header up case-insensitively (fetch Headers, node IncomingHttpHeaders or a plain record). */
export type HeaderLookup = (name: string) => string | undefined;

export function headerLookupFromRecord(headers: Record<string, string | string[] | undefined>): HeaderLookup {
  const lowered = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lowered.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
  }
  return (name) => lowered.get(name.toLowerCase());
}

export function hasResponseSignature(header: HeaderLookup): boolean {
  return header('Wechatpay-Signature') !== undefined;
}

/** Checks a platform response: serial, freshness (5 min) and SHA256withRSA over TS\nNONCE\nBODY\n. */
export function verifyResponseSignature(
  header: HeaderLookup,
  body: string,
  platform: PlatformKey,
  now: Date,
): VerificationResult {
  const timestampSeconds = header('Wechatpay-Timestamp');
  const nonce = header('Wechatpay-Nonce');
  const signature = header('Wechatpay-Signature');
  const serial = header('Wechatpay-Serial');
  if (!timestampSeconds || !nonce || !signature || !serial) return { ok: false, reason: 'response lacks Wechatpay signature headers' };
  if (serial !== platform.serial) return { ok: false, reason: `response signed with unknown platform serial ${serial}` };
  if (!isTimestampFresh(timestampSeconds, now)) return { ok: false, reason: 'response timestamp is stale or invalid' };
  if (!verifyMessage(buildResponseMessage(timestampSeconds, nonce, body), signature, platform.publicKey ?? platform.publicKeyPem)) {
    return { ok: false, reason: 'response signature does not verify' };
  }
  return { ok: true };
}

/**
 * Encrypts a sensitive field (user_name) with the platform public key: RSA-OAEP with SHA-1 and
 * MGF1-SHA1 (wechatpay-go uses rsa.EncryptOAEP(sha1.New(), ...)), Base64. OAEP is randomised,
 * so two encryptions of the same name differ. Send `Wechatpay-Serial` naming the key used.
 */
export function encryptSensitiveField(plainText: string, platformPublicKeyPem: KeyInput): string {
  return publicEncrypt(
    { key: publicKeyOf(platformPublicKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(plainText, 'utf8'),
  ).toString('base64');
}

export type DecryptionResult = { ok: true; value: string } | { ok: false; reason: string };

export function decryptSensitiveField(cipherTextBase64: string, privateKeyPem: KeyInput): DecryptionResult {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cipherTextBase64)) return { ok: false, reason: 'not Base64' };
  try {
    const plain = privateDecrypt(
      { key: privateKeyOf(privateKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(cipherTextBase64, 'base64'),
    );
    return { ok: true, value: plain.toString('utf8') };
  } catch {
    return { ok: false, reason: 'not decryptable with RSA-OAEP (SHA-1) and this key' };
  }
}
