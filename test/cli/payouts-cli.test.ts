import { describe, expect, it } from 'vitest';
import { yuanToFen } from '../../electron/core/money';
import { usePayoutsCliWorkspace } from '../support/payouts-cli-harness';

const harness = usePayoutsCliWorkspace('ledgerdesk-payouts-cli-');
const { cli, as } = harness;

describe('ledgerdesk settle / payouts / withdrawals (built binary)', () => {
  it('settles and pays a cycle, lists payouts, and refuses bad input with usage errors', async () => {
    expect((await cli(['settle', '--cycle-end', 'soon'])).status).toBe(2);
    expect((await cli(['settle', '--user', 'aud'], as('aud'))).json.error?.code).toBe('forbidden');
    const settled = await cli(['settle', '--submit']);
    expect(settled.status).toBe(0);
    expect(settled.json).toMatchObject({ settlement_no: 'S2026110101', cycle: { start: '2026-10-26', end: '2026-11-01' } });
    const payouts = settled.json.payouts as { distributor_id: string; amount: string; commission_count: number; out_bill_no: string; state: string }[];
    expect(payouts.length).toBeGreaterThan(0);
    expect(payouts.every((payout) => payout.state === 'success' && /^\d+\.\d{2}$/.test(payout.amount) && payout.commission_count > 0)).toBe(true);
    expect(harness.simulator.transfers.size).toBe(payouts.length);
    expect(harness.mall.writes.filter((write) => write.path === '/v1/commission-settlements' && write.status === 200)).toHaveLength(payouts.length);
    const listed = await cli(['payouts', '--user', 'aud'], as('aud'));
    expect((listed.json.items as { out_bill_no: string; state: string }[]).map((item) => item.out_bill_no)).toEqual(payouts.map((payout) => payout.out_bill_no));
    expect((await cli(['settle'])).json.payouts).toEqual([]);
  });

  it('two-tier review from the command line, with the identity check, payment and write-back', async () => {
    const list = await cli(['withdrawals', '--status', 'submitted']);
    const items = list.json.items as { withdrawal_no: string; member_id: string; amount: string; status: string; tier1_by: string | null; tier2_by: string | null }[];
    const large = items.find((item) => yuanToFen(item.amount) >= 1_000_000)!;
    expect(large).toMatchObject({ status: 'submitted', tier1_by: null, tier2_by: null });
    expect((await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--user', 'aud'], as('aud'))).json.error?.code).toBe('forbidden');
    expect((await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'maybe', '--user', 'ops'], as('ops'))).status).toBe(2);
    expect((await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--user', 'ops'], as('ops'))).json).toMatchObject({ withdrawal_no: large.withdrawal_no, status: 'tier1_approved' });
    const refused = await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--user', 'fin'], as('fin'));
    expect(refused.status).toBe(1);
    expect(refused.json.error).toMatchObject({ code: 'invalid_input', details: { real_name: expect.any(String), history: { member_id: large.member_id, commission_count: expect.any(Number) } } });
    const approved = await cli(['withdrawal', 'review', large.withdrawal_no, '--decision', 'approve', '--confirm-identity', '--user', 'fin'], as('fin'));
    expect(approved.json).toMatchObject({ withdrawal_no: large.withdrawal_no, status: 'approved', out_bill_no: `W${large.withdrawal_no}`, history: { member_id: large.member_id }, write_back: { sent: 1 } });
    expect(harness.mall.writes.at(-1)).toMatchObject({ path: expect.stringMatching(/\/decision$/), idempotencyKey: expect.stringMatching(/^withdrawal-decision-/), body: { decision: 'approve', reviewed_by: ['ops', 'fin'] } });
    const paid = await cli(['payouts', '--submit', '--poll', '--user', 'fin'], as('fin'));
    const mine = (paid.json.items as { out_bill_no: string; state: string }[]).find((item) => item.out_bill_no === `W${large.withdrawal_no}`);
    expect(mine?.state).toBe('success');
    expect(harness.mall.writes.at(-1)).toMatchObject({ path: expect.stringMatching(/\/payout-result$/), status: 200, body: { status: 'paid' } });
    const after = await cli(['withdrawals', '--status', 'paid']);
    expect(after.json.items).toEqual([expect.objectContaining({ withdrawal_no: large.withdrawal_no, tier1_by: 'ops', tier2_by: 'fin' })]);
  });

  it('a process killed between send and answer: the next `payouts --poll` finds the transfers, nothing is paid twice', async () => {
    harness.simulator.setBehaviour({ hangAfterCreateRemaining: 1_000_000 });
    let killed = false;
    const crashed = await cli(['settle', '--submit'], { LEDGERDESK_PAYOUT_TIMEOUT_MS: '120000' }, (child) => {
      const timer = setInterval(() => {
        // Every transfer reached the simulator; no answer came back yet: kill -9.
        if (harness.simulator.transfers.size > 0 && harness.simulator.requestCount >= harness.simulator.transfers.size && harness.simulator.transfers.size === expectedCount()) {
          clearInterval(timer);
          killed = child.kill('SIGKILL');
        }
      }, 20);
    });
    expect(killed).toBe(true);
    expect(crashed.status).toBe(null);
    const sent = harness.simulator.transfers.size;
    harness.simulator.setBehaviour({ hangAfterCreateRemaining: 0 });
    const listed = await cli(['payouts']);
    expect((listed.json.items as { state: string; attempts: number }[]).every((item) => item.state === 'created' && item.attempts === 1)).toBe(true);
    const polled = await cli(['payouts', '--poll']);
    expect((polled.json.items as { state: string }[]).every((item) => item.state === 'success')).toBe(true);
    await cli(['payouts', '--submit', '--poll']);
    expect(harness.simulator.transfers.size).toBe(sent);
  });
});

/** The number of distributors the first settlement pays (settleable commissions, at least 0.10 each). */
function expectedCount(): number {
  const totals = new Map<string, bigint>();
  for (const commission of harness.dataset.commissions) {
    if (commission.status !== 'settleable' || commission.settleable_at === null) continue;
    if (new Date(commission.settleable_at).getTime() >= new Date('2026-11-02T00:00:00+08:00').getTime()) continue;
    const [yuan, cents = '0'] = commission.amount.split('.');
    totals.set(commission.distributor_id, (totals.get(commission.distributor_id) ?? 0n) + BigInt(yuan) * 100n + BigInt(cents.padEnd(2, '0')));
  }
  return [...totals.values()].filter((total) => total >= 10n).length;
}
