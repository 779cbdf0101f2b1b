import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYuanToFen } from '../money';
import { parseAmountFen, parseCount, parseLooseDate, parseNaiveBeijingTime, parseTimeOfDay } from './values';

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
