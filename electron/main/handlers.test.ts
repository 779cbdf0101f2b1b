import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiResult, ProgressEvent } from '../api';
import { handlerNames } from '../api';
import { fixedClock } from '../core/calendar/shanghai';
import { createHandlerSession, type HandlerSession, type PassphraseMemory } from './handlers';
import { ipcSchemas } from './ipc-schemas';
import { memoryRecentWorkspaceStore } from './stores';
import { inProcessTaskRunner } from './tasks';

const PASSPHRASE = 'correct horse battery staple';
const ADMIN_PASSWORD = 'admin-password-1';

function memoryPassphrases(): PassphraseMemory {
  const stored = new Map<string, string>();
  return {
    remember: (path, passphrase) => void stored.set(path, passphrase),
    recall: (path) => stored.get(path) ?? null,
    forget: (path) => stored.delete(path),
    has: (path) => stored.has(path),
  };
}

function expectError(result: ApiResult<unknown>, code: string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.code).toBe(code);
}

describe('IPC handlers (validation -> core -> plain data)', () => {
  let directory: string;
  let path: string;
  let handlers: HandlerSession;
  let progress: ProgressEvent[];

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-handlers-'));
    path = join(directory, 'books.ldw');
    progress = [];
    handlers = createHandlerSession({
      appVersion: 'test',
      clock: fixedClock('2026-10-15T04:00:00.000Z'),
      suggestedWorkspacePath: path,
      demoDirectory: join(directory, 'demo'),
      passphraseMemory: memoryPassphrases(),
      recentWorkspaces: memoryRecentWorkspaceStore(),
      taskRunner: inProcessTaskRunner,
      emitProgress: (event) => progress.push(event),
    });
  });
  afterEach(() => {
    handlers.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('refuses a workspace another Ledgerdesk holds, and frees it on close', async () => {
    await createAndLogin();
    const second = createHandlerSession({
      appVersion: 'test',
      clock: fixedClock('2026-10-15T04:00:00.000Z'),
      suggestedWorkspacePath: path,
      demoDirectory: join(directory, 'demo-2'),
      passphraseMemory: memoryPassphrases(),
      recentWorkspaces: memoryRecentWorkspaceStore(),
      taskRunner: inProcessTaskRunner,
      emitProgress: () => undefined,
    });
    try {
      expectError(await second.dispatch('openWorkspace', { path, passphrase: PASSPHRASE }), 'workspace_locked');
      expect((await handlers.dispatch('closeWorkspace', {})).ok).toBe(true);
      expect((await second.dispatch('openWorkspace', { path, passphrase: PASSPHRASE })).ok).toBe(true);
    } finally {
      second.close();
    }
  });

  async function createAndLogin() {
    const created = await handlers.dispatch('createWorkspace', { path, passphrase: PASSPHRASE, companyName: '示例商城', adminName: 'admin', adminPassword: ADMIN_PASSWORD, booksStartDate: '2026-10-01', rememberPassphrase: true });
    expect(created.ok).toBe(true);
    expect((await handlers.dispatch('login', { userName: 'admin', password: ADMIN_PASSWORD })).ok).toBe(true);
  }

  it('has a schema for every handler of the contract', () => {
    expect(Object.keys(ipcSchemas).sort()).toEqual([...handlerNames].sort());
  });

  it('refuses unknown handlers, malformed and extra arguments before core runs', async () => {
    expectError(await handlers.dispatch('dropTables', {}), 'usage');
    expectError(await handlers.dispatch('ledgerFind', { text: 42 }), 'invalid_input');
    expectError(await handlers.dispatch('ledgerFind', { text: 'x', sql: 'DROP TABLE' }), 'invalid_input');
    expectError(await handlers.dispatch('memberStatement', { memberId: 'm1', subLedger: 'cash', fromDate: '2026-10-01', toDate: '2026-10-31' }), 'invalid_input');
    expectError(await handlers.dispatch('trialBalance', { asOfDate: '2026-13-45' }), 'invalid_input');
    expectError(await handlers.dispatch('createWorkspace', 'not an object'), 'invalid_input');
    expectError(await handlers.dispatch('addUser', { name: 'x', role: 'root', password: 'long-enough-1' }), 'invalid_input');
  });

  it('needs an open workspace and a logged-in user, and enforces roles in core', async () => {
    expectError(await handlers.dispatch('dashboard', {}), 'usage');
    await handlers.dispatch('createWorkspace', { path, passphrase: PASSPHRASE, companyName: '示例商城', adminName: 'admin', adminPassword: ADMIN_PASSWORD });
    expectError(await handlers.dispatch('dashboard', {}), 'authentication_failed');
    expectError(await handlers.dispatch('login', { userName: 'admin', password: 'wrong-password' }), 'authentication_failed');
    expect((await handlers.dispatch('login', { userName: 'admin', password: ADMIN_PASSWORD })).ok).toBe(true);
    expect((await handlers.dispatch('addUser', { name: 'clerk1', role: 'clerk', password: 'clerk-password-1' })).ok).toBe(true);
    expectError(await handlers.dispatch('addUser', { name: 'clerk1', role: 'clerk', password: 'clerk-password-1' }), 'conflict');
    await handlers.dispatch('logout', {});
    expect((await handlers.dispatch('login', { userName: 'clerk1', password: 'clerk-password-1' })).ok).toBe(true);
    expectError(await handlers.dispatch('addUser', { name: 'clerk2', role: 'admin', password: 'clerk-password-2' }), 'forbidden');
  });

  it('returns plain JSON data: a dashboard of an empty month, a balanced trial balance, a verify report with progress', async () => {
    await createAndLogin();
    const dashboard = await handlers.dispatch('dashboard', {});
    expect(dashboard.ok).toBe(true);
    if (dashboard.ok) {
      expect(JSON.parse(JSON.stringify(dashboard.value))).toEqual(dashboard.value);
      expect(dashboard.value).toMatchObject({ month: '2026-10', monthDebitTotalFen: 0, monthCreditTotalFen: 0, monthLines: [] });
    }
    const verify = await handlers.dispatch('verifyWorkspace', {});
    expect(verify.ok && (verify.value as { ok: boolean }).ok).toBe(true);
    expect(progress.at(-1)).toMatchObject({ finished: true });
  });

  it('reopens with the remembered passphrase; a wrong passphrase and a missing file are coded errors', async () => {
    await createAndLogin();
    await handlers.dispatch('closeWorkspace', {});
    const info = await handlers.dispatch('appInfo', {});
    expect(info.ok && info.value).toMatchObject({ recentWorkspaces: [{ path, companyName: '示例商城', passphraseRemembered: true }] });
    expectError(await handlers.dispatch('openWorkspace', { path, passphrase: 'wrong passphrase' }), 'wrong_passphrase');
    expectError(await handlers.dispatch('openWorkspace', { path: join(directory, 'missing.ldw'), passphrase: PASSPHRASE }), 'workspace_not_found');
    expect((await handlers.dispatch('openWorkspace', { path })).ok).toBe(true);
    expectError(await handlers.dispatch('createWorkspace', { path, passphrase: PASSPHRASE, companyName: 'x', adminName: 'admin', adminPassword: ADMIN_PASSWORD }), 'workspace_exists');
  });
});
