import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three bundles (DESIGN.md section 1):
 * - main: the Electron shell; node_modules stay external (better-sqlite3-multiple-ciphers is a
 *   native module and is loaded from node_modules / app.asar.unpacked at run time);
 * - preload: CommonJS, everything bundled in, because a sandboxed preload can only `require`
 *   'electron' and a few built-ins;
 * - renderer: React, Vite root renderer/.
 * Building needs no Electron binary.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/main/index.ts') },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
