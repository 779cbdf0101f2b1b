import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { ApiResult, HandlerName, HandlerResult } from '../api';
import { fixedClock } from '../core/calendar/shanghai';
import { createHandlerSession, type HandlerSession, type ShellServices } from './handlers';
import { memoryRecentWorkspaceStore } from './stores';
import { inProcessTaskRunner, type TaskName, type TaskRunner } from './tasks';

/**
 * Test support for the handler tests: a fresh folder and handler session per test (as the window
 * calls them, tasks run in-process and recorded), the admin and clerk logins, and the error check.
 */
export const HANDLER_TEST_PASSPHRASE = 'correct horse battery staple';
export const HANDLER_TEST_ADMIN_PASSWORD = 'admin-password-1';

export function expectError(result: ApiResult<unknown>, code: string): void {
  expect(result.ok, JSON.stringify(result)).toBe(false);
  if (!result.ok) expect(result.error.code).toBe(code);
}

export interface HandlerTestSession {
  /** This test's folder and workspace path. */
  readonly directory: string;
  readonly path: string;
  /** The session under test; a test may replace it with one from start(). */
  handlers: HandlerSession;
  /** The tasks the session ran through its task runner, in order. */
  readonly ranTasks: TaskName[];
  start(extra?: Partial<ShellServices>): HandlerSession;
  ok<K extends HandlerName>(name: K, args: unknown): Promise<HandlerResult<K>>;
  createAndLogin(): Promise<void>;
  logInAsClerk(): Promise<void>;
}

/** Registers the per-test set-up and clean-up; call at describe level. */
export function useHandlerTestSession(options: { now: string; directoryPrefix: string }): HandlerTestSession {
  let directory = '';
  let handlers: HandlerSession | null = null;
  const ranTasks: TaskName[] = [];
  const session: HandlerTestSession = {
    get directory() {
      return directory;
    },
    get path() {
      return join(directory, 'books.ldw');
    },
    get handlers() {
      if (!handlers) throw new Error('no handler session outside a test');
      return handlers;
    },
    set handlers(value) {
      handlers = value;
    },
    ranTasks,
    start(extra = {}) {
      const recordingRunner: TaskRunner = {
        run(name, input, onProgress) {
          ranTasks.push(name);
          return inProcessTaskRunner.run(name, input, onProgress);
        },
      };
      return createHandlerSession({
        appVersion: 'test',
        clock: fixedClock(options.now),
        suggestedWorkspacePath: session.path,
        demoDirectory: join(directory, 'demo'),
        passphraseMemory: null,
        recentWorkspaces: memoryRecentWorkspaceStore(),
        taskRunner: recordingRunner,
        emitProgress: () => undefined,
        ...extra,
      });
    },
    async ok<K extends HandlerName>(name: K, args: unknown): Promise<HandlerResult<K>> {
      const result = (await session.handlers.dispatch(name, args)) as ApiResult<HandlerResult<K>>;
      if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    async createAndLogin() {
      await session.ok('createWorkspace', {
        path: session.path,
        passphrase: HANDLER_TEST_PASSPHRASE,
        companyName: '示例商城',
        adminName: 'admin',
        adminPassword: HANDLER_TEST_ADMIN_PASSWORD,
        booksStartDate: '2026-10-01',
      });
      await session.ok('login', { userName: 'admin', password: HANDLER_TEST_ADMIN_PASSWORD });
    },
    async logInAsClerk() {
      await session.ok('addUser', { name: 'clerk1', role: 'clerk', password: 'clerk-password-1' });
      await session.ok('login', { userName: 'clerk1', password: 'clerk-password-1' });
    },
  };
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), options.directoryPrefix));
    ranTasks.length = 0;
    handlers = session.start();
  });
  afterEach(() => {
    handlers?.close();
    handlers = null;
    rmSync(directory, { recursive: true, force: true });
  });
  return session;
}
