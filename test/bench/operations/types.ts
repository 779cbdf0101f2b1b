import type { ArtifactName } from '../artifacts';
import type { OperationTarget } from '../results';
import type { Scale } from '../scales';

export interface OperationContext {
  scale: Scale;
  /** Where the prepared artifacts are. */
  dataDir: string;
  /** A fresh, empty directory for this child's workspace and outputs. */
  workDir: string;
}

/** What a measure or floor function returns; the child adds its peak memory. */
export interface TimedRun {
  seconds: number;
  rowCount: number;
  /** CPU time (user + system, all threads) the timed part used: less sensitive to a busy machine than wall time. */
  cpuSeconds?: number;
  note?: string;
}

export interface BenchOperation {
  name: string;
  /** The figure the size column shows ("1,000,000 rows") and the count rows/s divides by. */
  size(scale: Scale): string;
  target: OperationTarget;
  /** null when the operation runs in this build; else why not (its engine has not landed). */
  unavailableReason: string | null;
  requires: readonly ArtifactName[];
  /** Sets up a fresh workspace (not timed), then times the operation alone. */
  measure(context: OperationContext): Promise<TimedRun>;
  /** The floor measured in the same run, when the operation has one. */
  floor?(context: OperationContext): Promise<TimedRun>;
}

/** Times fn alone: setup before the call and checks after it are not counted. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpuBefore = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  const value = await fn();
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { value, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export function countLabel(count: number, unit: string): string {
  return `${count.toLocaleString('en-US')} ${unit}`;
}
