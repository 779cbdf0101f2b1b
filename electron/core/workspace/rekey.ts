import { openWorkspaceDatabase, type SqliteDatabase } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { passphraseWeakness } from '../auth/passphrase-strength';
import { requirePermission, type Actor } from '../auth';
import { LedgerdeskError } from '../errors';
import { quoteSqlString, removeQuietly, replaceAtomically, siblingTempPath } from './file-safety';
import { deriveSecretBox } from './secrets';
import { verifyWorkspace } from './verify';
import { openWorkspace, type Workspace } from './workspace';

const SECRETS_SALT_KEY = 'secrets_salt';

/** Opens every secret under the old key and seals it again under a key from the new passphrase and a fresh salt. */
function resealSecrets(sqlite: SqliteDatabase, oldPassphrase: string, newPassphrase: string, now: Date): number {
  const oldBox = deriveSecretBox(sqlite, oldPassphrase);
  const rows = sqlite.prepare(`SELECT name, cipher_text FROM secrets ORDER BY name`).all() as { name: string; cipher_text: string }[];
  const plainTexts = rows.map((row) => {
    try {
      return { name: row.name, value: oldBox.open(row.cipher_text) };
    } catch {
      throw new LedgerdeskError('workspace_damaged', `the stored secret "${row.name}" cannot be opened with the current passphrase; nothing was changed`);
    }
  });
  sqlite.prepare(`DELETE FROM workspace_meta WHERE key = ?`).run(SECRETS_SALT_KEY);
  const newBox = deriveSecretBox(sqlite, newPassphrase);
  const update = sqlite.prepare(`UPDATE secrets SET cipher_text = ?, updated_at = ? WHERE name = ?`);
  for (const secret of plainTexts) update.run(newBox.seal(secret.value), now.toISOString(), secret.name);
  return plainTexts.length;
}

export interface ChangePassphraseResult {
  /** The workspace reopened under the new passphrase; the one passed in is closed. */
  workspace: Workspace;
  secretsResealed: number;
}

/**
 * Changes the workspace passphrase: the database is re-keyed (PRAGMA rekey) and every secret is
 * sealed again under the new passphrase-derived key, in one step. The work is done on a copy that
 * replaces the file by rename only once it opens with the new passphrase and verifies, so a crash
 * at any point leaves either the old workspace (old passphrase, old seals) or the new one, never a
 * mix. SQLite cannot rekey in WAL mode, another reason the copy is rekeyed, not the live file.
 */
export function changePassphrase(workspace: Workspace, oldPassphrase: string, newPassphrase: string, options: { actor: Actor }): ChangePassphraseResult {
  requirePermission(options.actor, 'passphrase.change');
  if (workspace.sqlite.readonly) throw new LedgerdeskError('forbidden', 'a read-only workspace cannot change its passphrase');
  const weakness = passphraseWeakness(newPassphrase);
  if (weakness) throw new LedgerdeskError('invalid_input', weakness);
  if (newPassphrase === oldPassphrase) throw new LedgerdeskError('invalid_input', 'the new passphrase is the same as the old one');
  const path = workspace.path;
  const clock = workspace.clock;
  const temp = siblingTempPath(path, 'rekey');
  try {
    workspace.sqlite.exec(`VACUUM INTO ${quoteSqlString(temp)}`);
    // The copy is under the current key: opening it with the old passphrase proves the caller knows it.
    const opened = openWorkspaceDatabase({ path: temp, passphrase: oldPassphrase });
    if (!opened.ok) throw new LedgerdeskError('wrong_passphrase', 'the current passphrase is wrong; nothing was changed');
    const copy = opened.database.sqlite;
    let secretsResealed = 0;
    try {
      const now = clock.now();
      copy.transaction(() => {
        secretsResealed = resealSecrets(copy, oldPassphrase, newPassphrase, now);
        appendAudit(copy, { userName: options.actor.userName, action: 'workspace.passphrase_change', objectType: 'workspace', objectId: null, detail: { secretsResealed } }, now);
      })();
      copy.pragma('journal_mode = DELETE');
      copy.pragma(`rekey=${quoteSqlString(newPassphrase)}`);
    } finally {
      copy.close();
    }
    assertCopyOpens(temp, newPassphrase);
    workspace.close();
    replaceAtomically(temp, path);
    return { workspace: openWorkspace({ path, passphrase: newPassphrase, clock }), secretsResealed };
  } finally {
    removeQuietly(temp);
  }
}

const COPY_CHECKS_REQUIRED = ['sqlite_integrity', 'entry_hash_chain', 'audit_hash_chain'];

/** Before the old file is replaced: the copy opens with the new passphrase, verifies, and its secrets open. */
function assertCopyOpens(path: string, passphrase: string): void {
  const reopened = openWorkspaceDatabase({ path, passphrase, readonly: true });
  if (!reopened.ok) throw new Error(`the re-keyed copy does not open with the new passphrase: ${reopened.error.message}`);
  const sqlite = reopened.database.sqlite;
  try {
    // Only what a re-key could break is required; business checks (balances...) are the workspace's own.
    const report = verifyWorkspace(sqlite);
    const failed = report.checks.find((check) => !check.ok && COPY_CHECKS_REQUIRED.includes(check.name));
    if (failed) throw new LedgerdeskError('workspace_damaged', `the re-keyed copy fails ${failed.name}: ${failed.detail}; nothing was changed`);
    const box = deriveSecretBox(sqlite, passphrase);
    for (const row of sqlite.prepare(`SELECT cipher_text FROM secrets`).all() as { cipher_text: string }[]) box.open(row.cipher_text);
  } finally {
    sqlite.close();
  }
}
