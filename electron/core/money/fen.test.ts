import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateFen,
  fen,
  formatFenAsYuan,
  formatFenForDisplay,
  multiplyByRate,
  parsePercentRate,
  parseYuanToFen,
  sumFen,
} from './fen';

describe('parseYuanToFen', () => {
  it('parses exact decimal strings into integer fen', () => {
    expect(parseYuanToFen('1234.50')).toEqual({ ok: true, value: 123450 });
    expect(parseYuanToFen('-0.01')).toEqual({ ok: true, value: -1 });
    expect(parseYuanToFen('0.1')).toEqual({ ok: true, value: 10 });
    expect(parseYuanToFen('0.00')).toEqual({ ok: true, value: 0 });
    expect(parseYuanToFen('-0.00')).toEqual({ ok: true, value: 0 });
  });
  it('accepts WeChat 5-decimal fees only when cent-rounded', () => {
    expect(parseYuanToFen('0.18000', { decimalsMax: 5 })).toEqual({ ok: true, value: 18 });
    expect(parseYuanToFen('-1.56000', { decimalsMax: 5 })).toEqual({ ok: true, value: -156 });
    const bad = parseYuanToFen('0.17940', { decimalsMax: 5 });
    expect(bad.ok).toBe(false);
  });
  it('rejects bad input with a reason instead of guessing', () => {
    for (const text of ['', 'abc', '1.234', '1e3', '12,34', '--1', '1.2.3', 'NaN', '¥1.00']) {
      const parsed = parseYuanToFen(text);
      expect(parsed.ok, text).toBe(false);
    }
    expect(parseYuanToFen('99999999999999999999.00').ok).toBe(false);
  });
  it('handles thousands separators only when asked and only well placed', () => {
    expect(parseYuanToFen('1,234,567.89', { allowThousandsSeparators: true })).toEqual({ ok: true, value: 123456789 });
    expect(parseYuanToFen('12,34.00', { allowThousandsSeparators: true }).ok).toBe(false);
    expect(parseYuanToFen('1,234.00').ok).toBe(false);
  });
  it('round-trips with formatFenAsYuan for every safe amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_000_000_000_000, max: 9_000_000_000_000 }), (amount) => {
        const text = formatFenAsYuan(fen(amount));
        expect(text).toMatch(/^-?\d+\.\d{2}$/);
        expect(parseYuanToFen(text)).toEqual({ ok: true, value: amount });
      }),
    );
  });
});

describe('formatting', () => {
  it('formats for display with separators and sign', () => {
    expect(formatFenForDisplay(fen(123456))).toBe('¥1,234.56');
    expect(formatFenForDisplay(fen(-5))).toBe('-¥0.05');
    expect(formatFenForDisplay(fen(100000000))).toBe('¥1,000,000.00');
  });
});

describe('rates and rounding', () => {
  it('rounds half-up to the fen by default accounting rule', () => {
    // 29.90 x 0.60% = 0.1794 -> 0.18
    expect(multiplyByRate(fen(2990), '0.006', 'half-up')).toBe(18);
    // 0.25 fen exactly half: half-up goes away from zero, half-even to even
    expect(multiplyByRate(fen(25), '0.1', 'half-up')).toBe(3);
    expect(multiplyByRate(fen(25), '0.1', 'half-even')).toBe(2);
    expect(multiplyByRate(fen(29), '0.1', 'down')).toBe(2);
    expect(multiplyByRate(fen(21), '0.1', 'up')).toBe(3);
  });
  it('parses percentage rates exactly', () => {
    const parsed = parsePercentRate('0.60%');
    expect(parsed.ok && parsed.value.toString()).toBe('0.006');
    expect(parsePercentRate('0.6').ok).toBe(false);
  });
});

describe('allocateFen', () => {
  it('splits exactly with the remainder to the largest fractions', () => {
    expect(allocateFen(fen(100), [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateFen(fen(-100), [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocateFen(fen(5), [0, 1])).toEqual([0, 5]);
  });
  it('refuses nonsense weights as a bug', () => {
    expect(() => allocateFen(fen(1), [])).toThrow();
    expect(() => allocateFen(fen(1), [0, 0])).toThrow();
    expect(() => allocateFen(fen(1), [-1, 2])).toThrow();
  });
  it('parts always sum to the whole and stay within one fen of the exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocateFen(fen(total), weights);
          expect(sumFen(parts)).toBe(total);
          const weightSum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((part, index) => {
            const exactTimesWeightSum = BigInt(total) * BigInt(weights[index]);
            const difference = BigInt(part) * BigInt(weightSum) - exactTimesWeightSum;
            expect(difference < 0n ? -difference : difference).toBeLessThan(BigInt(weightSum));
          });
        },
      ),
    );
  });
});
