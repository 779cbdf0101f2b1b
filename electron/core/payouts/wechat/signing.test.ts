import { createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildRequestMessage,
  buildResponseMessage,
  decryptSensitiveField,
  encryptSensitiveField,
  headerLookupFromRecord,
  parseAuthorizationHeader,
  parsePrivateKey,
  signRequest,
  signRequestAsync,
  signResponse,
  signResponseAsync,
  verifyRequestSignature,
  verifyResponseSignature,
  type SigningEnvironment,
} from './signing';
import { wechatPayTestKeys } from './test-keys';

const keys = wechatPayTestKeys();
const merchant = { mchid: keys.merchant.mchid, serialNo: keys.merchant.serialNo, privateKeyPem: keys.merchant.privateKeyPem };
const merchantPublic = { mchid: keys.merchant.mchid, serialNo: keys.merchant.serialNo, publicKeyPem: keys.merchant.publicKeyPem };
const platform = { serial: keys.platform.serial, publicKeyPem: keys.platform.publicKeyPem };
const fixedNow = new Date('2025-03-10T02:00:00Z'); // 1741572000
const environment: SigningEnvironment = { now: () => fixedNow, nonce: () => '593BEC0C930BF1AFEB40B4A08C8FB242' };

describe('request signing', () => {
  it('builds the documented five-line string to sign, the last line terminated too', () => {
    const body = '{"appid":"wxd678efh567hg6787","out_bill_no":"plfk2020042013"}';
    expect(buildRequestMessage('post', '/v3/fund-app/mch-transfer/transfer-bills', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', body)).toBe(
      'POST\n/v3/fund-app/mch-transfer/transfer-bills\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n' + body + '\n',
    );
    // GET: empty body, so the message ends with two newlines.
    expect(buildRequestMessage('GET', '/v3/transfer/batches/out-batch-no/B1?need_query_detail=true', '1554208460', 'N', '')).toBe(
      'GET\n/v3/transfer/batches/out-batch-no/B1?need_query_detail=true\n1554208460\nN\n\n',
    );
  });

  it('emits the Authorization header in the SDK format and node:crypto verifies the signature', () => {
    const body = '{"out_bill_no":"A1"}';
    const signed = signRequest(merchant, 'POST', '/v3/fund-app/mch-transfer/transfer-bills', body, environment);
    expect(signed.authorization).toMatch(
      /^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",timestamp="1741572000",serial_no="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",signature="[A-Za-z0-9+/]+={0,2}"$/,
    );
    const expectedMessage = 'POST\n/v3/fund-app/mch-transfer/transfer-bills\n1741572000\n593BEC0C930BF1AFEB40B4A08C8FB242\n{"out_bill_no":"A1"}\n';
    const verifier = createVerify('RSA-SHA256').update(expectedMessage);
    expect(verifier.verify(keys.merchant.publicKeyPem, signed.signature, 'base64')).toBe(true);
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(256); // RSA 2048
  });

  it('signs the same on the thread pool and with a key parsed once as with the PEM (PKCS#1 v1.5 is deterministic)', async () => {
    const body = '{"out_bill_no":"A1","transfer_amount":100}';
    const path = '/v3/fund-app/mch-transfer/transfer-bills';
    const reference = signRequest(merchant, 'POST', path, body, environment);
    const parsedOnce = { ...merchant, privateKey: parsePrivateKey(keys.merchant.privateKeyPem) };
    expect(await signRequestAsync(merchant, 'POST', path, body, environment)).toEqual(reference);
    expect(await signRequestAsync(parsedOnce, 'POST', path, body, environment)).toEqual(reference);
    expect(signRequest(parsedOnce, 'POST', path, body, environment)).toEqual(reference);
    const verified = verifyRequestSignature({ method: 'POST', urlPathWithQuery: path, body, authorization: reference.authorization }, merchantPublic, fixedNow);
    expect(verified).toEqual({ ok: true });
    const answer = '{"state":"SUCCESS"}';
    expect(await signResponseAsync(answer, keys.platform.privateKeyPem, keys.platform.serial, environment)).toEqual(signResponse(answer, keys.platform.privateKeyPem, keys.platform.serial, environment));
  });

  it('verifies an untouched request and rejects a tampered body, timestamp, path, key or stale time', () => {
    const body = '{"transfer_amount":100}';
    const path = '/v3/fund-app/mch-transfer/transfer-bills';
    const signed = signRequest(merchant, 'POST', path, body, environment);
    const request = { method: 'POST', urlPathWithQuery: path, body, authorization: signed.authorization };
    expect(verifyRequestSignature(request, merchantPublic, fixedNow)).toEqual({ ok: true });
    expect(verifyRequestSignature({ ...request, body: '{"transfer_amount":1000}' }, merchantPublic, fixedNow).ok).toBe(false);
    expect(verifyRequestSignature({ ...request, urlPathWithQuery: path + '?x=1' }, merchantPublic, fixedNow).ok).toBe(false);
    const shiftedTimestamp = signed.authorization.replace('timestamp="1741572000"', 'timestamp="1741572001"');
    expect(verifyRequestSignature({ ...request, authorization: shiftedTimestamp }, merchantPublic, fixedNow)).toEqual({
      ok: false,
      reason: 'signature does not verify',
    });
    expect(verifyRequestSignature(request, { ...merchantPublic, publicKeyPem: keys.stranger.publicKeyPem }, fixedNow).ok).toBe(false);
    const sixMinutesLater = new Date(fixedNow.getTime() + 6 * 60_000);
    expect(verifyRequestSignature(request, merchantPublic, sixMinutesLater)).toEqual({ ok: false, reason: 'request timestamp is stale or invalid' });
    expect(verifyRequestSignature({ ...request, authorization: undefined }, merchantPublic, fixedNow).ok).toBe(false);
  });

  it('parses the header in any parameter order and refuses malformed ones', () => {
    const reordered = 'WECHATPAY2-SHA256-RSA2048 signature="c2ln",serial_no="S",timestamp="1",nonce_str="N",mchid="M"';
    expect(parseAuthorizationHeader(reordered)).toEqual({
      ok: true,
      value: { mchid: 'M', nonceStr: 'N', timestamp: '1', serialNo: 'S', signature: 'c2ln' },
    });
    expect(parseAuthorizationHeader('Bearer abc').ok).toBe(false);
    expect(parseAuthorizationHeader('WECHATPAY2-SHA256-RSA2048 mchid="M",nonce_str="N"').ok).toBe(false);
    expect(parseAuthorizationHeader('WECHATPAY2-SHA256-RSA2048 mchid="M" junk').ok).toBe(false);
    expect(parseAuthorizationHeader('WECHATPAY2-SHA256-RSA2048 mchid="M",mchid="X",nonce_str="N",timestamp="1",serial_no="S",signature="x"').ok).toBe(false);
  });
});

describe('response verification', () => {
  const body = '{"state":"SUCCESS"}';
  const headers = signResponse(body, keys.platform.privateKeyPem, keys.platform.serial, environment);

  it('accepts a genuine response whatever the header case', () => {
    const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect(verifyResponseSignature(headerLookupFromRecord(lowered), body, platform, fixedNow)).toEqual({ ok: true });
    const message = buildResponseMessage(headers['Wechatpay-Timestamp'], headers['Wechatpay-Nonce'], body);
    expect(createVerify('RSA-SHA256').update(message).verify(keys.platform.publicKeyPem, headers['Wechatpay-Signature'], 'base64')).toBe(true);
  });

  it('rejects a tampered body or timestamp, a foreign serial, a stale timestamp and missing headers', () => {
    const lookup = headerLookupFromRecord({ ...headers });
    expect(verifyResponseSignature(lookup, '{"state":"FAIL"}', platform, fixedNow).ok).toBe(false);
    const shifted = headerLookupFromRecord({ ...headers, 'Wechatpay-Timestamp': String(Number(headers['Wechatpay-Timestamp']) + 1) });
    expect(verifyResponseSignature(shifted, body, platform, fixedNow)).toEqual({ ok: false, reason: 'response signature does not verify' });
    expect(verifyResponseSignature(lookup, body, { ...platform, serial: 'OTHER' }, fixedNow).ok).toBe(false);
    expect(verifyResponseSignature(lookup, body, platform, new Date(fixedNow.getTime() + 5 * 60_000 + 1000))).toEqual({
      ok: false,
      reason: 'response timestamp is stale or invalid',
    });
    // Exactly at the five-minute edge is still accepted.
    expect(verifyResponseSignature(lookup, body, platform, new Date(fixedNow.getTime() + 5 * 60_000)).ok).toBe(true);
    expect(verifyResponseSignature(headerLookupFromRecord({}), body, platform, fixedNow).ok).toBe(false);
  });
});

describe('user_name encryption (RSA-OAEP, SHA-1)', () => {
  it('round-trips any name, and differs between two encryptions of the same name', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (name) => {
        const cipherText = encryptSensitiveField(name, keys.platform.publicKeyPem);
        expect(decryptSensitiveField(cipherText, keys.platform.privateKeyPem)).toEqual({ ok: true, value: name });
      }),
      { numRuns: 30 },
    );
    const first = encryptSensitiveField('张三', keys.platform.publicKeyPem);
    expect(first).not.toBe(encryptSensitiveField('张三', keys.platform.publicKeyPem));
    expect(Buffer.from(first, 'base64')).toHaveLength(256);
  });

  it('is not decryptable with another key, nor as garbage', () => {
    const cipherText = encryptSensitiveField('李四', keys.platform.publicKeyPem);
    expect(decryptSensitiveField(cipherText, keys.stranger.privateKeyPem).ok).toBe(false);
    expect(decryptSensitiveField('not base64!', keys.platform.privateKeyPem).ok).toBe(false);
    expect(decryptSensitiveField(Buffer.from('李四').toString('base64'), keys.platform.privateKeyPem).ok).toBe(false);
  });
});
