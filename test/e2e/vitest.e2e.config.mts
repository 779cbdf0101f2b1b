import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests of the renderer in headless Chromium over the loopback bridge, plus the
 * Electron smoke test (skips without the Electron binary). Run with:
 *   npx vitest run --config test/e2e/vitest.e2e.config.mts
 * The global setup builds the app once (electron-vite build; no Electron binary needed).
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
