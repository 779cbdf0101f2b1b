/**
 * What one benchmark operation reports (DESIGN.md section 12) and how it is judged.
 * bench-results.json is a list of BenchResult, with exactly these keys.
 */
export interface BenchResult {
  operation: string;
  /** What was processed, in words with its count ("1,000,000 rows"). */
  size: string;
  /** null when the operation is not available in this build (its engine has not landed). */
  seconds: number | null;
  rows_per_second: number | null;
  peak_memory_mb: number | null;
  floor_seconds: number | null;
  ratio_to_floor: number | null;
  target_seconds: number | null;
  /** null when there is nothing to judge: not available, or no target for this operation. */
  pass: boolean | null;
}

export const benchResultKeys: readonly (keyof BenchResult)[] = [
  'operation',
  'size',
  'seconds',
  'rows_per_second',
  'peak_memory_mb',
  'floor_seconds',
  'ratio_to_floor',
  'target_seconds',
  'pass',
];

/** The targets of one operation; every bound is optional. */
export interface OperationTarget {
  secondsMax: number | null;
  ratioToFloorMax: number | null;
  peakMemoryMbMax: number | null;
}

export const noTarget: OperationTarget = { secondsMax: null, ratioToFloorMax: null, peakMemoryMbMax: null };

/** What a measuring child reports on its last stdout line. */
export interface Measurement {
  seconds: number;
  /** Rows (orders, postings, distributors...) the operation processed. */
  rowCount: number;
  peakMemoryMb: number;
  cpuSeconds?: number;
  /** Free text for the printed table (e.g. what the floor is made of). */
  note?: string;
}

/** Rounds a measured figure for the report (seconds to 0.1 ms, enough for the 50 ms grid target). */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

export function hasAnyTarget(target: OperationTarget): boolean {
  return target.secondsMax !== null || target.ratioToFloorMax !== null || target.peakMemoryMbMax !== null;
}

/**
 * Judges one measurement against its targets. A bound whose figure is missing (a floor that
 * could not be measured) fails: a target is never passed by default.
 */
export function judge(
  target: OperationTarget,
  figures: { seconds: number; ratioToFloor: number | null; peakMemoryMb: number },
): boolean | null {
  if (!hasAnyTarget(target)) return null;
  if (target.secondsMax !== null && !(figures.seconds <= target.secondsMax)) return false;
  if (target.ratioToFloorMax !== null && (figures.ratioToFloor === null || !(figures.ratioToFloor <= target.ratioToFloorMax))) return false;
  if (target.peakMemoryMbMax !== null && !(figures.peakMemoryMb <= target.peakMemoryMbMax)) return false;
  return true;
}

export function measuredResult(
  operation: string,
  size: string,
  target: OperationTarget,
  measurement: Measurement,
  floor: Measurement | null,
): BenchResult {
  const ratioToFloor = floor && floor.seconds > 0 ? measurement.seconds / floor.seconds : null;
  return {
    operation,
    size,
    seconds: roundTo(measurement.seconds, 4),
    rows_per_second: measurement.seconds > 0 ? Math.round(measurement.rowCount / measurement.seconds) : null,
    peak_memory_mb: roundTo(measurement.peakMemoryMb, 1),
    floor_seconds: floor ? roundTo(floor.seconds, 4) : null,
    ratio_to_floor: ratioToFloor === null ? null : roundTo(ratioToFloor, 2),
    target_seconds: target.secondsMax,
    pass: judge(target, { seconds: measurement.seconds, ratioToFloor, peakMemoryMb: measurement.peakMemoryMb }),
  };
}

export function unavailableResult(operation: string, size: string, target: OperationTarget): BenchResult {
  return {
    operation,
    size,
    seconds: null,
    rows_per_second: null,
    peak_memory_mb: null,
    floor_seconds: null,
    ratio_to_floor: null,
    target_seconds: target.secondsMax,
    pass: null,
  };
}

export function describeTarget(target: OperationTarget): string {
  const parts: string[] = [];
  if (target.secondsMax !== null) parts.push(target.secondsMax < 1 ? `<= ${target.secondsMax * 1000} ms` : `<= ${target.secondsMax} s`);
  if (target.ratioToFloorMax !== null) parts.push(`<= ${target.ratioToFloorMax}x floor`);
  if (target.peakMemoryMbMax !== null) parts.push(`<= ${target.peakMemoryMbMax} MB`);
  return parts.length ? parts.join(', ') : '-';
}

function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '-';
  return seconds < 1 ? `${roundTo(seconds * 1000, 1)} ms` : `${roundTo(seconds, 2)} s`;
}

function formatCount(value: number | null): string {
  return value === null ? '-' : value.toLocaleString('en-US');
}

export interface TableLine {
  result: BenchResult;
  target: OperationTarget;
  /** 'not available' for an operation whose engine has not landed, or a failure message. */
  status: string | null;
  note: string | null;
}

/** The human table printed after a run (the JSON file carries the same figures). */
export function formatTable(lines: readonly TableLine[]): string {
  const header = ['operation', 'size', 'time', 'rows/s', 'peak MB', 'floor', 'x floor', 'target', 'pass'];
  const body = lines.map(({ result, target, status }) => [
    result.operation,
    result.size,
    status ?? formatSeconds(result.seconds),
    formatCount(result.rows_per_second),
    result.peak_memory_mb === null ? '-' : String(result.peak_memory_mb),
    formatSeconds(result.floor_seconds),
    result.ratio_to_floor === null ? '-' : `${result.ratio_to_floor}x`,
    describeTarget(target),
    result.pass === null ? '-' : result.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => row[column].length)));
  const render = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  const notes = lines.filter((line) => line.note).map((line) => `  ${line.result.operation}: ${line.note}`);
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...body.map(render), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
