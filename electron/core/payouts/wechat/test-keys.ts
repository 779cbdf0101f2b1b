/**
 * RSA 2048 key pairs for tests: one for the merchant (signs requests), one for the platform
 * (signs responses, decrypts user_name). Generated once per test worker and cached, because
 * RSA key generation is the slowest thing these tests do.
 */
import { generateKeyPairSync } from 'node:crypto';

export interface TestKeyPair {
  publicKeyPem: string;
  /** PKCS#8, like apiclient_key.pem. */
  privateKeyPem: string;
}

export interface WechatPayTestKeyKit {
  merchant: TestKeyPair & { mchid: string; serialNo: string };
  platform: TestKeyPair & { serial: string };
  /** A third pair that neither side knows, for "wrong key" tests. */
  stranger: TestKeyPair;
}

function generateRsa2048(): TestKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

let cachedKit: WechatPayTestKeyKit | null = null;

export function wechatPayTestKeys(): WechatPayTestKeyKit {
  if (!cachedKit) {
    cachedKit = {
      merchant: { ...generateRsa2048(), mchid: '1900000001', serialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1' },
      platform: { ...generateRsa2048(), serial: 'PUB_KEY_ID_0114232134912410000000000000' },
      stranger: generateRsa2048(),
    };
  }
  return cachedKit;
}
