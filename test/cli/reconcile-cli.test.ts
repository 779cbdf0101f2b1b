import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wechatTradeBill } from '../../electron/core/channels/bill-writers';
import { openWorkspace } from '../../electron/core/workspace';
import { runCli } from '../support/run-cli';

let directory: string;
let env: Record<string, string>;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-reconcile-cli-'));
  env = { LEDGERDESK_PASSPHRASE: 'cli test passphrase', LEDGERDESK_USER_PASSWORD: 'admin-password-1', LEDGERDESK_WORKSPACE: join(directory, 'books.ldw') };
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

/** The mall's daily summaries for October with zero GMV, as a sync of an empty mall would leave them. */
function zeroMallSummaries(): void {
  const workspace = openWorkspace({ path: env.LEDGERDESK_WORKSPACE, passphrase: env.LEDGERDESK_PASSPHRASE });
  try {
    const insert = workspace.sqlite.prepare(
      `INSERT INTO mall_daily_summaries (date, gmv_fen, order_count, paid_amount_fen, refund_amount_fen, refund_count, topup_amount_fen, fetched_at)
       VALUES (?, 0, 0, 0, 0, 0, 0, '2026-11-01T00:00:00Z')`,
    );
    for (let day = 1; day <= 31; day += 1) insert.run(`2026-10-${String(day).padStart(2, '0')}`);
  } finally {
    workspace.close();
  }
}

describe('ledgerdesk reconcile / discrepancies / discrepancy resolve / close / reopen', () => {
  it('flags a payment the mall does not know, resolves it with a write-off, closes and reopens the month', () => {
    expect(runCli(['init', '--books-start', '2026-10-01'], env).status).toBe(0);
    const bill = join(directory, 'wechat.csv');
    writeFileSync(
      bill,
      wechatTradeBill('ALL', [
        { time: '2026-10-05 10:00:00', tradeNo: '4200000001', orderNo: 'SO100', status: 'SUCCESS', settledFen: 2990, orderFen: 2990, feeFen: 18 },
        { time: '2026-10-06 10:00:00', tradeNo: '4200000002', orderNo: 'SO101', status: 'SUCCESS', settledFen: 10000, orderFen: 10000, feeFen: 60 },
      ]),
    );
    expect(runCli(['import', bill, '--json'], env).status).toBe(0);

    const reconcile = runCli(['reconcile', '--from', '2026-10-01', '--to', '2026-10-31', '--json'], env);
    expect(reconcile.status).toBe(0);
    expect(reconcile.json).toMatchObject({ matched: 0, pending: 0, open_discrepancies: 2, discrepancy_rate: '1' });
    expect((reconcile.json.by_category as Record<string, number>).missing_in_mall).toBe(2);

    const listed = runCli(['discrepancies', '--json'], env);
    const items = listed.json.items as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      category: 'missing_in_mall', channel: 'wechat', order_no: 'SO100', refund_no: null, channel_trade_no: '4200000001',
      mall_amount: null, channel_amount: '29.90', difference: '29.90', business_date: '2026-10-05', status: 'open',
    });

    zeroMallSummaries();
    const blocked = runCli(['close', '2026-10', '--json'], env);
    expect(blocked.status).toBe(1);
    expect(blocked.json.error).toMatchObject({ code: 'close_blocked', message: expect.stringContaining('discrepancy rate 1 is not below 0.001') });
    expect((blocked.json.error as unknown as { details: Record<string, unknown> }).details).toMatchObject({ month: '2026-10', openDiscrepancies: 2 });

    expect(runCli(['discrepancy', 'resolve', String(items[0].id), '--resolution', 'write_off', '--json'], env).status).toBe(2);
    expect(runCli(['discrepancy', 'resolve', String(items[0].id), '--resolution', 'shrug', '--note', 'x', '--json'], env).status).toBe(2);
    const resolved = runCli(['discrepancy', 'resolve', `${items[0].id},${items[1].id}`, '--resolution', 'write_off', '--note', 'test payments, kept by the merchant', '--json'], env);
    expect(resolved.status).toBe(0);
    const adjustments = resolved.json.resolved as { id: number; adjustment_entry_no: string }[];
    expect(adjustments.map((item) => item.adjustment_entry_no)).toEqual([expect.stringMatching(/^LD202610-/), expect.stringMatching(/^LD202610-/)]);
    const adjustment = runCli(['ledger', 'find', adjustments[0].adjustment_entry_no, '--json'], env).json.entries as { type: string; postings: { account: string; debit: string; credit: string }[] }[];
    expect(adjustment[0].type).toBe('adjustment');
    expect(adjustment[0].postings).toEqual([
      expect.objectContaining({ account: '1121', debit: '29.90', credit: '0.00' }),
      expect.objectContaining({ account: '6051', debit: '0.00', credit: '29.90' }),
    ]);
    expect(runCli(['discrepancy', 'resolve', String(items[0].id), '--resolution', 'timing', '--note', 'again', '--json'], env).json.error?.code).toBe('conflict');
    expect((runCli(['discrepancies', '--status', 'resolved', '--json'], env).json.items as unknown[]).length).toBe(2);
    expect((runCli(['discrepancies', '--json'], env).json.items as unknown[]).length).toBe(0);

    const closed = runCli(['close', '2026-10', '--json'], env);
    expect(closed.status).toBe(0);
    expect(closed.json).toMatchObject({ month: '2026-10', closed: true, discrepancy_rate: '0', gmv_difference: '0.00' });

    expect(runCli(['reopen', '2026-10', '--json'], env).status).toBe(2);
    expect(runCli(['reopen', '2026-10', '--reason', 'late bill', '--json'], env).json.error?.code).toBe('forbidden');
    expect(runCli(['user', 'add', 'fiona', '--role', 'finance', '--password-env', 'FIONA_PASSWORD'], { ...env, FIONA_PASSWORD: 'finance-password-1' }).status).toBe(0);
    const reopened = runCli(['reopen', '2026-10', '--reason', 'late bill', '--user', 'fiona', '--json'], { ...env, LEDGERDESK_USER_PASSWORD: 'finance-password-1' });
    expect(reopened.status).toBe(0);
    expect(reopened.json).toMatchObject({ month: '2026-10', status: 'open', reopened_by: 'fiona', reason: 'late bill' });
  }, 300_000);
});
