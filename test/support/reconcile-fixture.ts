import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Actor } from '../../electron/core/auth';
import { wechatTradeBill } from '../../electron/core/channels/bill-writers';
import { importChannelFiles } from '../../electron/core/imports';
import { upsertDocument } from '../../electron/core/mall/sync/store';
import type { TempWorkspace } from './temp-workspace';

/** Small reconciliation scenarios: a WeChat bill imported, and orders stored as the sync stores them. */
export const reconcileAdmin: Actor = { userName: 'admin', role: 'admin' };

export async function importWechatBill(temp: TempWorkspace, name: string, rows: Parameters<typeof wechatTradeBill>[1]): Promise<void> {
  const path = join(temp.directory, name);
  writeFileSync(path, wechatTradeBill('ALL', rows));
  const [result] = await importChannelFiles(temp.workspace, [path], { actor: reconcileAdmin });
  expect(result.error).toBeNull();
}

/** An order paid through WeChat on 2026-10-05, written by the sync's own store (with its reconciliation keys). */
export function storeMallOrder(temp: TempWorkspace, order: { id: string; orderNo: string; tradeNo: string; paidAmount: string; version?: number }): void {
  const version = order.version ?? 1;
  const record = {
    id: order.id,
    order_no: order.orderNo,
    member_id: 'm1',
    status: 'paid',
    paid_at: '2026-10-05T10:00:00+08:00',
    paid_amount: order.paidAmount,
    pay_channel: 'wechat',
    channel_trade_no: order.tradeNo,
    updated_at: '2026-10-05T02:00:00Z',
    version,
  };
  upsertDocument(temp.workspace.sqlite, 'orders', record, JSON.stringify(record), new Date('2026-10-05T02:00:00Z'));
}
