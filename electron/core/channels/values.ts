import { createHash } from 'node:crypto';
import { fen, parseYuanToFen, type Fen, type ParseResult, type ParseYuanOptions } from '../money';

/*
 * Small value parsers shared by the format parsers: amounts, Beijing times, header names.
 * Every function returns a value or null / a ParseResult; the callers turn failures into RowError
 * with their own line number.
 */

// Digits only, at most 13 before the point: whole * 100 + cents stays a safe integer.
const simpleAmountPattern = /^(-?)(\d{1,13})(?:\.(\d{1,5}))?$/;

/**
 * parseYuanToFen with a fast path for the plain shapes bills use ("12.34", "-0.01", "0.18000").
 * The fast path is exact integer arithmetic on the digit strings (no float ever holds a fraction);
 * anything else, and every error message, comes from the shared decimal.js parser.
 * amount.test.ts checks the two agree on generated input.
 */
export function parseAmountFen(text: string, options: ParseYuanOptions = {}): ParseResult<Fen> {
  const match = simpleAmountPattern.exec(text);
  if (match !== null) {
    const fraction = match[3] ?? '';
    const decimalsMax = options.decimalsMax ?? 2;
    const beyondCents = fraction.slice(2);
    if (fraction.length <= decimalsMax && (beyondCents === '' || /^0+$/.test(beyondCents))) {
      const cents = Number(fraction.slice(0, 2).padEnd(2, '0'));
      const magnitude = Number(match[2]) * 100 + cents;
      return { ok: true, value: fen(match[1] === '-' && magnitude !== 0 ? -magnitude : magnitude) };
    }
  }
  return parseYuanToFen(text, options);
}

/** A count in a summary block: "3", or "20.0" as the WeChat doc example writes it. */
export function parseCount(text: string): number | null {
  const match = /^(\d{1,15})(?:\.0*)?$/.exec(text.trim());
  return match === null ? null : Number(match[1]);
}

export interface BeijingTime {
  /** RFC 3339 with +08:00. */
  occurredAt: string;
  /** YYYY-MM-DD. */
  businessDate: string;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= daysInMonth[month - 1];
}

function two(value: number): string {
  return value.toString().padStart(2, '0');
}

/** Builds the Beijing timestamp from parts, or null when a part is out of range. */
export function beijingTimeFromParts(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): BeijingTime | null {
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const businessDate = `${year}-${two(month)}-${two(day)}`;
  return { businessDate, occurredAt: `${businessDate}T${two(hour)}:${two(minute)}:${two(second)}+08:00` };
}

// Full-width colons occur in copies of the old WeChat doc sample; tolerate them.
const naiveTimePattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2})[:：](\d{2})[:：](\d{2})$/;

/** "yyyy-MM-dd HH:mm:ss" naive Beijing time (WeChat, Alipay) to RFC 3339 +08:00. */
export function parseNaiveBeijingTime(text: string): BeijingTime | null {
  const match = naiveTimePattern.exec(text);
  if (match === null) return null;
  return beijingTimeFromParts(+match[1], +match[2], +match[3], +match[4], +match[5], +match[6]);
}

/**
 * A bank date cell, with or without a time: 2024-01-02, 2024/1/2, 20240102, 2024.01.02,
 * 2024年01月02日, each optionally followed by HH:mm[:ss].
 */
export function parseLooseDate(text: string): BeijingTime | null {
  const cleaned = text.normalize('NFKC').trim();
  const match =
    /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日?|(\d{2})(\d{2}))(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(
      cleaned,
    );
  if (match === null) return null;
  const month = +(match[2] ?? match[4] ?? match[6]);
  const day = +(match[3] ?? match[5] ?? match[7]);
  return beijingTimeFromParts(+match[1], month, day, +(match[8] ?? 0), +(match[9] ?? 0), +(match[10] ?? 0));
}

/** A separate time cell: HH:mm:ss, HH:mm or HHmmss. Returns [hour, minute, second] or null. */
export function parseTimeOfDay(text: string): [number, number, number] | null {
  const cleaned = text.normalize('NFKC').trim();
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$|^(\d{2})(\d{2})(\d{2})$/.exec(cleaned);
  if (match === null) return null;
  const parts: [number, number, number] = match[1] !== undefined
    ? [+match[1], +match[2], +(match[3] ?? 0)]
    : [+match[4], +match[5], +match[6]];
  return parts[0] > 23 || parts[1] > 59 || parts[2] > 59 ? null : parts;
}

/** Header names compared after NFKC (（元） == (元)) with all whitespace removed. */
export function normalizeHeaderName(text: string): string {
  return text.normalize('NFKC').replace(/[\s\uFEFF]+/g, '');
}

/** A stable short digest for natural keys built from row content. */
export function contentDigest(parts: readonly (string | number | null)[]): string {
  return createHash('sha1').update(parts.map((part) => String(part ?? '')).join('\u001f')).digest('hex').slice(0, 16);
}

/** Empty or the literal '0' (WeChat's "no id") becomes null. */
export function idOrNull(text: string | undefined): string | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  return trimmed === '' || trimmed === '0' ? null : trimmed;
}

export function textOrNull(text: string | undefined): string | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}
