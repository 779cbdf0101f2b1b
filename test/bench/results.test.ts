import { describe, expect, it } from 'vitest';
import { benchResultKeys, formatTable, judge, measuredResult, noTarget, unavailableResult, type OperationTarget } from './results';

const importTarget: OperationTarget = { secondsMax: 10, ratioToFloorMax: 2, peakMemoryMbMax: null };

describe('judging a measurement', () => {
  it('passes only when every bound holds', () => {
    expect(judge(importTarget, { seconds: 8, ratioToFloor: 1.9, peakMemoryMb: 900 })).toBe(true);
    expect(judge(importTarget, { seconds: 10.01, ratioToFloor: 1.5, peakMemoryMb: 100 })).toBe(false);
    expect(judge(importTarget, { seconds: 5, ratioToFloor: 2.1, peakMemoryMb: 100 })).toBe(false);
    expect(judge({ secondsMax: 30, ratioToFloorMax: null, peakMemoryMbMax: 500 }, { seconds: 20, ratioToFloor: null, peakMemoryMb: 501 })).toBe(false);
  });

  it('fails a floor-ratio target when the floor is missing, never passes it by default', () => {
    expect(judge(importTarget, { seconds: 1, ratioToFloor: null, peakMemoryMb: 10 })).toBe(false);
  });

  it('judges nothing without a target', () => {
    expect(judge(noTarget, { seconds: 1e9, ratioToFloor: 1e9, peakMemoryMb: 1e9 })).toBeNull();
  });
});

describe('result rows', () => {
  it('carries exactly the documented keys, with rows/s and the ratio to the floor', () => {
    const result = measuredResult('import WeChat trade bill', '1,000,000 rows', importTarget, { seconds: 8, rowCount: 1_000_000, peakMemoryMb: 321.04 }, { seconds: 5, rowCount: 1_000_000, peakMemoryMb: 200 });
    expect(Object.keys(result)).toEqual(benchResultKeys);
    expect(result).toMatchObject({ seconds: 8, rows_per_second: 125_000, peak_memory_mb: 321, floor_seconds: 5, ratio_to_floor: 1.6, target_seconds: 10, pass: true });
  });

  it('gives an unavailable operation no figures and no verdict', () => {
    const result = unavailableResult('reconcile', '1 x 1', importTarget);
    expect(Object.keys(result)).toEqual(benchResultKeys);
    expect(result).toMatchObject({ seconds: null, rows_per_second: null, peak_memory_mb: null, floor_seconds: null, pass: null, target_seconds: 10 });
  });

  it('prints a table line per operation, with its status and notes', () => {
    const table = formatTable([
      { result: unavailableResult('reconcile', '2 rows', importTarget), target: importTarget, status: 'not available', note: 'engine has not landed' },
      { result: measuredResult('grid page', '200 rows', { secondsMax: 0.05, ratioToFloorMax: null, peakMemoryMbMax: null }, { seconds: 0.0123, rowCount: 200, peakMemoryMb: 50 }, null), target: { secondsMax: 0.05, ratioToFloorMax: null, peakMemoryMbMax: null }, status: null, note: null },
    ]);
    expect(table).toMatch(/reconcile\s+2 rows\s+not available/);
    expect(table).toMatch(/grid page\s+200 rows\s+12\.3 ms.*<= 50 ms\s+PASS/);
    expect(table).toContain('reconcile: engine has not landed');
  });
});
