// Bundles the benchmark into one CommonJS file (`npm run bench` runs it with plain node), the
// same way electron/cli/build.mjs bundles the CLI. node_modules stay external: the native
// SQLite module cannot be bundled, so the output must live inside the project (out/...) for
// node to find them. `node test/bench/build.mjs [OUTFILE]`; default out/cli/bench.cjs.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';

const outfile = process.argv[2] ?? 'out/cli/bench.cjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // pdf.ts falls back to require() when import.meta is empty, as it is in this CommonJS bundle.
  logOverride: { 'empty-import-meta': 'silent' },
};

await build({ ...common, entryPoints: ['test/bench/main.ts'], outfile });
// The bench's imports parse on a worker thread, as the CLI's do (electron/cli/workers.ts).
await build({ ...common, entryPoints: ['electron/core/imports/channel-parse-worker.ts'], outfile: join(dirname(outfile), 'channel-parse-worker.cjs') });
// ... and its large reconciliations decide half their rows on one (electron/cli/workers.ts).
await build({ ...common, entryPoints: ['electron/core/reconcile/pass-worker.ts'], outfile: join(dirname(outfile), 'reconcile-pass-worker.cjs') });
// ... and its syncs read long passes of mall pages ahead on one (electron/cli/workers.ts).
await build({ ...common, entryPoints: ['electron/core/mall/sync/page-worker.ts'], outfile: join(dirname(outfile), 'mall-page-worker.cjs') });
