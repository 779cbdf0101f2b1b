import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toStoredInstant } from '../calendar/shanghai';
import { StoredInstantCache } from './stored-instant';

function storedOrError(compute: () => string): string {
  try {
    return compute();
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('StoredInstantCache', () => {
  it('gives exactly what toStoredInstant gives, on Beijing times and on other shapes', () => {
    const two = (value: number) => String(value).padStart(2, '0');
    const beijing = fc
      .tuple(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))
      .map(([year, month, day, hour, minute, second]) => `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}+08:00`);
    const other = fc.constantFrom('2026-10-01T00:01:28+01:00', '2026-10-01T00:01:28Z', '2026-10-01T00:01:28.5+08:00', '2026-10-01T00:01+08:00', '2026-02-30T10:00:00+08:00', 'not a time');
    const cache = new StoredInstantCache();
    fc.assert(
      fc.property(fc.oneof(beijing, other), (text) => {
        expect(storedOrError(() => cache.of(text))).toBe(storedOrError(() => toStoredInstant(text)));
      }),
      { numRuns: 5000 },
    );
    expect(cache.of('2026-10-01T00:01:28+08:00')).toBe('2026-09-30T16:01:28.000Z');
    expect(cache.of('2026-10-01T07:59:59+08:00')).toBe('2026-09-30T23:59:59.000Z');
    expect(cache.of('2026-10-01T08:00:00+08:00')).toBe('2026-10-01T00:00:00.000Z');
  });
});
