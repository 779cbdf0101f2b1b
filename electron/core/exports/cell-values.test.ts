import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHANGHAI_OFFSET_MILLISECONDS, toExcelWallClockDate } from './cell-values';

describe('toExcelWallClockDate', () => {
  it('reads a +08:00 ledger time as the same wall clock the general parser gives', () => {
    const instants = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }).map((milliseconds) => Math.floor(milliseconds / 1000) * 1000);
    fc.assert(
      fc.property(instants, (instantMilliseconds) => {
        const wallIso = new Date(instantMilliseconds + SHANGHAI_OFFSET_MILLISECONDS).toISOString().slice(0, 19);
        const ledgerTime = `${wallIso}+08:00`;
        expect(toExcelWallClockDate(ledgerTime).getTime()).toBe(new Date(instantMilliseconds).getTime() + SHANGHAI_OFFSET_MILLISECONDS);
        // the same instant written in UTC goes through the general parser
        expect(toExcelWallClockDate(new Date(instantMilliseconds).toISOString()).getTime()).toBe(instantMilliseconds + SHANGHAI_OFFSET_MILLISECONDS);
      }),
    );
  });

  it('shows 2026-10-31T23:59:59+08:00 as 23:59:59 on the 31st, not as the UTC time', () => {
    expect(toExcelWallClockDate('2026-10-31T23:59:59+08:00').toISOString()).toBe('2026-10-31T23:59:59.000Z');
    expect(toExcelWallClockDate('2026-10-31').toISOString()).toBe('2026-10-31T00:00:00.000Z');
  });

  it('refuses impossible dates instead of rolling them over', () => {
    for (const text of ['2026-02-30T10:00:00+08:00', '2026-13-01T00:00:00+08:00', '2026-10-01T24:00:00+08:00', '2026-10-01T10:60:00+08:00', 'yesterday']) {
      expect(() => toExcelWallClockDate(text), text).toThrow(RangeError);
    }
  });
});
