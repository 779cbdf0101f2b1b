import { isScaleName, type ScaleName } from './scales';

export type BenchCommand =
  | {
      mode: 'run';
      scale: ScaleName;
      outPath: string;
      dataDir: string | null;
      only: string[] | null;
      cpuProfileDir: string | null;
      childTimeoutSeconds: number;
    }
  | { mode: 'run-one'; scale: ScaleName; operationKey: string; floor: boolean; dataDir: string }
  | { mode: 'prepare'; scale: ScaleName; artifact: string; dataDir: string }
  | { mode: 'serve-mall'; scale: ScaleName }
  | { mode: 'serve-simulator' }
  | { mode: 'help' };

export type ParsedArgs = { ok: true; command: BenchCommand } | { ok: false; error: string };

export const CHILD_TIMEOUT_SECONDS_DEFAULT = 1800;

export const usage = `usage: npm run bench [-- --scale tiny|small|full] [--out FILE] [--data-dir DIR] [--only OP,OP] [--cpu-prof-dir DIR] [--timeout SECONDS]
  --scale     data sizes (default full: DESIGN.md section 12; small: CI smoke run; tiny: unit smoke)
  --out       where to write the results (default bench-results.json)
  --data-dir  keep the generated inputs there and reuse them on the next run (default: a temp dir, removed)
  --only      measure only these operations (keys below)
  --cpu-prof-dir  run each measuring child under node --cpu-prof, profiles written there
  --timeout   stop a measuring child after this many seconds and report it failed (default ${CHILD_TIMEOUT_SECONDS_DEFAULT})
internal: --run-one OP [--floor] --data-dir DIR | --prepare ARTIFACT --data-dir DIR | --serve-mall | --serve-simulator`;

const valueFlags = new Set(['--scale', '--out', '--data-dir', '--only', '--run-one', '--prepare', '--cpu-prof-dir', '--timeout']);
const booleanFlags = new Set(['--floor', '--help', '--serve-mall', '--serve-simulator']);

export function parseBenchArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    const [flag, inline] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, undefined];
    if (booleanFlags.has(flag) && inline === undefined) {
      booleans.add(flag);
    } else if (valueFlags.has(flag)) {
      const value = inline ?? argv[(index += 1)];
      if (value === undefined || value === '') return { ok: false, error: `${flag} needs a value` };
      if (values.has(flag)) return { ok: false, error: `${flag} given twice` };
      values.set(flag, value);
    } else {
      return { ok: false, error: `unknown argument "${argument}"` };
    }
  }
  if (booleans.has('--help')) return { ok: true, command: { mode: 'help' } };
  if (booleans.has('--serve-simulator')) {
    // The settlement's simulator child (test/integration/payouts-settlement-bench.ts spawns it so).
    return values.size === 0 && booleans.size === 1 ? { ok: true, command: { mode: 'serve-simulator' } } : { ok: false, error: '--serve-simulator takes no other argument' };
  }
  const scale = values.get('--scale') ?? 'full';
  if (!isScaleName(scale)) return { ok: false, error: `--scale must be tiny, small or full, not "${scale}"` };
  const dataDir = values.get('--data-dir') ?? null;
  if (booleans.has('--serve-mall')) {
    if (values.size > 1 || booleans.size > 1) return { ok: false, error: '--serve-mall takes only --scale' };
    return { ok: true, command: { mode: 'serve-mall', scale } };
  }
  const runOne = values.get('--run-one');
  const prepare = values.get('--prepare');
  if (runOne !== undefined && prepare !== undefined) return { ok: false, error: '--run-one and --prepare exclude each other' };
  if (runOne !== undefined || prepare !== undefined) {
    if (dataDir === null) return { ok: false, error: `${runOne !== undefined ? '--run-one' : '--prepare'} needs --data-dir` };
    if (['--out', '--only', '--cpu-prof-dir', '--timeout'].some((flag) => values.has(flag))) {
      return { ok: false, error: '--out, --only, --cpu-prof-dir and --timeout apply to a whole run only' };
    }
    if (runOne !== undefined) return { ok: true, command: { mode: 'run-one', scale, operationKey: runOne, floor: booleans.has('--floor'), dataDir } };
    if (booleans.has('--floor')) return { ok: false, error: '--floor applies to --run-one only' };
    return { ok: true, command: { mode: 'prepare', scale, artifact: prepare!, dataDir } };
  }
  if (booleans.has('--floor')) return { ok: false, error: '--floor applies to --run-one only' };
  const timeoutText = values.get('--timeout');
  const childTimeoutSeconds = timeoutText === undefined ? CHILD_TIMEOUT_SECONDS_DEFAULT : Number(timeoutText);
  if (!/^\d+$/.test(timeoutText ?? '0') || !(childTimeoutSeconds > 0)) return { ok: false, error: `--timeout must be a whole number of seconds, not "${timeoutText}"` };
  const only = values.get('--only')?.split(',').map((key) => key.trim()).filter(Boolean) ?? null;
  return {
    ok: true,
    command: {
      mode: 'run',
      scale,
      outPath: values.get('--out') ?? 'bench-results.json',
      dataDir,
      only,
      cpuProfileDir: values.get('--cpu-prof-dir') ?? null,
      childTimeoutSeconds,
    },
  };
}
