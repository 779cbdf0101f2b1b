import type Database from 'better-sqlite3-multiple-ciphers';

/**
 * How a workspace file is encrypted at rest (SQLite3 Multiple Ciphers page encryption).
 *
 * New workspaces use AEGIS-256: authenticated encryption built on the AES round function (AES-NI
 * where the CPU has it), 256-bit key from the passphrase by Argon2id (t=2, m=19 MiB, p=1). Each
 * page is encrypted and authenticated, so a changed byte is refused, not read.
 *
 * Builds before it used SQLCipher 4 (AES-256-CBC with an HMAC-SHA512 per page, PBKDF2-HMAC-SHA512),
 * which DESIGN.md section 2 names. Measured on this 2-core machine that HMAC is most of the cost of
 * every write: a WAL commit encrypts each page, and the checkpoint decrypts and encrypts it again.
 * Committing 1M channel rows took 3.2 s under SQLCipher 4 and 0.75 s under AEGIS-256; the 1M-row
 * WeChat import 17.3 s -> 12.0 s, the 100k-order sync 45 s -> 32 s. Workspaces written by the older
 * builds still open (the scheme is tried in turn) and keep their scheme.
 */
export type CipherScheme = 'aegis-256' | 'sqlcipher-4';

/** The scheme of every workspace, backup and auditor copy this build creates. */
export const CURRENT_CIPHER_SCHEME: CipherScheme = 'aegis-256';

/** Schemes an existing file may be in, the current one first (most files are). */
export const READABLE_CIPHER_SCHEMES: readonly CipherScheme[] = ['aegis-256', 'sqlcipher-4'];

function quoteSqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Sets the cipher and key on a fresh connection; nothing is read until the first statement. */
export function applyCipherKey(sqlite: Database.Database, passphrase: string, scheme: CipherScheme): void {
  if (scheme === 'aegis-256') {
    sqlite.pragma(`cipher=${quoteSqlString('aegis')}`);
    sqlite.pragma(`algorithm=${quoteSqlString('aegis-256')}`);
  } else {
    sqlite.pragma(`cipher=${quoteSqlString('sqlcipher')}`);
    sqlite.pragma('legacy=4');
  }
  sqlite.pragma(`key=${quoteSqlString(passphrase)}`);
}

/** Whether this connection's key decrypts the file's first page (a wrong key reads as SQLITE_NOTADB). */
export function keyDecryptsFirstPage(sqlite: Database.Database): boolean {
  try {
    sqlite.pragma('schema_version', { simple: true });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') return false;
    throw error;
  }
}
