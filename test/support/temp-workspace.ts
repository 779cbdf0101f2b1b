import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, type Clock } from '../../electron/core/calendar/shanghai';
import { createWorkspace, type Workspace } from '../../electron/core/workspace';

export const TEST_PASSPHRASE = 'correct horse battery staple';
export const TEST_ADMIN_PASSWORD = 'admin-password-1';
export const TEST_NOW = '2026-10-15T04:00:00.000Z';

export interface TempWorkspace {
  workspace: Workspace;
  directory: string;
  path: string;
  clock: Clock;
  cleanup(): void;
}

/** A fresh encrypted workspace in its own temp folder, with a fixed clock. */
export function createTempWorkspace(options: { booksStartDate?: string; now?: string; companyName?: string } = {}): TempWorkspace {
  const directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-test-'));
  const path = join(directory, 'books.ldw');
  const clock = fixedClock(options.now ?? TEST_NOW);
  const workspace = createWorkspace({
    path,
    passphrase: TEST_PASSPHRASE,
    companyName: options.companyName ?? '示例商城有限公司',
    adminName: 'admin',
    adminPassword: TEST_ADMIN_PASSWORD,
    booksStartDate: options.booksStartDate ?? '2026-10-01',
    clock,
  });
  return {
    workspace,
    directory,
    path,
    clock,
    cleanup() {
      workspace.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
