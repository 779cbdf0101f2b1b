import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFen, formatPoints, formatShanghaiTime, parseYuanText } from './format';

describe('formatFen', () => {
  it('formats yuan with thousands separators and two decimals', () => {
    expect(formatFen(123456)).toBe('¥1,234.56');
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(-100)).toBe('-¥1.00');
    expect(formatFen(-123456789012)).toBe('-¥1,234,567,890.12');
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe('¥90,071,992,547,409.91');
  });
  it('rejects floats and unsafe integers instead of rounding them', () => {
    expect(() => formatFen(1.5)).toThrow();
    expect(() => formatFen(Number.NaN)).toThrow();
    expect(() => formatFen(2 ** 53)).toThrow();
  });
  it('round-trips: stripping the symbol and separators gives back the fen digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (amount) => {
        const text = formatFen(amount);
        expect(text).toMatch(/^-?¥\d{1,3}(,\d{3})*\.\d{2}$/);
        expect(BigInt(text.replace(/[¥,.]/g, ''))).toBe(BigInt(amount));
      }),
    );
  });
});

describe('formatPoints and times', () => {
  it('groups points and shows Shanghai wall-clock time', () => {
    expect(formatPoints(-12345)).toBe('-12,345');
    expect(formatShanghaiTime('2026-10-15T16:30:00.000Z')).toBe('2026-10-16 00:30:00');
    expect(formatShanghaiTime('not a time')).toBe('not a time');
  });
});

describe('parseYuanText', () => {
  it('reads whole yuan, one or two decimals and thousands separators into integer fen', () => {
    expect(parseYuanText('10000')).toBe(1_000_000);
    expect(parseYuanText('12.3')).toBe(1230);
    expect(parseYuanText(' 1,234.05 ')).toBe(123_405);
    expect(parseYuanText('0.01')).toBe(1);
    expect(parseYuanText('0')).toBe(0);
  });
  it('refuses what is not a plain non-negative amount', () => {
    for (const bad of ['', '-1', '1.234', '1e5', 'abc', '1.', '.5', '１２']) expect(parseYuanText(bad)).toBeNull();
  });
  it('round-trips with formatFen', () => {
    for (const amount of [0, 1, 99, 100, 123_456_789]) expect(parseYuanText(formatFen(amount).replace('¥', ''))).toBe(amount);
  });
});
