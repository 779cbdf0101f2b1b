import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fen, multiplyByRate } from '../money';
import { ratioBelow, ratioText } from './rate';
import { expectedFeeSql } from './pass';
import { rateFraction } from './settings';

const sqlite = new Database(':memory:');
afterAll(() => sqlite.close());

function feeInSql(amountFen: number, rate: string): number {
  return (sqlite.prepare(`SELECT ${expectedFeeSql('CAST(@amount AS INTEGER)', rateFraction(rate))} AS fee`).get({ amount: amountFen }) as { fee: number }).fee;
}

describe('expected fee in SQL', () => {
  it('equals multiplyByRate(amount, rate, half-up) for any amount and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 6 }),
        (amountFen, rateDigits, decimals) => {
          const rate = decimals === 0 ? String(rateDigits % 2) : `0.${String(rateDigits % 10 ** decimals).padStart(decimals, '0')}`;
          // + 0: decimal.js rounds a small negative product to -0; SQLite has no negative zero.
          expect(feeInSql(amountFen, rate)).toBe(multiplyByRate(fen(amountFen), rate, 'half-up') + 0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rounds half away from zero on both signs (a returned fee mirrors the charged one)', () => {
    expect(feeInSql(250, '0.006')).toBe(2); // 1.5 fen -> 2
    expect(feeInSql(-250, '0.006')).toBe(-2);
    expect(feeInSql(249, '0.006')).toBe(1); // 1.494 -> 1
    expect(feeInSql(0, '0.006')).toBe(0);
  });
});

describe('rates', () => {
  it('parses rates exactly and refuses bad ones', () => {
    expect(rateFraction('0.006')).toEqual({ text: '0.006', numerator: 6, denominator: 1000 });
    expect(rateFraction('0.0060')).toEqual({ text: '0.006', numerator: 6, denominator: 1000 });
    expect(() => rateFraction('0.6%')).toThrow(/not a rate/);
    expect(() => rateFraction('-0.006')).toThrow(/not a rate/);
    expect(() => rateFraction('1.5')).toThrow(/above 1/);
    expect(() => rateFraction('0.000000001')).toThrow(/decimals/);
  });

  it('compares a ratio with a threshold exactly, without rounding', () => {
    const threshold = rateFraction('0.001');
    expect(ratioBelow(99, 100_000, threshold)).toBe(true);
    expect(ratioBelow(100, 100_000, threshold)).toBe(false); // equal is not below
    expect(ratioBelow(0, 0, threshold)).toBe(true);
    expect(ratioBelow(1, 0, threshold)).toBe(false);
    expect(ratioText(1, 3)).toBe('0.33333333');
    expect(ratioText(5, 0)).toBe('0');
  });
});
