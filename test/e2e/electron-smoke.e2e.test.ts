import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/**
 * The Electron shell itself, driven by Playwright's _electron API. The `electron` npm package
 * exports the path of its downloaded binary; where the download was skipped
 * (ELECTRON_SKIP_BINARY_DOWNLOAD=1, no network) that path does not exist and this test skips.
 */
function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null; // electron/index.js throws when the binary was never downloaded
  }
}

const binary = electronBinary();
if (!binary) console.warn('[e2e] Electron smoke test skipped: no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the renderer is covered by app.e2e.test.ts in Chromium');

describe.skipIf(!binary)('Electron shell smoke test', () => {
  it('starts one sandboxed window that shows the first-run screen and exposes only window.ledgerdesk', async () => {
    const userData = mkdtempSync(join(tmpdir(), 'ledgerdesk-electron-'));
    const app = await electron.launch({
      executablePath: binary!,
      args: [resolve('.'), `--user-data-dir=${userData}`, '--no-sandbox'],
      env: { ...process.env, LEDGERDESK_FIXED_NOW: '2026-10-15T04:00:00.000Z' },
    });
    try {
      const window = await app.firstWindow();
      await window.waitForSelector('text=欢迎使用 Ledgerdesk');
      const exposed = await window.evaluate(() => ({
        api: typeof (globalThis as unknown as { ledgerdesk?: unknown }).ledgerdesk,
        require: typeof (globalThis as unknown as { require?: unknown }).require,
        process: typeof (globalThis as unknown as { process?: unknown }).process,
      }));
      expect(exposed).toEqual({ api: 'object', require: 'undefined', process: 'undefined' });
      // Sandboxed and context-isolated: the page sees window.ledgerdesk and no Node (checked above); one window only.
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
      // Navigation away from the app is refused.
      await window.evaluate(() => {
        (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
      });
      expect(await window.evaluate(() => (globalThis as unknown as { location: { protocol: string } }).location.protocol)).toBe('file:');
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
