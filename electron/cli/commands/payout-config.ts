import { readFile } from 'node:fs/promises';
import { requirePermission } from '../../core/auth';
import { LedgerdeskError } from '../../core/errors';
import { saveWechatPayoutConfig, type WechatPayoutApi } from '../../core/payouts';
import { stringOption, type CommandDefinition } from '../command';

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new LedgerdeskError('invalid_input', `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export const payoutConfigCommand: CommandDefinition = {
  words: ['payout', 'config'],
  usage: 'payout config --wechat-url URL --mchid ID --appid ID --serial NO --key-file PEM --platform-key-file PEM [--platform-serial ID] [--api transfer-bills|batches]',
  summary: 'WeChat Pay merchant settings for payouts (the key is stored encrypted)',
  options: {
    'wechat-url': { type: 'string' },
    mchid: { type: 'string' },
    appid: { type: 'string' },
    serial: { type: 'string' },
    'key-file': { type: 'string' },
    'platform-key-file': { type: 'string' },
    'platform-serial': { type: 'string' },
    api: { type: 'string' },
  },
  async run(context, args) {
    const required = ['wechat-url', 'mchid', 'appid', 'serial', 'key-file', 'platform-key-file'] as const;
    const missing = required.filter((name) => !stringOption(args, name));
    if (missing.length > 0) throw new LedgerdeskError('usage', `payout config needs ${missing.map((name) => `--${name}`).join(', ')}`);
    const api = (stringOption(args, 'api') ?? 'transfer-bills') as WechatPayoutApi;
    if (api !== 'transfer-bills' && api !== 'batches') throw new LedgerdeskError('usage', '--api is transfer-bills or batches');
    const merchantPrivateKeyPem = await readPem(stringOption(args, 'key-file')!, 'merchant key file');
    const platformKeyPem = await readPem(stringOption(args, 'platform-key-file')!, 'platform key file');
    const workspace = await context.openWorkspace();
    try {
      const actor = await context.actor(workspace);
      requirePermission(actor, 'settings.change');
      const settings = saveWechatPayoutConfig(workspace, actor.userName, {
        baseUrl: stringOption(args, 'wechat-url')!,
        mchid: stringOption(args, 'mchid')!,
        appid: stringOption(args, 'appid')!,
        serialNo: stringOption(args, 'serial')!,
        api,
        merchantPrivateKeyPem,
        platformKeyPem,
        platformSerial: stringOption(args, 'platform-serial'),
      });
      context.say(`WeChat Pay payouts configured: ${settings.baseUrl}, mchid ${settings.mchid}, ${settings.api} (merchant key stored encrypted).`);
      return { ok: true, wechat_url: settings.baseUrl, mchid: settings.mchid, appid: settings.appid, api: settings.api, platform_serial: settings.platformSerial };
    } finally {
      workspace.close();
    }
  },
};
