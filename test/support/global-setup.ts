import { execFileSync } from 'node:child_process';

/** CLI tests run the built binary as a process: build it once per test run (esbuild, well under a second). */
export default function setup(): void {
  execFileSync(process.execPath, ['electron/cli/build.mjs'], { stdio: 'inherit' });
}
