// Bundles the CLI into one CommonJS file so `ledgerdesk` starts with plain node: no TypeScript
// compiler at run time. node_modules stay external (the native SQLite module cannot be bundled).
import { build } from 'esbuild';

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

await build({ ...common, entryPoints: ['electron/cli/entry.ts'], outfile: 'out/cli/ledgerdesk.cjs' });
// Imports parse files on a worker thread running this bundle (electron/cli/workers.ts).
await build({ ...common, entryPoints: ['electron/core/imports/channel-parse-worker.ts'], outfile: 'out/cli/channel-parse-worker.cjs' });
// Large reconciliations decide half their channel rows on a worker thread running this one (electron/cli/workers.ts).
await build({ ...common, entryPoints: ['electron/core/reconcile/pass-worker.ts'], outfile: 'out/cli/reconcile-pass-worker.cjs' });
// Syncs read long passes of mall pages ahead on a worker thread running this one (electron/cli/workers.ts).
await build({ ...common, entryPoints: ['electron/core/mall/sync/page-worker.ts'], outfile: 'out/cli/mall-page-worker.cjs' });
