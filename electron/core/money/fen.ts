import Decimal from 'decimal.js';

/**
 * An amount of money in fen (0.01 CNY), always a safe integer.
 * The brand keeps a plain number (a count, a float) from being passed where money is expected.
 */
export type Fen = number & { readonly __brand: 'Fen' };

/** The result of parsing outside input: bad input is a value, not an exception. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Named rounding modes; every rounding in the code base names one of these at its call site. */
export type RoundingMode = 'half-up' | 'half-even' | 'down' | 'up';

const decimalRounding: Record<RoundingMode, Decimal.Rounding> = {
  // Chinese accounting default (四舍五入): half away from zero.
  'half-up': Decimal.ROUND_HALF_UP,
  'half-even': Decimal.ROUND_HALF_EVEN,
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
};

/** A Decimal constructor private to money code, wide enough for any amount we meet. */
const MoneyDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export class MoneyInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyInvariantError';
  }
}

/** Brands an integer as fen; a non-integer or unsafe value is our own bug, so it throws. */
export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) {
    throw new MoneyInvariantError(`not a safe integer amount of fen: ${value}`);
  }
  return value as Fen;
}

export const ZERO_FEN = fen(0);

export function addFen(...amounts: Fen[]): Fen {
  let total = 0;
  for (const amount of amounts) total += amount;
  return fen(total);
}

export function subtractFen(minuend: Fen, subtrahend: Fen): Fen {
  return fen(minuend - subtrahend);
}

export function negateFen(amount: Fen): Fen {
  return fen(amount === 0 ? 0 : -amount);
}

export function sumFen(amounts: Iterable<Fen>): Fen {
  let total = 0;
  for (const amount of amounts) total += amount;
  return fen(total);
}

export function absFen(amount: Fen): Fen {
  return fen(Math.abs(amount));
}

export interface ParseYuanOptions {
  /** Decimals the format documents; extra digits are accepted only when they are zeros. */
  decimalsMax?: number;
  /** Accept thousands separators ("1,234.56"), as in bank exports. */
  allowThousandsSeparators?: boolean;
  /** Accept a leading '+'. */
  allowPlusSign?: boolean;
}

const plainDecimalPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parses a decimal string in yuan ("1234.50", "-0.01", "0.18000") into fen, exactly.
 * A value that needs more precision than a fen is an error, never silently rounded:
 * WeChat's 5-decimal fee "0.18000" is fine, "0.17940" is reported.
 */
export function parseYuanToFen(text: string, options: ParseYuanOptions = {}): ParseResult<Fen> {
  let cleaned = text.trim();
  if (options.allowThousandsSeparators) {
    if (!/^[+-]?\d{1,3}(,\d{3})*(\.\d*)?$/.test(cleaned) && cleaned.includes(',')) {
      return { ok: false, error: `misplaced thousands separator in amount "${text}"` };
    }
    cleaned = cleaned.replace(/,/g, '');
  }
  if (cleaned.startsWith('+') && !options.allowPlusSign) {
    return { ok: false, error: `unexpected '+' in amount "${text}"` };
  }
  if (!plainDecimalPattern.test(cleaned)) {
    return { ok: false, error: `not a decimal amount: "${text}"` };
  }
  const decimalsMax = options.decimalsMax ?? 2;
  const fraction = cleaned.split('.')[1] ?? '';
  if (fraction.length > decimalsMax) {
    return { ok: false, error: `amount "${text}" has more than ${decimalsMax} decimals` };
  }
  const value = new MoneyDecimal(cleaned).times(100);
  if (!value.isInteger()) {
    return { ok: false, error: `amount "${text}" is not a whole number of fen` };
  }
  if (value.abs().greaterThan(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, error: `amount "${text}" is too large` };
  }
  return { ok: true, value: fen(value.isZero() ? 0 : value.toNumber()) };
}

/** Like parseYuanToFen, for values the code itself produced or already validated: bad input is a bug. */
export function yuanToFen(text: string): Fen {
  const parsed = parseYuanToFen(text);
  if (!parsed.ok) throw new MoneyInvariantError(parsed.error);
  return parsed.value;
}

/** "1234.56", "-0.01", "0.00": the decimal-string form used in JSON and the mall API. */
export function formatFenAsYuan(amount: Fen): string {
  const negative = amount < 0;
  const absolute = Math.abs(amount);
  const yuan = Math.trunc(absolute / 100);
  const cents = absolute % 100;
  return `${negative ? '-' : ''}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** "¥1,234.56" / "-¥1,234.56": the form users read. */
export function formatFenForDisplay(amount: Fen): string {
  const plain = formatFenAsYuan(fen(Math.abs(amount)));
  const [whole, cents] = plain.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount < 0 ? '-' : ''}¥${grouped}.${cents}`;
}

/** A rate such as "0.1000" or "0.006" parsed exactly; a rate is never a float. */
export function parseRate(text: string): ParseResult<Decimal> {
  const cleaned = text.trim();
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return { ok: false, error: `not a rate: "${text}"` };
  return { ok: true, value: new MoneyDecimal(cleaned) };
}

/** "0.60%" -> 0.006 exactly. */
export function parsePercentRate(text: string): ParseResult<Decimal> {
  const match = /^\s*(\d+(\.\d+)?)\s*%\s*$/.exec(text);
  if (!match) return { ok: false, error: `not a percentage: "${text}"` };
  return { ok: true, value: new MoneyDecimal(match[1]).dividedBy(100) };
}

/** amount x rate, rounded to the fen with the named mode. */
export function multiplyByRate(amount: Fen, rate: Decimal | string, mode: RoundingMode): Fen {
  const product = new MoneyDecimal(amount).times(new MoneyDecimal(rate));
  return fen(product.toDecimalPlaces(0, decimalRounding[mode]).toNumber());
}

/**
 * Splits `total` in proportion to `weights` (non-negative integers) so that the parts sum to
 * `total` exactly (largest remainder method; ties go to the earlier part, deterministic).
 */
export function allocateFen(total: Fen, weights: readonly number[]): Fen[] {
  if (weights.length === 0) throw new MoneyInvariantError('allocation needs at least one weight');
  for (const weight of weights) {
    if (!Number.isSafeInteger(weight) || weight < 0) {
      throw new MoneyInvariantError(`allocation weight must be a non-negative integer: ${weight}`);
    }
  }
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (weightSum === 0) throw new MoneyInvariantError('allocation weights sum to zero');
  const sign = total < 0 ? -1n : 1n;
  const absoluteTotal = BigInt(Math.abs(total));
  const bigWeightSum = BigInt(weightSum);
  const parts = weights.map((weight) => (absoluteTotal * BigInt(weight)) / bigWeightSum);
  const remainders = weights.map((weight, index) => ({
    index,
    remainder: (absoluteTotal * BigInt(weight)) % bigWeightSum,
  }));
  let left = absoluteTotal - parts.reduce((sum, part) => sum + part, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left === 0n) break;
    parts[index] += 1n;
    left -= 1n;
  }
  return parts.map((part) => fen(Number(part * sign)));
}
