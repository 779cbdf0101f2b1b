/**
 * Business dates are Asia/Shanghai dates. China has had no daylight saving time since 1991,
 * so a fixed +08:00 offset is exact for every date the books can hold.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new Error(`fixed clock needs a valid instant: ${iso}`);
  return { now: () => new Date(instant.getTime()) };
}

function shanghaiWallClock(instant: Date | string): Date {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${String(instant)}`);
  return new Date(date.getTime() + SHANGHAI_OFFSET_MS);
}

/** 'YYYY-MM-DD' in Asia/Shanghai. */
export function shanghaiDate(instant: Date | string): string {
  return shanghaiWallClock(instant).toISOString().slice(0, 10);
}

/** 'YYYY-MM' in Asia/Shanghai. */
export function shanghaiMonth(instant: Date | string): string {
  return shanghaiWallClock(instant).toISOString().slice(0, 7);
}

/** The instant 00:00 Asia/Shanghai of a 'YYYY-MM-DD' date, as RFC 3339 with +08:00. */
export function startOfShanghaiDay(date: string): string {
  if (!isCalendarDate(date)) throw new Error(`not a date: ${date}`);
  return `${date}T00:00:00+08:00`;
}

export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

export function isCalendarMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text);
}

/** 'YYYY-MM-DD' + days. */
export function addDays(date: string, days: number): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  parsed.setUTCDate(parsed.getUTCDate() + days);
  return parsed.toISOString().slice(0, 10);
}

/** First day of the month after 'YYYY-MM'. */
export function nextMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return monthNumber === 12 ? `${year + 1}-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}`;
}

export function previousMonth(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return monthNumber === 1 ? `${year - 1}-12` : `${year}-${String(monthNumber - 1).padStart(2, '0')}`;
}

/** RFC 3339 with +08:00 for an instant, as users and the mall write times. */
export function toShanghaiIso(instant: Date): string {
  return `${shanghaiWallClock(instant).toISOString().slice(0, 19)}+08:00`;
}

/** The form instants are stored in: UTC ISO with milliseconds, so text order is time order. */
export function toStoredInstant(instant: string | Date): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new Error(`not an instant: ${String(instant)}`);
  return date.toISOString();
}
