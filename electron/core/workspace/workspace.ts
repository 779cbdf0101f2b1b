import { openWorkspaceDatabase, type SqliteDatabase, type WorkspaceDatabase } from '../../../db/open';
import type { CipherScheme } from '../../../db/cipher';
import { appendAudit } from '../audit/audit-log';
import { passphraseWeakness } from '../auth/passphrase-strength';
import { createUser } from '../auth/users';
import { isCalendarDate, shanghaiDate, startOfShanghaiDay, systemClock, type Clock } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { allAccounts } from '../ledger/accounts';
import type { PostingContext } from '../ledger/post';
import { deriveSecretBox, type SecretBox } from './secrets';

export const APP_ID = 'ledgerdesk';

/** 'auditor': a read-only snapshot made for an auditor (auditor-copy.ts); it always opens read-only. */
export type WorkspaceMode = 'normal' | 'auditor';

export interface WorkspaceInfo {
  path: string;
  companyName: string;
  booksStart: string;
  createdAt: string;
  mode: WorkspaceMode;
  /** The period an auditor copy was made for ('YYYY-MM-DD' dates, Asia/Shanghai), else null. */
  auditorPeriod: { from: string; to: string } | null;
  readonly: boolean;
}

export interface Workspace {
  path: string;
  sqlite: SqliteDatabase;
  database: WorkspaceDatabase;
  clock: Clock;
  /** Seals and opens secrets stored in the workspace (key derived from the passphrase). */
  secrets: SecretBox;
  info(): WorkspaceInfo;
  postingContext(userName: string): PostingContext;
  /**
   * What a worker thread of this process needs to open its own connection to the file (a
   * reconciliation run splits its matching pass across two cores). Never leaves the process.
   */
  connectionKey(): { path: string; passphrase: string; cipherScheme: CipherScheme };
  close(): void;
}

export interface CreateWorkspaceInput {
  path: string;
  passphrase: string;
  companyName: string;
  adminName: string;
  adminPassword: string;
  /** 'YYYY-MM-DD'; the books start at 00:00 Asia/Shanghai that day. Default: first day of this month. */
  booksStartDate?: string;
  clock?: Clock;
}

export { PASSPHRASE_LENGTH_MIN } from '../auth/passphrase-strength';

export function checkPassphraseStrength(passphrase: string): string | null {
  return passphraseWeakness(passphrase);
}

function wrap(database: WorkspaceDatabase, clock: Clock, passphrase: string): Workspace {
  const sqlite = database.sqlite;
  let secretBox: SecretBox | null = null;
  return {
    path: database.path,
    sqlite,
    database,
    clock,
    get secrets() {
      secretBox ??= deriveSecretBox(sqlite, passphrase);
      return secretBox;
    },
    info() {
      const rows = sqlite.prepare(`SELECT key, value FROM workspace_meta`).all() as { key: string; value: string }[];
      const meta = new Map(rows.map((row) => [row.key, row.value]));
      return {
        path: database.path,
        companyName: meta.get('company_name') ?? '',
        booksStart: meta.get('books_start') ?? '',
        createdAt: meta.get('created_at') ?? '',
        mode: meta.get('mode') === 'auditor' ? 'auditor' : 'normal',
        auditorPeriod: meta.has('auditor_period_from') ? { from: meta.get('auditor_period_from') ?? '', to: meta.get('auditor_period_to') ?? '' } : null,
        readonly: sqlite.readonly,
      };
    },
    postingContext(userName: string) {
      return { sqlite, userName, now: () => clock.now() };
    },
    connectionKey() {
      return { path: database.path, passphrase, cipherScheme: database.cipherScheme };
    },
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

function failOpen(result: { ok: false; error: { code: string; message: string } }): never {
  throw new LedgerdeskError(result.error.code as 'wrong_passphrase', result.error.message);
}

/** Creates an encrypted workspace with its chart of accounts and admin user, all in one transaction. */
export function createWorkspace(input: CreateWorkspaceInput): Workspace {
  const clock = input.clock ?? systemClock;
  const weakness = checkPassphraseStrength(input.passphrase);
  if (weakness) throw new LedgerdeskError('invalid_input', weakness);
  const now = clock.now();
  const booksStartDate = input.booksStartDate ?? `${shanghaiDate(now).slice(0, 7)}-01`;
  if (!isCalendarDate(booksStartDate)) throw new LedgerdeskError('invalid_input', `books start "${booksStartDate}" is not a YYYY-MM-DD date`);
  if (!input.companyName.trim()) throw new LedgerdeskError('invalid_input', 'a company name is required');
  const opened = openWorkspaceDatabase({ path: input.path, passphrase: input.passphrase, create: true });
  if (!opened.ok) failOpen(opened);
  const workspace = wrap(opened.database, clock, input.passphrase);
  const sqlite = workspace.sqlite;
  try {
    sqlite.transaction(() => {
      const insertMeta = sqlite.prepare(`INSERT INTO workspace_meta (key, value) VALUES (?, ?)`);
      insertMeta.run('app_id', APP_ID);
      insertMeta.run('company_name', input.companyName.trim());
      insertMeta.run('books_start', startOfShanghaiDay(booksStartDate));
      insertMeta.run('created_at', now.toISOString());
      const insertAccount = sqlite.prepare(`INSERT INTO accounts (code, name, name_zh, kind) VALUES (?, ?, ?, ?)`);
      for (const account of allAccounts) insertAccount.run(account.code, account.name, account.nameZh, account.kind);
      appendAudit(
        sqlite,
        { userName: input.adminName, action: 'workspace.create', objectType: 'workspace', objectId: null, detail: { company: input.companyName, booksStartDate } },
        now,
      );
      createUser(sqlite, { name: input.adminName, role: 'admin', password: input.adminPassword }, input.adminName, now);
    })();
  } catch (error) {
    workspace.close();
    throw error;
  }
  return workspace;
}

export interface OpenWorkspaceInput {
  path: string;
  passphrase: string;
  readonly?: boolean;
  clock?: Clock;
}

export function openWorkspace(input: OpenWorkspaceInput): Workspace {
  const opened = openWorkspaceDatabase({ path: input.path, passphrase: input.passphrase, readonly: input.readonly });
  if (!opened.ok) failOpen(opened);
  const workspace = wrap(opened.database, input.clock ?? systemClock, input.passphrase);
  const appId = workspace.sqlite.prepare(`SELECT value FROM workspace_meta WHERE key = 'app_id'`).get() as { value: string } | undefined;
  if (appId?.value !== APP_ID) {
    workspace.close();
    throw new LedgerdeskError('not_a_workspace', `${input.path} is not a Ledgerdesk workspace`);
  }
  if (!input.readonly && workspace.info().mode === 'auditor') {
    // An auditor copy is a snapshot for reading: whatever the caller asked, it opens read-only.
    workspace.close();
    return openWorkspace({ ...input, readonly: true });
  }
  return workspace;
}
