import Decimal from 'decimal.js';
import { fen, type Fen } from '../money';

/**
 * Conversions from engine values to the values a spreadsheet or a PDF cell holds.
 * These run only at the export boundary: nothing computed here ever flows back into arithmetic.
 */

/** Amounts above this many fen cannot be shown exactly by Excel's 15 significant digits. */
export const EXCEL_EXACT_FEN_LIMIT = 10 ** 15;

/**
 * The yuan number an Excel cell holds for an amount in fen.
 *
 * Exactness: `amountFen` is an integer, so `amountFen / 100` is ONE IEEE-754 division, which is
 * correctly rounded: the result is the double nearest to the exact decimal amount. For
 * |amountFen| < 10^15 that decimal has at most 15 significant digits, so the double's shortest
 * decimal form (what Excel and JavaScript print and re-read) is exactly the 2-decimal amount
 * (proved for all such values by the property test beside this file). Splitting into yuan and
 * cents and adding `cents / 100` back would round twice and can be one ulp off; we don't.
 */
export function fenToExcelYuan(amountFen: Fen): number {
  if (!Number.isSafeInteger(amountFen) || Math.abs(amountFen) >= EXCEL_EXACT_FEN_LIMIT) {
    throw new RangeError(`amount ${amountFen} fen cannot be written exactly as an Excel number`);
  }
  return amountFen / 100;
}

/** Asia/Shanghai is UTC+8 all year (no DST); business times are shown in it. */
export const SHANGHAI_OFFSET_MILLISECONDS = 8 * 60 * 60 * 1000;

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const shanghaiTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00$/;

/**
 * Excel dates have no time zone: exceljs writes a Date's UTC fields. To make a cell show the
 * Shanghai wall-clock time of an instant we shift it by +8 h ("wall time as UTC").
 * A bare 'YYYY-MM-DD' business date is already a wall date and is taken as is.
 */
export function toExcelWallClockDate(value: Date | string): Date {
  if (typeof value === 'string') {
    const match = isoDatePattern.exec(value);
    if (match) return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    // The ledger stores times as 'YYYY-MM-DDTHH:MM:SS+08:00': their fields already are the
    // Shanghai wall clock, so skip the general date parser (a million-row export calls this per row).
    const shanghai = shanghaiTimePattern.exec(value);
    if (shanghai) {
      const [year, month, day, hour, minute, second] = shanghai.slice(1).map(Number);
      const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
      // Date.UTC rolls 2026-02-30 over to March: only a time that survives the round trip is valid.
      const valid = wall.getUTCMonth() === month - 1 && wall.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
      if (!valid) throw new RangeError(`not a date: "${value}"`);
      return wall;
    }
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) throw new RangeError(`not a date: "${value}"`);
    return new Date(instant.getTime() + SHANGHAI_OFFSET_MILLISECONDS);
  }
  if (Number.isNaN(value.getTime())) throw new RangeError('invalid Date');
  return new Date(value.getTime() + SHANGHAI_OFFSET_MILLISECONDS);
}

/** '2024-03-05' or '2024-03-05 14:07:09' in Shanghai wall time, for PDF text. */
export function formatShanghaiDate(value: Date | string, withTime: boolean): string {
  const wall = toExcelWallClockDate(value).toISOString();
  return withTime ? `${wall.slice(0, 10)} ${wall.slice(11, 19)}` : wall.slice(0, 10);
}

/** A rate ("0.006", Decimal) as the fraction an Excel percent cell holds (display only). */
export function rateToExcelNumber(rate: Decimal | string): number {
  return new Decimal(rate).toNumber();
}

/** Validates a money value coming from the engine: a non-integer is our own bug. */
export function requireFen(value: unknown, where: string): Fen {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`${where}: money must be integer fen, got ${String(value)}`);
  }
  return fen(value);
}
