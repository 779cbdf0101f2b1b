// Bundles the benchmark into one CommonJS file (`npm run bench` runs it with plain node), the
// same way electron/cli/build.mjs bundles the CLI. node_modules stay external: the native
// SQLite module cannot be bundled, and out/cli/ resolves them from the project's node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['test/bench/main.ts'],
  outfile: 'out/cli/bench.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
