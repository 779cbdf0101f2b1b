// Bundles the CLI into one CommonJS file so `ledgerdesk` starts with plain node: no TypeScript
// compiler at run time. node_modules stay external (the native SQLite module cannot be bundled).
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/cli/entry.ts'],
  outfile: 'out/cli/ledgerdesk.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // pdf.ts falls back to require() when import.meta is empty, as it is in this CommonJS bundle.
  logOverride: { 'empty-import-meta': 'silent' },
});
