import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYuanToFen } from '../../money';
import { parseMallMoney } from './money-memo';

describe('parseMallMoney', () => {
  it('answers exactly what parseYuanToFen answers, first time and remembered', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer({ min: -1e12, max: 1e12 }).map((fen) => `${fen < 0 ? '-' : ''}${Math.trunc(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`)), (text) => {
        expect(parseMallMoney(text)).toEqual(parseYuanToFen(text));
        expect(parseMallMoney(text)).toEqual(parseYuanToFen(text));
      }),
    );
  });

  it('keeps bad input a typed error', () => {
    expect(parseMallMoney('12.345')).toMatchObject({ ok: false });
    expect(parseMallMoney('abc')).toMatchObject({ ok: false });
    expect(parseMallMoney('0.10')).toEqual({ ok: true, value: 10 });
  });
});
