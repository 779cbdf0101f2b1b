import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYuanToFen } from '../money';
import { beijingTimeFromParts, parseAmountFen, parseCount, parseLooseDate, parseNaiveBeijingTime, parseTimeOfDay, plainAmountFen } from './values';

describe('parseAmountFen', () => {
  it('agrees with the shared decimal.js parser on generated decimal strings', () => {
    const decimalText = fc
      .tuple(fc.constantFrom('', '-', '+'), fc.stringMatching(/^\d{1,16}$/), fc.option(fc.stringMatching(/^\d{0,6}$/)))
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 2, max: 5 }), (text, decimalsMax) => {
        expect(parseAmountFen(text, { decimalsMax })).toEqual(parseYuanToFen(text, { decimalsMax }));
      }),
      { numRuns: 2000 },
    );
  });

  it('whenever the integer fast path gives a value, decimal.js gives the same one (and parseAmountFen always agrees)', () => {
    // Plain shapes, near misses and noise: signs, spaces, separators, exponent, full-width digits.
    const character = fc.constantFrom('0', '1', '5', '9', '.', '-', '+', ' ', ',', 'e', '\uFF11', '\t');
    const noisy = fc.array(character, { maxLength: 20 }).map((characters) => characters.join(''));
    const plain = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,15}$/), fc.option(fc.stringMatching(/^\d{0,7}$/)), fc.boolean())
      .map(([negative, whole, fraction, zeroTail]) => {
        const decimals = fraction === null ? '' : `.${zeroTail ? `${fraction.slice(0, 2)}000`.slice(0, fraction.length) : fraction}`;
        return `${negative ? '-' : ''}${whole}${decimals}`;
      });
    fc.assert(
      fc.property(fc.oneof(plain, noisy), fc.integer({ min: 0, max: 6 }), (text, decimalsMax) => {
        const fast = plainAmountFen(text, decimalsMax);
        const shared = parseYuanToFen(text, { decimalsMax });
        if (fast !== null) expect(shared).toEqual({ ok: true, value: fast });
        expect(parseAmountFen(text, { decimalsMax })).toEqual(shared);
      }),
      { numRuns: 5000 },
    );
  });

  it('the fast path serves every bill shape and leaves the rest to decimal.js', () => {
    const served: [string, number, number][] = [
      ['0', 2, 0], ['-0', 2, 0], ['-0.00', 2, 0], ['42.90', 2, 4290], ['42.9', 2, 4290], ['1237.36', 2, 123736],
      ['0.26000', 5, 26], ['-7.42000', 5, -742], ['0.60000', 5, 60], ['007.50', 2, 750],
      ['9999999999999.99', 2, 999999999999999], ['-9999999999999.99', 2, -999999999999999],
    ];
    for (const [text, decimalsMax, value] of served) expect(plainAmountFen(text, decimalsMax), text).toBe(value);
    // Not plain: decimal.js decides (accepts some, rejects others, always with its own message).
    for (const [text, decimalsMax] of [
      ['0.17940', 5], ['1.005', 2], ['0.260', 2], ['1.', 2], ['.5', 2], ['+1.00', 2], [' 1.00', 2], ['1,000.00', 2], ['1e3', 2],
      ['10000000000000.00', 2], ['', 2], ['-', 2], ['1.000000', 6], ['１.00', 2],
    ] as [string, number][]) {
      expect(plainAmountFen(text, decimalsMax), text).toBeNull();
    }
  });

  it('accepts cent-rounded zero-padded 5-decimal fees and reports real sub-fen values', () => {
    expect(parseAmountFen('0.18000', { decimalsMax: 5 })).toEqual({ ok: true, value: 18 });
    expect(parseAmountFen('-1.56000', { decimalsMax: 5 })).toEqual({ ok: true, value: -156 });
    expect(parseAmountFen('0.17940', { decimalsMax: 5 }).ok).toBe(false);
    expect(parseAmountFen('0.0')).toEqual({ ok: true, value: 0 });
    expect(parseAmountFen('-0.00')).toEqual({ ok: true, value: 0 });
    expect(parseAmountFen('1.005').ok).toBe(false);
  });

  it('reads summary counts written as integers or as floats', () => {
    expect(parseCount('3')).toBe(3);
    expect(parseCount('20.0')).toBe(20);
    expect(parseCount('20.5')).toBeNull();
    expect(parseCount('x')).toBeNull();
  });
});

describe('times', () => {
  it('turns naive Beijing times into RFC 3339 +08:00, full-width colons tolerated', () => {
    expect(parseNaiveBeijingTime('2021-01-28 17:07:11')).toEqual({ occurredAt: '2021-01-28T17:07:11+08:00', businessDate: '2021-01-28' });
    expect(parseNaiveBeijingTime('2014-11-10 16：33：45')?.occurredAt).toBe('2014-11-10T16:33:45+08:00');
    expect(parseNaiveBeijingTime('2021-02-30 10:00:00')).toBeNull();
    expect(parseNaiveBeijingTime('2021-01-28 24:00:00')).toBeNull();
    expect(parseNaiveBeijingTime('2021/01/28 10:00:00')).toBeNull();
  });

  it('reads generated times exactly as building them from their parts does', () => {
    const time = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.integer({ min: 0, max: 61 }), fc.constantFrom(':', '：'), fc.constantFrom(' ', 'T', '_'))
      .map(([year, month, day, hour, minute, second, colon, between]) => {
        const two = (value: number) => String(value).padStart(2, '0');
        return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}${between}${two(hour)}${colon}${two(minute)}${colon}${two(second)}`;
      });
    fc.assert(
      fc.property(time, (text) => {
        const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2})[:：](\d{2})[:：](\d{2})$/.exec(text);
        const expected = match === null ? null : beijingTimeFromParts(+match[1], +match[2], +match[3], +match[4], +match[5], +match[6]);
        expect(parseNaiveBeijingTime(text)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
    expect(parseNaiveBeijingTime('2024-02-29 23:59:59')?.occurredAt).toBe('2024-02-29T23:59:59+08:00');
    expect(parseNaiveBeijingTime('2100-02-29 00:00:00')).toBeNull();
    expect(parseNaiveBeijingTime('0999-01-01 00:00:00')?.businessDate).toBe('999-01-01');
  });

  it('reads bank date shapes and separate time cells', () => {
    expect(parseLooseDate('2024-01-02')?.businessDate).toBe('2024-01-02');
    expect(parseLooseDate('2024/1/2')?.businessDate).toBe('2024-01-02');
    expect(parseLooseDate('20240102')?.businessDate).toBe('2024-01-02');
    expect(parseLooseDate('2024年01月02日')?.businessDate).toBe('2024-01-02');
    expect(parseLooseDate('2024-01-02 09:08:07')?.occurredAt).toBe('2024-01-02T09:08:07+08:00');
    expect(parseLooseDate('人民币合计')).toBeNull();
    expect(parseTimeOfDay('093015')).toEqual([9, 30, 15]);
    expect(parseTimeOfDay('17:57:17')).toEqual([17, 57, 17]);
    expect(parseTimeOfDay('25:00:00')).toBeNull();
  });
});
