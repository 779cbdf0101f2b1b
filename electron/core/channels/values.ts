import { createHash } from 'node:crypto';
import { fen, parseYuanToFen, type Fen, type ParseResult, type ParseYuanOptions } from '../money';

/*
 * Small value parsers shared by the format parsers: amounts, Beijing times, header names.
 * Every function returns a value or null / a ParseResult; the callers turn failures into RowError
 * with their own line number.
 */

const DIGIT_ZERO = 48;
const DIGIT_NINE = 57;
const MINUS = 45;
const POINT = 46;
/** At most 13 digits before the point: whole * 100 + cents stays a safe integer. */
const WHOLE_DIGITS_MAX = 13;

/**
 * Integer fen of a plain amount, "-?digits(.digits)?" with at most 13 whole digits and at most
 * min(decimalsMax, 5) decimals, every decimal past the fen a zero; null for any other text.
 * Pure integer arithmetic on the digits (each value stays an integer below 2^53; no fraction is
 * ever held in a float), one pass over the characters, no allocation.
 */
export function plainAmountFen(text: string, decimalsMax: number): number | null {
  const length = text.length;
  let index = 0;
  const negative = length > 0 && text.charCodeAt(0) === MINUS;
  if (negative) index = 1;
  const wholeStart = index;
  let whole = 0;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_ZERO || code > DIGIT_NINE) break;
    whole = whole * 10 + (code - DIGIT_ZERO);
    index += 1;
  }
  const wholeDigits = index - wholeStart;
  if (wholeDigits === 0 || wholeDigits > WHOLE_DIGITS_MAX) return null;
  let cents = 0;
  if (index < length) {
    if (text.charCodeAt(index) !== POINT) return null;
    index += 1;
    const decimals = length - index;
    if (decimals < 1 || decimals > 5 || decimals > decimalsMax) return null;
    for (let position = 0; position < decimals; position += 1) {
      const digit = text.charCodeAt(index + position) - DIGIT_ZERO;
      if (digit < 0 || digit > 9) return null;
      if (position < 2) cents = cents * 10 + digit;
      else if (digit !== 0) return null; // a fraction of a fen: the shared parser reports it
    }
    if (decimals === 1) cents *= 10;
  }
  const magnitude = whole * 100 + cents;
  return negative && magnitude !== 0 ? -magnitude : magnitude;
}

/**
 * parseYuanToFen with a fast path for the plain shapes bills use ("12.34", "-0.01", "0.18000"):
 * plainAmountFen. Anything else, and every error message, comes from the shared decimal.js
 * parser; values.test.ts checks the two agree on generated input.
 */
export function parseAmountFen(text: string, options: ParseYuanOptions = {}): ParseResult<Fen> {
  const plain = plainAmountFen(text, options.decimalsMax ?? 2);
  if (plain !== null) return { ok: true, value: fen(plain) };
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

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= DIGIT_ZERO && code <= DIGIT_NINE;
}

function twoDigitsAt(text: string, index: number): number {
  return (text.charCodeAt(index) - DIGIT_ZERO) * 10 + (text.charCodeAt(index + 1) - DIGIT_ZERO);
}

/** Calendar dates already checked, by their "yyyy-MM-dd" text: a bill has a few distinct dates and a million rows. */
const validDateTexts = new Map<string, boolean>();
const validDateTextCountMax = 4096;

/**
 * The common "yyyy-MM-dd HH:mm:ss" (ASCII colons, year from 1000) by character checks, with the
 * result text cut from the input; the same text beijingTimeFromParts would build. Null: not this shape.
 */
function plainNaiveBeijingTime(text: string): BeijingTime | null {
  if (text.length !== 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(0) === DIGIT_ZERO) return null;
  for (const index of [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]) if (!isDigitAt(text, index)) return null;
  if (twoDigitsAt(text, 11) > 23 || twoDigitsAt(text, 14) > 59 || twoDigitsAt(text, 17) > 59) return null;
  const businessDate = text.slice(0, 10);
  let valid = validDateTexts.get(businessDate);
  if (valid === undefined) {
    valid = isValidDate(Number(text.slice(0, 4)), twoDigitsAt(text, 5), twoDigitsAt(text, 8));
    if (validDateTexts.size >= validDateTextCountMax) validDateTexts.clear();
    validDateTexts.set(businessDate, valid);
  }
  if (!valid) return null;
  return { businessDate, occurredAt: `${businessDate}T${text.slice(11)}+08:00` };
}

/** "yyyy-MM-dd HH:mm:ss" naive Beijing time (WeChat, Alipay) to RFC 3339 +08:00. */
export function parseNaiveBeijingTime(text: string): BeijingTime | null {
  const plain = plainNaiveBeijingTime(text);
  if (plain !== null) return plain;
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
