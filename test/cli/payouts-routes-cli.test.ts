import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usePayoutsCliWorkspace } from '../support/payouts-cli-harness';

const harness = usePayoutsCliWorkspace('ledgerdesk-payout-routes-cli-');
const { cli, as } = harness;

interface PayoutItem {
  out_bill_no: string;
  distributor_id: string;
  method: string;
  channel: string | null;
  state: string;
}

/** A distributor the first settlement (cycle 2026-10-26..11-01) pays: settleable commissions of at least 0.10 in all. */
function paidDistributor(): string {
  const totals = new Map<string, bigint>();
  for (const commission of harness.dataset.commissions) {
    if (commission.status !== 'settleable' || commission.settleable_at === null) continue;
    if (new Date(commission.settleable_at).getTime() >= new Date('2026-11-02T00:00:00+08:00').getTime()) continue;
    const [yuan, cents = '0'] = commission.amount.split('.');
    totals.set(commission.distributor_id, (totals.get(commission.distributor_id) ?? 0n) + BigInt(yuan) * 100n + BigInt(cents.padEnd(2, '0')));
  }
  return [...totals.entries()].filter(([, total]) => total >= 10n).map(([id]) => id).sort()[0];
}

describe('ledgerdesk settle --route / payout route / payout unconfirmed (built binary)', () => {
  it('pays one distributor by bank through the export and the rest by WeChat batches; bad routes are usage errors', async () => {
    expect((await cli(['payout', 'route'])).json).toEqual({ items: [] });
    const distributor = paidDistributor();
    expect((await cli(['payout', 'route', distributor, '--route', 'cash'])).status).toBe(2);
    expect((await cli(['payout', 'route', distributor])).status).toBe(2);
    expect((await cli(['payout', 'route', distributor, '--route', 'bank', '--user', 'aud'], as('aud'))).json.error?.code).toBe('forbidden');
    expect((await cli(['payout', 'route', distributor, '--route', 'bank', '--user', 'fin'], as('fin'))).json).toEqual({ items: [{ distributor_id: distributor, route: 'bank' }] });
    expect((await cli(['settle', '--route', 'paypal'])).status).toBe(2);

    const settled = await cli(['settle', '--route', 'wechat-batches', '--submit', '--user', 'fin'], as('fin'));
    expect(settled.status).toBe(0);
    expect(settled.json).toMatchObject({ route: 'wechat-batches', export_file: expect.stringMatching(/payouts-S2026110101\.xlsx$/) });
    expect(existsSync(settled.json.export_file as string)).toBe(true);
    const payouts = settled.json.payouts as PayoutItem[];
    expect(payouts.length).toBeGreaterThan(1);
    for (const payout of payouts) {
      if (payout.distributor_id === distributor) expect(payout).toMatchObject({ method: 'bank', channel: 'file-export', state: 'processing' });
      else expect(payout).toMatchObject({ method: 'wechat', channel: 'wechat-transfer-batches', state: 'accepted' });
    }
    expect(harness.simulator.transfers.size).toBe(0);
    expect([...harness.simulator.batches.values()].reduce((count, batch) => count + batch.details.length, 0)).toBe(payouts.length - 1);
    const polled = await cli(['payouts', '--poll', '--user', 'fin'], as('fin'));
    expect((polled.json.items as PayoutItem[]).map((item) => item.state).sort()).toEqual([...Array(payouts.length - 1).fill('success'), 'processing'].sort());

    expect((await cli(['payout', 'route', distributor, '--route', 'default', '--user', 'fin'], as('fin'))).json).toEqual({ items: [] });
  });

  it('cancels unconfirmed transfers on `payouts --poll` once the policy says so; only an admin sets it', async () => {
    expect((await cli(['payout', 'unconfirmed'])).json).toEqual({ cancel_after_minutes: null });
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', 'soon'])).status).toBe(2);
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '60', '--off'])).status).toBe(2);
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '1440'])).json.error?.code).toBe('invalid_input');
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '60', '--user', 'fin'], as('fin'))).json.error?.code).toBe('forbidden');
    expect((await cli(['payout', 'unconfirmed', '--cancel-after-minutes', '60'])).json).toEqual({ cancel_after_minutes: 60 });

    harness.simulator.setBehaviour({ outcome: 'wait_user_confirm' });
    const settled = await cli(['settle', '--submit']);
    const payouts = settled.json.payouts as PayoutItem[];
    expect(payouts.every((payout) => payout.state === 'wait_user_confirm')).toBe(true);
    // 59 minutes later nothing is cancelled; 61 minutes later every waiting transfer is.
    const early = await cli(['payouts', '--poll'], { LEDGERDESK_FIXED_NOW: '2026-11-03T02:59:00.000Z' });
    expect((early.json.items as PayoutItem[]).every((item) => item.state === 'wait_user_confirm')).toBe(true);
    const late = await cli(['payouts', '--poll'], { LEDGERDESK_FIXED_NOW: '2026-11-03T03:01:00.000Z' });
    expect((late.json.items as PayoutItem[]).every((item) => item.state === 'cancelled')).toBe(true);
    expect([...harness.simulator.transfers.values()].every((transfer) => transfer.state === 'CANCELLED')).toBe(true);
    expect((await cli(['payout', 'unconfirmed', '--off'])).json).toEqual({ cancel_after_minutes: null });
  });
});
