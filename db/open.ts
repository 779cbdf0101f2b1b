import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { applyCipherKey, CURRENT_CIPHER_SCHEME, type CipherScheme, READABLE_CIPHER_SCHEMES } from './cipher';
import { bundledMigrations, type BundledMigration } from './migrations/bundle.generated';
import * as schema from './schema';

export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement;
export type OrmDatabase = BetterSQLite3Database<typeof schema>;

/** An open workspace database: the raw handle for hot paths and drizzle for the rest. */
export interface WorkspaceDatabase {
  path: string;
  sqlite: SqliteDatabase;
  orm: OrmDatabase;
  readonly: boolean;
  /** The scheme the file is encrypted with (a worker thread's own connection must use it too). */
  cipherScheme: CipherScheme;
}

export type WorkspaceOpenErrorCode =
  | 'workspace_not_found'
  | 'workspace_exists'
  | 'wrong_passphrase'
  | 'not_a_workspace'
  | 'workspace_too_new'
  | 'workspace_damaged';

export interface WorkspaceOpenError {
  code: WorkspaceOpenErrorCode;
  message: string;
}

export type WorkspaceOpenResult = { ok: true; database: WorkspaceDatabase } | { ok: false; error: WorkspaceOpenError };

export interface OpenWorkspaceOptions {
  path: string;
  passphrase: string;
  /** Create a new workspace; refuses an existing file. */
  create?: boolean;
  readonly?: boolean;
  /** The migrations this build ships; tests pass a shorter list to play an older app. */
  migrations?: BundledMigration[];
  /** The scheme of a new workspace; tests pass the older one to play a workspace of an earlier build. */
  cipherScheme?: CipherScheme;
}

const MIGRATIONS_TABLE = 'ledgerdesk_migrations';
const PLAIN_SQLITE_HEADER = 'SQLite format 3\u0000';

function readFileHeader(path: string): Buffer {
  const header = Buffer.alloc(16);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, header, 0, 16, 0);
  } finally {
    closeSync(descriptor);
  }
  return header;
}

/**
 * Opens the file with the first scheme whose key decrypts it (a new file: the current scheme).
 * A failed key leaves a connection unusable for another cipher, so each try is its own connection.
 */
function openDecrypted(options: OpenWorkspaceOptions): { sqlite: SqliteDatabase; scheme: CipherScheme } | null {
  const schemes = options.create ? [options.cipherScheme ?? CURRENT_CIPHER_SCHEME] : READABLE_CIPHER_SCHEMES;
  for (const scheme of schemes) {
    const sqlite = new Database(options.path, { readonly: Boolean(options.readonly), fileMustExist: !options.create });
    try {
      applyCipherKey(sqlite, options.passphrase, scheme);
      sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
      return { sqlite, scheme };
    } catch {
      sqlite.close();
    }
  }
  return null;
}

/**
 * Opens (or creates) an encrypted workspace, applies the shipped migrations and checks that the
 * workspace is not newer than this app. Bad passphrases and foreign files are typed errors.
 */
export function openWorkspaceDatabase(options: OpenWorkspaceOptions): WorkspaceOpenResult {
  const migrations = options.migrations ?? bundledMigrations;
  const exists = existsSync(options.path);
  if (options.create && exists) {
    return { ok: false, error: { code: 'workspace_exists', message: `a file already exists at ${options.path}` } };
  }
  if (!options.create && !exists) {
    return { ok: false, error: { code: 'workspace_not_found', message: `no workspace at ${options.path}` } };
  }
  if (exists && readFileHeader(options.path).toString('latin1') === PLAIN_SQLITE_HEADER) {
    return {
      ok: false,
      error: { code: 'not_a_workspace', message: `${options.path} is an unencrypted SQLite file, not a Ledgerdesk workspace` },
    };
  }
  if (!options.passphrase) {
    return { ok: false, error: { code: 'wrong_passphrase', message: 'a passphrase is required' } };
  }
  const decrypted = openDecrypted(options);
  if (!decrypted) {
    return {
      ok: false,
      error: {
        code: 'wrong_passphrase',
        message: `cannot decrypt ${options.path}: the passphrase is wrong, or the file is not a Ledgerdesk workspace`,
      },
    };
  }
  const { sqlite, scheme } = decrypted;
  try {
    if (!options.readonly) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    // A 256 MiB page cache (filled lazily): reconciling a million rows and paging its results
    // otherwise re-reads and re-decrypts the same pages over and over.
    sqlite.pragma('cache_size = -262144');
    const migrated = migrate(sqlite, migrations, Boolean(options.create), Boolean(options.readonly));
    if (!migrated.ok) {
      sqlite.close();
      return migrated;
    }
    return { ok: true, database: { path: options.path, sqlite, orm: drizzle(sqlite, { schema }), readonly: Boolean(options.readonly), cipherScheme: scheme } };
  } catch (error) {
    if (sqlite.open) sqlite.close();
    throw error;
  }
}

function migrate(
  sqlite: SqliteDatabase,
  migrations: BundledMigration[],
  creating: boolean,
  readonly: boolean,
): { ok: true } | { ok: false; error: WorkspaceOpenError } {
  const hasTable = sqlite
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`)
    .get(MIGRATIONS_TABLE);
  if (!hasTable) {
    const tableCount = (sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n;
    if (!creating || tableCount > 0) {
      return { ok: false, error: { code: 'not_a_workspace', message: 'the database holds no Ledgerdesk workspace' } };
    }
    sqlite.exec(`CREATE TABLE ${MIGRATIONS_TABLE} (idx INTEGER PRIMARY KEY, tag TEXT NOT NULL, hash TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  }
  const applied = sqlite.prepare(`SELECT idx, tag, hash FROM ${MIGRATIONS_TABLE} ORDER BY idx`).all() as {
    idx: number;
    tag: string;
    hash: string;
  }[];
  for (const row of applied) {
    const shipped = migrations[row.idx];
    if (!shipped) {
      return {
        ok: false,
        error: {
          code: 'workspace_too_new',
          message: `this workspace was written by a newer Ledgerdesk (schema step ${row.tag}); update the app to open it`,
        },
      };
    }
    if (shipped.tag !== row.tag || shipped.hash !== row.hash) {
      return {
        ok: false,
        error: {
          code: 'workspace_too_new',
          message: `this workspace's schema (${row.tag}) does not match this app's (${shipped.tag}); it was written by another version`,
        },
      };
    }
  }
  const pending = migrations.slice(applied.length);
  if (pending.length === 0) return { ok: true };
  if (readonly) {
    return { ok: false, error: { code: 'workspace_damaged', message: 'a read-only workspace needs migrating; open it writable once' } };
  }
  const insert = sqlite.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (idx, tag, hash, applied_at) VALUES (?, ?, ?, ?)`);
  sqlite.transaction(() => {
    pending.forEach((migration, offset) => {
      for (const statement of migration.statements) sqlite.exec(statement);
      insert.run(applied.length + offset, migration.tag, migration.hash, new Date().toISOString());
    });
  })();
  return { ok: true };
}

export { schema };
