/**
 * WeChat Pay merchant settings for payouts. The merchant's API private key is a secret (sealed in
 * the workspace's secrets table); everything else is a plain setting. Building a channel from
 * them is the only way the payout runner reaches WeChat.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { dirname, join } from 'node:path';
import { appendAudit } from '../audit/audit-log';
import { LedgerdeskError } from '../errors';
import { readSecret, readSetting, storeSecret, writeSetting } from '../workspace/secrets';
import type { Workspace } from '../workspace/workspace';
import { createFileExportChannel, type FileExportChannel } from './file-export';
import type { PayoutChannel } from './payout-channel';
import type { WechatPayApiConfig } from './wechat/api-client';
import type { SigningEnvironment } from './wechat/signing';
import { createBatchesChannel } from './wechat/batches-channel';
import { createBatchesClient } from './wechat/batches-client';
import { createTransferBillsChannel } from './wechat/transfer-bills-channel';
import { createTransferBillsClient, type SceneReportInfo } from './wechat/transfer-bills-client';
import { createWorkspaceBatchIndex } from './workspace-batch-index';

export type WechatPayoutApi = 'transfer-bills' | 'batches';

export interface WechatPayoutSettings {
  baseUrl: string;
  mchid: string;
  appid: string;
  /** Merchant API certificate serial (serial_no in Authorization). */
  serialNo: string;
  /** Platform certificate serial or WeChat Pay public-key id (Wechatpay-Serial). */
  platformSerial: string;
  platformPublicKeyPem: string;
  api: WechatPayoutApi;
  transferSceneId: string;
  sceneReportInfos: SceneReportInfo[];
}

export interface WechatPayoutConfigInput extends Omit<WechatPayoutSettings, 'platformSerial' | 'platformPublicKeyPem' | 'transferSceneId' | 'sceneReportInfos'> {
  merchantPrivateKeyPem: string;
  /** A PEM public key or X.509 certificate. */
  platformKeyPem: string;
  /** Required for a bare public key; taken from the certificate otherwise. */
  platformSerial?: string;
  transferSceneId?: string;
  sceneReportInfos?: SceneReportInfo[];
}

export const WECHAT_PAYOUT_SETTINGS_KEY = 'payouts.wechat';
export const MERCHANT_PRIVATE_KEY_SECRET = 'payouts.wechat.merchant_private_key';
/** 佣金报酬 (commission) scene; its report infos are fixed per scene. */
export const DEFAULT_TRANSFER_SCENE_ID = '1005';
export const DEFAULT_SCENE_REPORT_INFOS: SceneReportInfo[] = [
  { infoType: '岗位类型', infoContent: '分销员' },
  { infoType: '报酬说明', infoContent: '分销佣金' },
];

function invalid(message: string): never {
  throw new LedgerdeskError('invalid_input', message);
}

/** Checks and normalises the input; bad keys and URLs are typed errors, never crashes. */
export function checkWechatPayoutConfig(input: WechatPayoutConfigInput): { settings: WechatPayoutSettings; merchantPrivateKeyPem: string } {
  let url: URL;
  try {
    url = new URL(input.baseUrl);
  } catch {
    invalid(`"${input.baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid('the WeChat Pay URL must be http(s)');
  if (!/^\d{6,16}$/.test(input.mchid)) invalid(`mchid "${input.mchid}" must be 6-16 digits`);
  if (!/^[0-9A-Za-z_]{1,32}$/.test(input.appid)) invalid(`appid "${input.appid}" is not an app id`);
  if (!/^[0-9A-Za-z_]{1,64}$/.test(input.serialNo)) invalid(`serial "${input.serialNo}" is not a certificate serial number`);
  if (input.api !== 'transfer-bills' && input.api !== 'batches') invalid(`api must be transfer-bills or batches`);
  try {
    const key = createPrivateKey(input.merchantPrivateKeyPem);
    if (key.asymmetricKeyType !== 'rsa') invalid('the merchant key must be an RSA private key');
  } catch (error) {
    if (error instanceof LedgerdeskError) throw error;
    invalid('the merchant key file is not a PEM private key (apiclient_key.pem)');
  }
  let platformPublicKeyPem: string;
  let platformSerial = input.platformSerial;
  try {
    if (input.platformKeyPem.includes('BEGIN CERTIFICATE')) {
      const certificate = new X509Certificate(input.platformKeyPem);
      platformPublicKeyPem = certificate.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      platformSerial ??= certificate.serialNumber;
    } else {
      platformPublicKeyPem = createPublicKey(input.platformKeyPem).export({ type: 'spki', format: 'pem' }).toString();
    }
  } catch {
    invalid('the platform key file is not a PEM public key or certificate');
  }
  if (!platformSerial) invalid('a bare platform public key needs --platform-serial (the WeChat Pay public-key id)');
  return {
    settings: {
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      mchid: input.mchid,
      appid: input.appid,
      serialNo: input.serialNo,
      platformSerial,
      platformPublicKeyPem,
      api: input.api,
      transferSceneId: input.transferSceneId ?? DEFAULT_TRANSFER_SCENE_ID,
      sceneReportInfos: input.sceneReportInfos ?? DEFAULT_SCENE_REPORT_INFOS,
    },
    merchantPrivateKeyPem: input.merchantPrivateKeyPem,
  };
}

export function saveWechatPayoutConfig(workspace: Workspace, userName: string, input: WechatPayoutConfigInput): WechatPayoutSettings {
  const { settings, merchantPrivateKeyPem } = checkWechatPayoutConfig(input);
  const now = workspace.clock.now();
  workspace.sqlite.transaction(() => {
    writeSetting(workspace.sqlite, WECHAT_PAYOUT_SETTINGS_KEY, settings, userName, now);
    storeSecret(workspace.sqlite, workspace.secrets, MERCHANT_PRIVATE_KEY_SECRET, merchantPrivateKeyPem, now);
    appendAudit(
      workspace.sqlite,
      {
        userName,
        action: 'payouts.config',
        objectType: 'settings',
        objectId: WECHAT_PAYOUT_SETTINGS_KEY,
        detail: { baseUrl: settings.baseUrl, mchid: settings.mchid, appid: settings.appid, serialNo: settings.serialNo, api: settings.api, platformSerial: settings.platformSerial },
      },
      now,
    );
  })();
  return settings;
}

export function readWechatPayoutSettings(workspace: Workspace): WechatPayoutSettings | null {
  return readSetting<WechatPayoutSettings | null>(workspace.sqlite, WECHAT_PAYOUT_SETTINGS_KEY, null);
}

export interface PayoutChannelOptions {
  /** Transfers in flight at once (transfer-bills). Default 8. */
  concurrency?: number;
  timeoutMs?: number;
  retryCountMax?: number;
  retryDelayMs?: (attempt: number) => number;
  /** Clock and nonces for signing; tests share one clock with the simulator. */
  environment?: SigningEnvironment;
  /** Where payouts by bank / Alipay are exported. Default: payout-exports next to the workspace. */
  exportDirectory?: string;
}

export interface ConfiguredPayoutChannels {
  /** null until `payout config` has run: the API the merchant settings name (the default route). */
  wechat: PayoutChannel | null;
  file: FileExportChannel;
  /**
   * Both WeChat APIs over the same merchant credentials, for payouts whose settlement chose one
   * explicitly (payouts.channel). Absent in hand-built channel sets: then only `wechat` is used.
   */
  wechatByApi?: Partial<Record<WechatPayoutApi, PayoutChannel>>;
}

/** The PayoutChannel name of each WeChat API (stored in payouts.channel). */
export const WECHAT_CHANNEL_NAME_BY_API: Record<WechatPayoutApi, string> = {
  'transfer-bills': 'wechat-transfer-bills',
  batches: 'wechat-transfer-batches',
};

export function wechatApiConfig(workspace: Workspace, settings: WechatPayoutSettings, options: PayoutChannelOptions = {}): WechatPayApiConfig {
  const privateKeyPem = readSecret(workspace.sqlite, workspace.secrets, MERCHANT_PRIVATE_KEY_SECRET);
  if (!privateKeyPem) throw new LedgerdeskError('invalid_input', 'the merchant key is missing: run payout config');
  return {
    baseUrl: settings.baseUrl,
    merchant: { mchid: settings.mchid, serialNo: settings.serialNo, privateKeyPem },
    platform: { serial: settings.platformSerial, publicKeyPem: settings.platformPublicKeyPem },
    timeoutMs: options.timeoutMs ?? 15_000,
    retryCountMax: options.retryCountMax ?? 2,
    retryDelayMs: options.retryDelayMs,
    environment: options.environment,
  };
}

export function createConfiguredPayoutChannels(workspace: Workspace, options: PayoutChannelOptions = {}): ConfiguredPayoutChannels {
  const now = () => workspace.clock.now();
  const settings = readWechatPayoutSettings(workspace);
  let wechat: PayoutChannel | null = null;
  let wechatByApi: Partial<Record<WechatPayoutApi, PayoutChannel>> | undefined;
  if (settings) {
    const config = wechatApiConfig(workspace, settings, options);
    const byApi: Record<WechatPayoutApi, PayoutChannel> = {
      batches: createBatchesChannel({
        client: createBatchesClient(config),
        appid: settings.appid,
        batchName: '分销佣金结算',
        batchRemark: '分销佣金',
        transferSceneId: settings.transferSceneId,
        index: createWorkspaceBatchIndex(workspace.sqlite),
        now,
      }),
      'transfer-bills': createTransferBillsChannel({
        client: createTransferBillsClient(config),
        appid: settings.appid,
        transferSceneId: settings.transferSceneId,
        sceneReportInfos: settings.sceneReportInfos,
        // 8 in flight: the RSA signatures run on the thread pool, so a few requests sign while others
        // travel; more only queue on 2 cores.
        concurrency: options.concurrency ?? 8,
        now,
      }),
    };
    wechat = byApi[settings.api];
    wechatByApi = byApi;
  }
  const file = createFileExportChannel({
    directory: options.exportDirectory ?? join(dirname(workspace.path), 'payout-exports'),
    now,
    payeeOf: (request) => ({ payeeName: request.payeeRealName ?? '', account: request.payeeOpenid ?? '' }),
  });
  return wechatByApi ? { wechat, file, wechatByApi } : { wechat, file };
}
