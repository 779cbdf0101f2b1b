import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays } from '../calendar/shanghai';
import { checkCycleConfig, isoWeekday, settlementCycle, DEFAULT_SETTLEMENT_CYCLE } from './cycle';

describe('settlement cycles', () => {
  it('defaults to the previous Monday-Sunday, in Shanghai dates', () => {
    // Thursday 2026-10-15 12:00 Shanghai.
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, new Date('2026-10-15T04:00:00Z'))).toEqual({
      ok: true,
      value: { start: '2026-10-05', end: '2026-10-11', cutoffAt: '2026-10-12T00:00:00+08:00' },
    });
    // Monday 2026-10-12 00:30 Shanghai is still Sunday 16:30 UTC: the Monday run covers 10-05..10-11.
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, new Date('2026-10-11T16:30:00Z'))).toMatchObject({ value: { end: '2026-10-11' } });
    // Sunday 2026-10-11 23:00 Shanghai: that week is not over; the previous one is settled.
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, new Date('2026-10-11T15:00:00Z'))).toMatchObject({ value: { start: '2026-09-28', end: '2026-10-04' } });
  });

  it('takes an explicit cycle end only when it ends a cycle that is over', () => {
    const now = new Date('2026-10-15T04:00:00Z');
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, now, '2026-10-04')).toMatchObject({ ok: true, value: { start: '2026-09-28' } });
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, now, '2026-10-05')).toMatchObject({ ok: false, error: /not the day before a settlement day/ });
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, now, '2026-10-18')).toMatchObject({ ok: false, error: /not over yet/ });
    expect(settlementCycle(DEFAULT_SETTLEMENT_CYCLE, now, '2026-02-30')).toMatchObject({ ok: false, error: /not a YYYY-MM-DD/ });
    expect(settlementCycle({ period: 'monthly' }, now)).toMatchObject({ value: { start: '2026-09-01', end: '2026-09-30', cutoffAt: '2026-10-01T00:00:00+08:00' } });
    expect(settlementCycle({ period: 'monthly' }, now, '2026-09-29')).toMatchObject({ ok: false });
  });

  it('checks configurations', () => {
    expect(checkCycleConfig({ period: 'weekly', weekday: 3 })).toEqual({ ok: true, value: { period: 'weekly', weekday: 3 } });
    expect(checkCycleConfig({ period: 'weekly', weekday: 8 }).ok).toBe(false);
    expect(checkCycleConfig({ period: 'daily' }).ok).toBe(false);
    expect(checkCycleConfig(null).ok).toBe(false);
  });

  it('every default cycle is 7 days, ends on a Sunday and is over at the given time', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }), fc.integer({ min: 1, max: 7 }), (ms, weekday) => {
        const now = new Date(ms);
        const result = settlementCycle({ period: 'weekly', weekday }, now);
        if (!result.ok) return false;
        const { start, end, cutoffAt } = result.value;
        return addDays(start, 6) === end && isoWeekday(addDays(end, 1)) === weekday && new Date(cutoffAt).getTime() <= ms && new Date(cutoffAt).getTime() > ms - 7 * 86_400_000;
      }),
    );
  });
});
