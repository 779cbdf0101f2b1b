/** Asia/Shanghai has no DST: every conversion is a fixed +08:00 offset. */
export const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** Epoch ms of 00:00+08:00 on the first day of 'YYYY-MM'; throws on a malformed month (caller's bug). */
export function monthStartMs(month: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12) throw new Error(`not a month (YYYY-MM): ${month}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, 1) - SHANGHAI_OFFSET_MS;
}

/** Epoch ms of 00:00+08:00 on the first day of the month after 'YYYY-MM'. */
export function nextMonthStartMs(month: string): number {
  const [year, monthNumber] = month.split('-').map(Number);
  return Date.UTC(year, monthNumber, 1) - SHANGHAI_OFFSET_MS;
}

/** RFC 3339 in Shanghai time: '2026-10-31T23:59:58+08:00'. */
export function formatShanghaiInstant(epochMs: number): string {
  const local = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return (
    `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}+08:00`
  );
}

/** 'yyyy-MM-dd HH:mm:ss' naive Beijing time, as the channels' bills print it. */
export function formatShanghaiNaive(epochMs: number): string {
  return formatShanghaiInstant(epochMs).slice(0, 19).replace('T', ' ');
}

/** The Asia/Shanghai business date 'YYYY-MM-DD' of an instant. */
export function shanghaiDate(epochMs: number): string {
  return formatShanghaiInstant(epochMs).slice(0, 10);
}

/** Epoch ms of 00:00+08:00 of a 'YYYY-MM-DD' date; NaN when the text is not a real date. */
export function shanghaiDateStartMs(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return Number.NaN;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(utc).toISOString().slice(0, 10) !== date) return Number.NaN;
  return utc - SHANGHAI_OFFSET_MS;
}

/** Epoch ms of an RFC 3339 instant with offset or Z; NaN when it is not one. */
export function parseInstantMs(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return Number.NaN;
  return Date.parse(text);
}

/** Every business date of a month, in order. */
export function datesOfMonth(month: string): string[] {
  const dates: string[] = [];
  for (let at = monthStartMs(month); at < nextMonthStartMs(month); at += DAY_MS) dates.push(shanghaiDate(at));
  return dates;
}
