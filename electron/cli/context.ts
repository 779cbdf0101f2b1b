import { homedir } from 'node:os';
import { join } from 'node:path';
import { authenticate, type Actor } from '../core/auth';
import { systemClock, fixedClock, type Clock } from '../core/calendar/shanghai';
import { LedgerdeskError } from '../core/errors';
import { acquireWorkspaceLock, openWorkspace, type Workspace } from '../core/workspace';
import { readHiddenLine } from './prompt';

export interface GlobalOptions {
  workspacePath: string;
  json: boolean;
  userName: string;
}

export interface CommandContext {
  options: GlobalOptions;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Human-readable output (suppressed with --json). */
  say(text: string): void;
  /** Progress on stderr when it is a terminal; silent otherwise. */
  progress(label: string, done: number, total: number | null): void;
  passphrase(): Promise<string>;
  openWorkspace(options?: { readonly?: boolean }): Promise<Workspace>;
  /** Authenticates --user with LEDGERDESK_USER_PASSWORD (or a prompt on a terminal). */
  actor(workspace: Workspace): Promise<Actor>;
}

/** Where the workspace lives unless --workspace or LEDGERDESK_WORKSPACE says otherwise. */
export function defaultWorkspacePath(env: NodeJS.ProcessEnv): string {
  return env.LEDGERDESK_WORKSPACE ?? join(env.LEDGERDESK_HOME ?? join(homedir(), 'Ledgerdesk'), 'workspace.ldw');
}

export function createCommandContext(options: GlobalOptions, env: NodeJS.ProcessEnv): CommandContext {
  // LEDGERDESK_FIXED_NOW pins the clock for reproducible runs and tests.
  const clock = env.LEDGERDESK_FIXED_NOW ? fixedClock(env.LEDGERDESK_FIXED_NOW) : systemClock;
  let lastProgressAt = 0;
  const context: CommandContext = {
    options,
    clock,
    env,
    say(text) {
      if (!options.json) process.stdout.write(`${text}\n`);
    },
    progress(label, done, total) {
      if (!process.stderr.isTTY) return;
      const now = Date.now();
      if (now - lastProgressAt < 100 && done !== total) return;
      lastProgressAt = now;
      const width = 30;
      const bar = total ? '#'.repeat(Math.round((done / total) * width)).padEnd(width, '.') : '';
      process.stderr.write(`\r${label} ${total ? `[${bar}] ${done}/${total}` : `${done}`}\u001b[K`);
      if (total !== null && done >= total) process.stderr.write('\n');
    },
    async passphrase() {
      if (env.LEDGERDESK_PASSPHRASE) return env.LEDGERDESK_PASSPHRASE;
      if (process.stdin.isTTY) return readHiddenLine('Workspace passphrase: ');
      throw new LedgerdeskError('usage', 'set LEDGERDESK_PASSPHRASE (no terminal to ask for the workspace passphrase)');
    },
    async openWorkspace(openOptions = {}) {
      const passphrase = await context.passphrase();
      if (openOptions.readonly) return openWorkspace({ path: options.workspacePath, passphrase, readonly: true, clock });
      // A writer holds the workspace lock, so the app and a script never write one file at once.
      const lock = acquireWorkspaceLock(options.workspacePath);
      try {
        const workspace = openWorkspace({ path: options.workspacePath, passphrase, clock });
        const close = workspace.close.bind(workspace);
        workspace.close = () => {
          close();
          lock.release();
        };
        return workspace;
      } catch (error) {
        lock.release();
        throw error;
      }
    },
    async actor(workspace) {
      const password = env.LEDGERDESK_USER_PASSWORD ?? (process.stdin.isTTY ? await readHiddenLine(`Password for ${options.userName}: `) : undefined);
      if (!password) throw new LedgerdeskError('usage', `set LEDGERDESK_USER_PASSWORD to act as ${options.userName}`);
      return authenticate(workspace.sqlite, options.userName, password, clock.now());
    },
  };
  return context;
}
