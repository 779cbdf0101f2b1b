import { useBundledWorkers } from '../../electron/cli/workers';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TASK_WORKER_YOUNG_GENERATION_MB } from '../../electron/main/worker-task-runner';
import { parseBenchArgs, usage, type BenchCommand } from './args';
import { artifactNames, isArtifactName, prepareArtifact, type ArtifactName } from './artifacts';
import { peakMemoryMb, printChildResult, runChild, type ChildOutcome } from './child';
import { benchOperations, findOperation, operationKey } from './operations';
import { serveMallInChild } from './operations/sync';
import { serveSimulator } from '../integration/payouts-settlement-bench';
import type { TimedRun } from './operations/types';
import { formatTable, measuredResult, unavailableResult, type BenchResult, type Measurement, type TableLine } from './results';
import { scales } from './scales';

/*
 * `npm run bench`: the orchestrator runs every operation of DESIGN.md section 12 in its own child
 * process (`--run-one`), so each one starts from a fresh workspace and its peak memory (maxRSS of
 * the child) is its own. Inputs are generated first, each in a `--prepare` child.
 */

const CHILD_WORK_DIR_PREFIX = 'child-work-';

function removeChildWorkDirs(dataDir: string): void {
  for (const name of readdirSync(dataDir)) if (name.startsWith(CHILD_WORK_DIR_PREFIX)) rmSync(join(dataDir, name), { recursive: true, force: true });
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function runOneInChild(command: Extract<BenchCommand, { mode: 'run-one' }>): Promise<void> {
  const operation = findOperation(command.operationKey);
  // Inside the data dir, so the orchestrator can clean up after a child it had to kill.
  const workDir = mkdtempSync(join(command.dataDir, CHILD_WORK_DIR_PREFIX));
  // Imports parse on a worker thread, as in the CLI and the app.
  useBundledWorkers(__dirname);
  try {
    if (!operation) throw new Error(`no operation "${command.operationKey}"`);
    if (operation.unavailableReason) throw new Error(`not available: ${operation.unavailableReason}`);
    const context = { scale: scales[command.scale], dataDir: command.dataDir, workDir };
    let run: TimedRun;
    if (command.floor) {
      if (!operation.floor) throw new Error(`${operation.name} has no floor`);
      run = await operation.floor(context);
    } else {
      run = await operation.measure(context);
    }
    const measurement: Measurement = { seconds: run.seconds, rowCount: run.rowCount, peakMemoryMb: peakMemoryMb(), cpuSeconds: run.cpuSeconds, note: run.note };
    printChildResult({ ok: true, value: measurement });
  } catch (error) {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    printChildResult({ ok: false, error: (error as Error).message });
    process.exitCode = 1;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function prepareInChild(command: Extract<BenchCommand, { mode: 'prepare' }>): Promise<void> {
  try {
    if (!isArtifactName(command.artifact)) throw new Error(`no artifact "${command.artifact}" (known: ${artifactNames.join(', ')})`);
    mkdirSync(command.dataDir, { recursive: true });
    printChildResult({ ok: true, value: await prepareArtifact(command.dataDir, command.artifact, scales[command.scale]) });
  } catch (error) {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    printChildResult({ ok: false, error: (error as Error).message });
    process.exitCode = 1;
  }
}

function failedResult(base: BenchResult): BenchResult {
  // The operation exists but crashed: it did not meet its target, and has no figures.
  return { ...base, pass: false };
}

async function runAll(command: Extract<BenchCommand, { mode: 'run' }>): Promise<void> {
  const scriptPath = process.argv[1];
  const scale = scales[command.scale];
  const selected = command.only ? benchOperations.filter((operation) => command.only!.includes(operationKey(operation))) : benchOperations;
  if (command.only) {
    const unknown = command.only.filter((key) => !benchOperations.some((operation) => operationKey(operation) === key));
    if (unknown.length) throw new Error(`unknown operation(s): ${unknown.join(', ')}; known: ${benchOperations.map(operationKey).join(', ')}`);
  }
  const dataDir = command.dataDir ? resolve(command.dataDir) : mkdtempSync(join(tmpdir(), `ledgerdesk-bench-${scale.name}-`));
  // Each measuring child gets the young generation the app's task worker has (worker-task-runner.ts).
  const semiSpaceOption = `--max-semi-space-size=${TASK_WORKER_YOUNG_GENERATION_MB / 3}`;
  const nodeOptions = [semiSpaceOption, ...(command.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(command.cpuProfileDir)}`] : [])];
  log(`scale ${scale.name}, inputs in ${dataDir}`);
  const startedAt = Date.now();
  const lines: TableLine[] = [];
  const prepared = new Map<ArtifactName, ChildOutcome<string>>();
  try {
    for (const operation of selected) {
      const key = operationKey(operation);
      const size = operation.size(scale);
      const base = unavailableResult(operation.name, size, operation.target);
      if (operation.unavailableReason) {
        log(`${key}: not available (${operation.unavailableReason})`);
        lines.push({ result: base, target: operation.target, status: 'not available', note: operation.unavailableReason });
        continue;
      }
      let preparationError: string | null = null;
      for (const artifact of operation.requires) {
        if (!prepared.has(artifact)) {
          log(`preparing ${artifact} ...`);
          const outcome = await runChild<string>(scriptPath, ['--prepare', artifact, '--scale', scale.name, '--data-dir', dataDir]);
          log(outcome.ok ? `prepared ${outcome.value}` : `preparing ${artifact} failed: ${outcome.error}`);
          prepared.set(artifact, outcome);
        }
        const outcome = prepared.get(artifact)!;
        if (!outcome.ok) preparationError = `preparing ${artifact} failed: ${outcome.error}`;
      }
      if (preparationError) {
        lines.push({ result: failedResult(base), target: operation.target, status: 'error', note: preparationError });
        continue;
      }
      const childArgs = ['--run-one', key, '--scale', scale.name, '--data-dir', dataDir];
      log(`${key}: measuring ...`);
      const measured = await runChild<Measurement>(scriptPath, childArgs, { nodeOptions, timeoutSeconds: command.childTimeoutSeconds });
      removeChildWorkDirs(dataDir);
      if (!measured.ok) {
        log(`${key}: failed: ${measured.error}`);
        lines.push({ result: failedResult(base), target: operation.target, status: 'error', note: measured.error });
        continue;
      }
      let floor: ChildOutcome<Measurement> | null = null;
      if (operation.floor) {
        log(`${key}: measuring the floor ...`);
        floor = await runChild<Measurement>(scriptPath, [...childArgs, '--floor'], { timeoutSeconds: command.childTimeoutSeconds });
        removeChildWorkDirs(dataDir);
        if (!floor.ok) log(`${key}: floor failed: ${floor.error}`);
      }
      const result = measuredResult(operation.name, size, operation.target, measured.value, floor?.ok ? floor.value : null);
      const cpu = (measurement: Measurement) => (measurement.cpuSeconds === undefined ? '' : `cpu ${measurement.cpuSeconds.toFixed(2)} s`);
      const notes = [
        cpu(measured.value),
        measured.value.note,
        floor?.ok ? [cpu(floor.value) && `floor ${cpu(floor.value)}`, floor.value.note].filter(Boolean).join(', ') : floor ? `floor failed: ${floor.error}` : undefined,
      ].filter(Boolean);
      log(`${key}: ${result.seconds} s${result.floor_seconds === null ? '' : ` (floor ${result.floor_seconds} s)`}, peak ${result.peak_memory_mb} MB; ${notes.join('; ')}`);
      lines.push({ result, target: operation.target, status: null, note: notes.length ? notes.join('; ') : null });
    }
  } finally {
    if (!command.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  const results = lines.map((line) => line.result);
  writeFileSync(command.outPath, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nLedgerdesk bench, scale ${scale.name} (${((Date.now() - startedAt) / 1000).toFixed(0)} s in all)\n\n${formatTable(lines)}\n\nwrote ${command.outPath}\n`);
}

async function main(): Promise<void> {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const command = parsed.command;
  if (command.mode === 'help') {
    process.stdout.write(`${usage}\noperations: ${benchOperations.map(operationKey).join(', ')}\n`);
  } else if (command.mode === 'run-one') {
    await runOneInChild(command);
  } else if (command.mode === 'prepare') {
    await prepareInChild(command);
  } else if (command.mode === 'serve-simulator') {
    await serveSimulator();
  } else if (command.mode === 'serve-mall') {
    await serveMallInChild(command.scale);
  } else {
    await runAll(command);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
