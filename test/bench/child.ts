import { spawn } from 'node:child_process';

/** The line a child prints last: the marker, then one JSON object. */
export const CHILD_RESULT_MARKER = 'BENCH_CHILD_RESULT ';

export type ChildOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Runs this same bench script in a child process (one operation, one floor or one artifact) and
 * reads the JSON it prints last. Progress on the child's stderr goes straight to ours.
 */
export function runChild<T>(
  scriptPath: string,
  args: readonly string[],
  options: { nodeOptions?: readonly string[]; timeoutSeconds?: number } = {},
): Promise<ChildOutcome<T>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), scriptPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    // A pathological operation must not hold the whole run hostage: it is stopped and reported.
    const timer = options.timeoutSeconds
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutSeconds * 1000)
      : null;
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => resolve({ ok: false, error: `could not start the child: ${error.message}` }));
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (timedOut) {
        resolve({ ok: false, error: `timed out: stopped after ${options.timeoutSeconds} s` });
        return;
      }
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      const resultLine = [...lines].reverse().find((line) => line.startsWith(CHILD_RESULT_MARKER));
      if (resultLine === undefined) {
        const tail = lines.filter(Boolean).slice(-3).join(' | ');
        resolve({ ok: false, error: `child ${args.join(' ')} ${signal ? `killed by ${signal}` : `exited ${code}`} without a result${tail ? `: ${tail}` : ''}` });
        return;
      }
      let parsed: { ok: true; value: T } | { ok: false; error: string };
      try {
        parsed = JSON.parse(resultLine.slice(CHILD_RESULT_MARKER.length)) as typeof parsed;
      } catch (error) {
        resolve({ ok: false, error: `child printed unreadable JSON: ${(error as Error).message}` });
        return;
      }
      resolve(parsed.ok && code !== 0 ? { ok: false, error: `child exited ${code} after its result` } : parsed);
    });
  });
}

/** What the child side prints once, at the end: its value, or why it failed. */
export function printChildResult(outcome: ChildOutcome<unknown>): void {
  process.stdout.write(`\n${CHILD_RESULT_MARKER}${JSON.stringify(outcome)}\n`);
}

/** Peak resident memory of this process so far, in MB (maxRSS is in kilobytes). */
export function peakMemoryMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
