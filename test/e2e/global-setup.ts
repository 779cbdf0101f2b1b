import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Builds main, preload and renderer once before the end-to-end tests (no Electron binary needed). */
export default function setup(): void {
  if (process.env.LEDGERDESK_E2E_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
}
