/**
 * Settlement cycles. Default: weekly, run on Monday, covering the previous Monday to Sunday
 * (Asia/Shanghai dates). Monthly cycles cover the previous calendar month. A cycle is named by
 * its last day; commissions that became settleable before 00:00+08:00 of the day after it are
 * candidates (plus every earlier one still unsettled: carry-overs and returned payouts).
 */
import { addDays, isCalendarDate, shanghaiDate, startOfShanghaiDay } from '../calendar/shanghai';
import { readSetting, writeSetting } from '../workspace/secrets';
import type { SqliteDatabase } from '../../../db/open';

export type SettlementCycleConfig =
  /** weekday: the run day, 1 = Monday ... 7 = Sunday; the cycle is the 7 days before it. */
  | { period: 'weekly'; weekday: number }
  | { period: 'monthly' };

export const DEFAULT_SETTLEMENT_CYCLE: SettlementCycleConfig = { period: 'weekly', weekday: 1 };
export const SETTLEMENT_CYCLE_SETTING = 'settlement.cycle';

export interface SettlementCycle {
  /** First and last day, YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
  /** 00:00+08:00 of the day after `end`: commissions settleable before it are in. */
  cutoffAt: string;
}

export type CycleConfigCheck = { ok: true; value: SettlementCycleConfig } | { ok: false; error: string };

export function checkCycleConfig(value: unknown): CycleConfigCheck {
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'a cycle is {period: weekly, weekday} or {period: monthly}' };
  const record = value as Record<string, unknown>;
  if (record.period === 'monthly') return { ok: true, value: { period: 'monthly' } };
  if (record.period === 'weekly') {
    const weekday = record.weekday ?? 1;
    if (typeof weekday !== 'number' || !Number.isInteger(weekday) || weekday < 1 || weekday > 7) return { ok: false, error: 'weekday is 1 (Monday) to 7 (Sunday)' };
    return { ok: true, value: { period: 'weekly', weekday } };
  }
  return { ok: false, error: `unknown cycle period ${String(record.period)}` };
}

/** ISO weekday (1 = Monday) of a YYYY-MM-DD date. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function cycleEnding(end: string, config: SettlementCycleConfig): SettlementCycle {
  const start = config.period === 'weekly' ? addDays(end, -6) : `${end.slice(0, 7)}-01`;
  return { start, end, cutoffAt: startOfShanghaiDay(addDays(end, 1)) };
}

/**
 * The cycle ending on `cycleEnd` (must be a cycle's last day: the day before the run weekday, or
 * a month's last day), or else the latest complete cycle before `now`.
 */
export function settlementCycle(config: SettlementCycleConfig, now: Date, cycleEnd?: string): { ok: true; value: SettlementCycle } | { ok: false; error: string } {
  if (cycleEnd !== undefined) {
    if (!isCalendarDate(cycleEnd)) return { ok: false, error: `cycle end "${cycleEnd}" is not a YYYY-MM-DD date` };
    const nextDay = addDays(cycleEnd, 1);
    if (config.period === 'weekly' && isoWeekday(nextDay) !== config.weekday) {
      return { ok: false, error: `cycle end ${cycleEnd} is not the day before a settlement day (weekday ${config.weekday})` };
    }
    if (config.period === 'monthly' && !nextDay.endsWith('-01')) return { ok: false, error: `cycle end ${cycleEnd} is not the last day of a month` };
    if (new Date(startOfShanghaiDay(nextDay)).getTime() > now.getTime()) {
      return { ok: false, error: `the cycle ending ${cycleEnd} is not over yet` };
    }
    return { ok: true, value: cycleEnding(cycleEnd, config) };
  }
  const today = shanghaiDate(now);
  if (config.period === 'monthly') return { ok: true, value: cycleEnding(addDays(`${today.slice(0, 7)}-01`, -1), config) };
  // The latest run day on or before today; its cycle ends the day before.
  const back = (isoWeekday(today) - config.weekday + 7) % 7;
  return { ok: true, value: cycleEnding(addDays(today, -back - 1), config) };
}

export function readCycleConfig(sqlite: SqliteDatabase): SettlementCycleConfig {
  const checked = checkCycleConfig(readSetting<unknown>(sqlite, SETTLEMENT_CYCLE_SETTING, DEFAULT_SETTLEMENT_CYCLE));
  return checked.ok ? checked.value : DEFAULT_SETTLEMENT_CYCLE;
}

export function writeCycleConfig(sqlite: SqliteDatabase, config: SettlementCycleConfig, userName: string, now: Date): void {
  const checked = checkCycleConfig(config);
  if (!checked.ok) throw new Error(checked.error);
  writeSetting(sqlite, SETTLEMENT_CYCLE_SETTING, checked.value, userName, now);
}
