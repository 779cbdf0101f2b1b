import Decimal from 'decimal.js';
import type { RateFraction } from './settings';

/** Decimals shown for a ratio such as the discrepancy rate ("0.00012346"). */
const RATIO_DECIMALS = 8;

/** numerator / denominator as a decimal string, half-up to 8 decimals; "0" when the denominator is 0. */
export function ratioText(numerator: number, denominator: number): string {
  if (denominator === 0) return '0';
  return new Decimal(numerator).dividedBy(denominator).toDecimalPlaces(RATIO_DECIMALS, Decimal.ROUND_HALF_UP).toString();
}

/**
 * Exactly whether numerator / denominator < rate (BigInt, no rounding): the close gate must not
 * pass because of a rounded display figure. A zero denominator counts as rate 0.
 */
export function ratioBelow(numerator: number, denominator: number, rate: RateFraction): boolean {
  if (denominator === 0) return numerator === 0 ? 0 < rate.numerator : false;
  return BigInt(numerator) * BigInt(rate.denominator) < BigInt(denominator) * BigInt(rate.numerator);
}
