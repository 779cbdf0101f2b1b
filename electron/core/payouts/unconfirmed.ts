/**
 * Transfers waiting for the payee's confirmation (WAIT_USER_CONFIRM) expire at WeChat 24 h after
 * creation. A merchant may prefer to cancel them itself a little earlier (cancel endpoint,
 * FORMATS.md 1.5), so the money is back in commission payable / the member's sub-ledger at a time
 * it chose and the commissions are in the next cycle rather than in limbo until WeChat expires them.
 *
 * Off unless configured: `payouts.cancel_unconfirmed_after_minutes`, counted from the payout's first
 * submission (never later than WeChat's own creation time, so the cancel always comes before the
 * expiry). A cancel the channel refuses (the payee confirmed meanwhile) books whatever the channel
 * now reports, e.g. success.
 */
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth/users';
import { LedgerdeskError } from '../errors';
import { readSetting, writeSetting } from '../workspace/secrets';
import type { Workspace } from '../workspace/workspace';
import type { ConfiguredPayoutChannels } from './merchant-config';
import type { PayoutStatus } from './payout-channel';
import { applyPayoutStatuses, channelFor } from './payout-runner';
import { listPayouts, type PayoutRecord } from './payout-store';
import { USER_CONFIRMATION_WINDOW_MS } from './wechat/transfer-rules';

export const CANCEL_UNCONFIRMED_SETTING = 'payouts.cancel_unconfirmed_after_minutes';

/** A cancel must reach WeChat before its own expiry: at most 23 h 50 min after submission. */
export const CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX = USER_CONFIRMATION_WINDOW_MS / 60_000 - 10;

/** Minutes after the first submission at which unconfirmed transfers are cancelled, or null (off: WeChat expires them). */
export function readCancelUnconfirmedAfterMinutes(sqlite: Workspace['sqlite']): number | null {
  const value = readSetting<number | null>(sqlite, CANCEL_UNCONFIRMED_SETTING, null);
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX ? value : null;
}

/** Turns the policy on (1..1430 minutes) or off (null): a settings change. Bad input is a typed error. */
export function writeCancelUnconfirmedAfterMinutes(workspace: Workspace, actor: Actor, minutes: number | null): void {
  requirePermission(actor, 'settings.change');
  const userName = actor.userName;
  if (minutes !== null && (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX)) {
    throw new LedgerdeskError('invalid_input', `cancel unconfirmed transfers after 1-${CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX} minutes (WeChat expires them after 24 h)`);
  }
  const now = workspace.clock.now();
  workspace.sqlite.transaction(() => {
    writeSetting(workspace.sqlite, CANCEL_UNCONFIRMED_SETTING, minutes, userName, now);
    appendAudit(workspace.sqlite, { userName, action: 'payouts.cancel_unconfirmed_policy', objectType: 'settings', objectId: CANCEL_UNCONFIRMED_SETTING, detail: { minutes } }, now);
  })();
}

/** Open WeChat payouts still waiting for the payee, first sent at or before `submittedBefore`. */
export function overdueUnconfirmedPayouts(sqlite: Workspace['sqlite'], submittedBefore: Date): PayoutRecord[] {
  const rows = sqlite
    .prepare(
      `SELECT out_bill_no FROM payouts
       WHERE finished_at IS NULL AND method = 'wechat' AND state = 'wait_user_confirm' AND first_submitted_at IS NOT NULL AND first_submitted_at <= ?
       ORDER BY id`,
    )
    .all(submittedBefore.toISOString()) as { out_bill_no: string }[];
  return rows.length === 0 ? [] : listPayouts(sqlite, { outBillNos: rows.map((row) => row.out_bill_no) });
}

export interface CancelUnconfirmedResult {
  /** Payouts a cancel was requested for, with the state booked afterwards. */
  payouts: PayoutRecord[];
}

/**
 * Cancels every open transfer still in WAIT_USER_CONFIRM that was first sent `afterMinutes` ago
 * or longer (default: the configured policy; nothing when it is off) and books the outcome: the
 * money returns and the commissions go to the next cycle, or, when the payee confirmed first, it
 * is booked paid.
 */
export async function cancelUnconfirmedPayouts(
  workspace: Workspace,
  userName: string,
  channels: ConfiguredPayoutChannels,
  options: { afterMinutes?: number } = {},
): Promise<CancelUnconfirmedResult> {
  const afterMinutes = options.afterMinutes ?? readCancelUnconfirmedAfterMinutes(workspace.sqlite);
  if (afterMinutes === null) return { payouts: [] };
  if (!Number.isSafeInteger(afterMinutes) || afterMinutes < 0) throw new LedgerdeskError('invalid_input', `afterMinutes ${afterMinutes} is not a whole number of minutes`);
  const now = workspace.clock.now();
  const overdue = overdueUnconfirmedPayouts(workspace.sqlite, new Date(now.getTime() - afterMinutes * 60_000));
  const statuses: PayoutStatus[] = [];
  for (const payout of overdue) {
    const channel = channelFor(channels, payout);
    // The legacy batches have no user confirmation and no cancel: nothing to do there.
    if (!channel.cancel) continue;
    appendAudit(
      workspace.sqlite,
      { userName, action: 'payout.cancel', objectType: 'payout', objectId: payout.outBillNo, detail: { reason: 'unconfirmed', afterMinutes, firstSubmittedAt: payout.firstSubmittedAt, channel: channel.name } },
      workspace.clock.now(),
    );
    statuses.push(await channel.cancel(payout.outBillNo));
  }
  applyPayoutStatuses(workspace, userName, statuses);
  return { payouts: listPayouts(workspace.sqlite, { outBillNos: statuses.map((status) => status.outBillNo) }) };
}
