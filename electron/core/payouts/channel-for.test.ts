import { describe, expect, it } from 'vitest';
import { payoutColumnsOfRoute, PAYOUT_ROUTES } from '../commissions/settle';
import type { FileExportChannel } from './file-export';
import { WECHAT_CHANNEL_NAME_BY_API, type ConfiguredPayoutChannels } from './merchant-config';
import type { PayoutChannel } from './payout-channel';
import { channelFor } from './payout-runner';

function stub(name: string): PayoutChannel {
  return { name, submit: async () => [], query: async () => [] };
}

const file = stub('file-export') as FileExportChannel;
const transferBills = stub(WECHAT_CHANNEL_NAME_BY_API['transfer-bills']);
const batches = stub(WECHAT_CHANNEL_NAME_BY_API.batches);
const configured: ConfiguredPayoutChannels = { wechat: transferBills, file, wechatByApi: { 'transfer-bills': transferBills, batches } };

describe('channelFor', () => {
  it('sends every route to the channel it names', () => {
    const expected: Record<(typeof PAYOUT_ROUTES)[number], PayoutChannel> = {
      wechat: transferBills,
      'wechat-transfer-bills': transferBills,
      'wechat-batches': batches,
      bank: file,
      alipay: file,
    };
    for (const route of PAYOUT_ROUTES) {
      expect(channelFor(configured, { ...payoutColumnsOfRoute(route), outBillNo: 'P1' }), route).toBe(expected[route]);
    }
  });

  it('a payout fixed to an API the channel set lacks is an error, never silently the other API', () => {
    const handBuilt: ConfiguredPayoutChannels = { wechat: transferBills, file };
    expect(channelFor(handBuilt, { method: 'wechat', channel: null, outBillNo: 'P1' })).toBe(transferBills);
    expect(() => channelFor(handBuilt, { method: 'wechat', channel: WECHAT_CHANNEL_NAME_BY_API.batches, outBillNo: 'P1' })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => channelFor({ wechat: null, file }, { method: 'wechat', channel: null, outBillNo: 'P1' })).toThrow(/payout config/);
    expect(channelFor({ wechat: null, file }, { method: 'bank', channel: null, outBillNo: 'P1' })).toBe(file);
  });
});
