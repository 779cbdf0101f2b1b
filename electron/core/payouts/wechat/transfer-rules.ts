/**
 * Field rules shared by the clients (checked before sending) and the simulator (checked on receipt).
 * Sources: FORMATS.md 1.4 / 1.5 and the WeChat docs they cite.
 */
import { fen, type Fen } from '../../money';

/** Transfers below 0.10 yuan are refused (TRANSFER_QUOTA_EXCEED in the field; forum answer "最低限额为0.1元"). */
export const TRANSFER_AMOUNT_MIN_FEN: Fen = fen(10);

/**
 * Per-transfer maximum. FORMATS.md does not document it (it depends on the merchant's scene and
 * quota settings), so clients and the simulator take it as configuration; this default (20,000
 * yuan) is an assumption to be replaced by the merchant's real quota.
 */
export const DEFAULT_TRANSFER_AMOUNT_MAX_FEN: Fen = fen(2_000_000);

/** user_name is required at or above 2,000 yuan (both APIs). */
export const NAME_REQUIRED_FROM_FEN: Fen = fen(200_000);

/** Legacy batches: user_name is forbidden on a detail below 0.30 yuan. */
export const NAME_FORBIDDEN_BELOW_FEN: Fen = fen(30);

/** Legacy batches: at most 1000 details per batch (the safe reading of the docs). */
export const BATCH_DETAIL_COUNT_MAX = 1000;

/** Unconfirmed transfer bills expire 24 h after creation. */
export const USER_CONFIRMATION_WINDOW_MS = 24 * 60 * 60 * 1000;

const outNumberPattern = /^[0-9A-Za-z]{1,32}$/;

/** out_bill_no, out_batch_no and out_detail_no: at most 32 digits and ASCII letters. */
export function isValidOutNumber(value: unknown): value is string {
  return typeof value === 'string' && outNumberPattern.test(value);
}

/** Remarks are limited in characters (UTF-8 text), not bytes. */
export function characterCount(text: string): number {
  return Array.from(text).length;
}

export const REMARK_CHARACTER_COUNT_MAX = 32;

export function formatRfc3339Shanghai(date: Date): string {
  // WeChat reports times in Beijing time with an explicit +08:00 offset (fixed, no DST).
  const shifted = new Date(date.getTime() + 8 * 60 * 60 * 1000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}
