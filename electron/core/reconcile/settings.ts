import type { SqliteDatabase } from '../../../db/open';
import type { Actor } from '../auth';
import { requirePermission } from '../auth';
import { appendAudit } from '../audit/audit-log';
import { LedgerdeskError } from '../errors';
import { parseRate } from '../money';
import { readSetting, writeSetting } from '../workspace/secrets';

export type ReconcileChannel = 'wechat' | 'alipay';
export const reconcileChannels: readonly ReconcileChannel[] = ['wechat', 'alipay'];

/** Settings keys (values are decimal strings, never floats). */
export const FEE_RATE_SETTING: Record<ReconcileChannel, string> = {
  wechat: 'reconcile.fee_rate.wechat',
  alipay: 'reconcile.fee_rate.alipay',
};
export const CLOSE_THRESHOLD_SETTING = 'close.discrepancy_rate_threshold';
export const UNCLEARED_REFUND_DAYS_SETTING = 'reconcile.uncleared_refund_days';

/** 0.6 % on both channels unless the workspace says otherwise. */
export const DEFAULT_FEE_RATE = '0.006';
/** 0.1 %: the month closes only below this discrepancy rate. */
export const DEFAULT_CLOSE_THRESHOLD = '0.001';
export const DEFAULT_UNCLEARED_REFUND_DAYS = 7;

/** A rate as an exact fraction, so SQL can round half-up in integers: rate = numerator / denominator. */
export interface RateFraction {
  text: string;
  numerator: number;
  denominator: number;
}

/** Rates with more than 8 decimals are refused: amount x numerator must stay an exact integer in SQLite. */
const RATE_DECIMALS_MAX = 8;

export function rateFraction(text: string): RateFraction {
  const parsed = parseRate(text);
  if (!parsed.ok) throw new LedgerdeskError('invalid_input', parsed.error);
  const decimals = parsed.value.decimalPlaces();
  if (decimals > RATE_DECIMALS_MAX) throw new LedgerdeskError('invalid_input', `rate "${text}" has more than ${RATE_DECIMALS_MAX} decimals`);
  if (parsed.value.greaterThan(1)) throw new LedgerdeskError('invalid_input', `rate "${text}" is above 1 (write 0.006 for 0.6 %)`);
  const denominator = 10 ** decimals;
  return { text: parsed.value.toString(), numerator: parsed.value.times(denominator).toNumber(), denominator };
}

export function feeRate(sqlite: SqliteDatabase, channel: ReconcileChannel): RateFraction {
  return rateFraction(readSetting<string>(sqlite, FEE_RATE_SETTING[channel], DEFAULT_FEE_RATE));
}

export function closeThreshold(sqlite: SqliteDatabase): RateFraction {
  return rateFraction(readSetting<string>(sqlite, CLOSE_THRESHOLD_SETTING, DEFAULT_CLOSE_THRESHOLD));
}

export function unclearedRefundDays(sqlite: SqliteDatabase): number {
  return readSetting<number>(sqlite, UNCLEARED_REFUND_DAYS_SETTING, DEFAULT_UNCLEARED_REFUND_DAYS);
}

export interface ReconcileSettingsInput {
  feeRates?: Partial<Record<ReconcileChannel, string>>;
  closeThreshold?: string;
  unclearedRefundDays?: number;
}

/** Changes the reconciliation settings (admin); every change is audited. */
export function writeReconcileSettings(sqlite: SqliteDatabase, actor: Actor, input: ReconcileSettingsInput, now: Date): void {
  requirePermission(actor, 'settings.change');
  const changes: Record<string, unknown> = {};
  for (const channel of reconcileChannels) {
    const text = input.feeRates?.[channel];
    if (text !== undefined) changes[FEE_RATE_SETTING[channel]] = rateFraction(text).text;
  }
  if (input.closeThreshold !== undefined) changes[CLOSE_THRESHOLD_SETTING] = rateFraction(input.closeThreshold).text;
  if (input.unclearedRefundDays !== undefined) {
    if (!Number.isSafeInteger(input.unclearedRefundDays) || input.unclearedRefundDays < 0) {
      throw new LedgerdeskError('invalid_input', `uncleared refund days must be a whole number >= 0, got ${input.unclearedRefundDays}`);
    }
    changes[UNCLEARED_REFUND_DAYS_SETTING] = input.unclearedRefundDays;
  }
  sqlite.transaction(() => {
    for (const [key, value] of Object.entries(changes)) writeSetting(sqlite, key, value, actor.userName, now);
    appendAudit(sqlite, { userName: actor.userName, action: 'settings.change', objectType: 'settings', objectId: 'reconcile', detail: changes }, now);
  })();
}
