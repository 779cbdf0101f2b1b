/**
 * Test wiring: a simulator and client configuration that share one movable clock and the cached
 * test keys. Used by the tests of this folder and of the payout channels.
 */
import type { WechatPayApiConfig } from './api-client';
import { startWechatPaySimulator, type WechatPaySimulator } from './simulator';
import { wechatPayTestKeys } from './test-keys';

export interface TestClock {
  now: () => Date;
  advance(milliseconds: number): void;
}

export function createTestClock(startIso = '2025-03-10T02:00:00Z'): TestClock {
  let current = new Date(startIso).getTime();
  return {
    now: () => new Date(current),
    advance: (milliseconds) => {
      current += milliseconds;
    },
  };
}

export function startTestSimulator(clock: TestClock): Promise<WechatPaySimulator> {
  const keys = wechatPayTestKeys();
  return startWechatPaySimulator({
    port: 0,
    merchant: { mchid: keys.merchant.mchid, merchantPublicKeyPem: keys.merchant.publicKeyPem, serial: keys.merchant.serialNo },
    platformPrivateKeyPem: keys.platform.privateKeyPem,
    platformSerial: keys.platform.serial,
    clock: clock.now,
  });
}

export function testApiConfig(simulator: WechatPaySimulator, clock: TestClock, overrides: Partial<WechatPayApiConfig> = {}): WechatPayApiConfig {
  const keys = wechatPayTestKeys();
  let nonceCounter = 0;
  return {
    baseUrl: simulator.url,
    merchant: { mchid: keys.merchant.mchid, serialNo: keys.merchant.serialNo, privateKeyPem: keys.merchant.privateKeyPem },
    platform: { serial: keys.platform.serial, publicKeyPem: keys.platform.publicKeyPem },
    timeoutMs: 2000,
    retryCountMax: 2,
    retryDelayMs: () => 0,
    environment: { now: clock.now, nonce: () => `TESTNONCE${(nonceCounter += 1).toString().padStart(8, '0')}` },
    ...overrides,
  };
}
