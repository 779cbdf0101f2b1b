import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { openWorkspaceDatabase } from '../../../db/open';
import { appendAudit, auditHead } from '../audit/audit-log';
import { passphraseWeakness } from '../auth/passphrase-strength';
import { createUser, requirePermission, type Actor } from '../auth';
import { isCalendarDate } from '../calendar/shanghai';
import { LedgerdeskError } from '../errors';
import { quoteSqlString, removeQuietly, replaceAtomically, sha256OfFile, siblingTempPath } from './file-safety';
import { verifyWorkspace } from './verify';
import { openWorkspace, type Workspace } from './workspace';

export interface AuditorCopyOptions {
  actor: Actor;
  /** The audited period, 'YYYY-MM-DD' (Asia/Shanghai), inclusive. */
  from: string;
  to: string;
  outFile: string;
  /** The copy's own passphrase, given to the auditor; the workspace passphrase is not. */
  passphrase: string;
  /** An auditor account created in the copy (else only the workspace's auditor users remain). */
  auditorUser?: { name: string; password: string };
}

export interface AuditorCopyResult {
  file: string;
  sha256: string;
  from: string;
  to: string;
  users: string[];
}

const ATTACHED_SCHEMA = 'auditor_copy';
const CHECKS_REQUIRED = ['sqlite_integrity', 'immutability_triggers', 'entry_hash_chain', 'audit_hash_chain'];

function validate(workspace: Workspace, options: AuditorCopyOptions): string {
  requirePermission(options.actor, 'auditor_copy.export');
  if (workspace.sqlite.readonly) throw new LedgerdeskError('forbidden', 'an auditor copy is made from a workspace opened for writing');
  if (!isCalendarDate(options.from) || !isCalendarDate(options.to)) throw new LedgerdeskError('invalid_input', 'the period needs YYYY-MM-DD dates');
  if (options.from > options.to) throw new LedgerdeskError('invalid_input', `the period starts (${options.from}) after it ends (${options.to})`);
  const weakness = passphraseWeakness(options.passphrase);
  if (weakness) throw new LedgerdeskError('invalid_input', weakness);
  const target = resolve(options.outFile);
  if (target === resolve(workspace.path)) throw new LedgerdeskError('invalid_input', 'the auditor copy cannot overwrite the workspace');
  if (existsSync(target)) throw new LedgerdeskError('conflict', `${target} already exists; choose a new file name`);
  return target;
}

/**
 * Writes an encrypted, read-only snapshot for an auditor, under its own passphrase. It keeps the
 * whole ledger and audit log (cutting rows out would break the hash chains the auditor checks);
 * the period is recorded in workspace_meta for the UI to filter by. Secrets and the password
 * hashes of non-auditor users are removed. openWorkspace opens it read-only (mode 'auditor'),
 * and its only users are auditors, whose role grants reading and exporting only.
 */
export async function exportAuditorCopy(workspace: Workspace, options: AuditorCopyOptions): Promise<AuditorCopyResult> {
  const target = validate(workspace, options);
  const temp = siblingTempPath(target, 'auditor');
  const now = workspace.clock.now();
  try {
    workspace.sqlite.exec(`VACUUM INTO ${quoteSqlString(temp)}`);
    // The copy comes out under the workspace key; attached without a key it shares that key, so it can be re-keyed here.
    workspace.sqlite.exec(`ATTACH DATABASE ${quoteSqlString(temp)} AS ${ATTACHED_SCHEMA}`);
    try {
      workspace.sqlite.pragma(`${ATTACHED_SCHEMA}.rekey=${quoteSqlString(options.passphrase)}`);
    } finally {
      workspace.sqlite.exec(`DETACH DATABASE ${ATTACHED_SCHEMA}`);
    }
    const users = prepareCopy(temp, workspace, options, now);
    assertCopyVerifies(temp, options.passphrase);
    replaceAtomically(temp, target);
    const sha256 = await sha256OfFile(target);
    appendAudit(
      workspace.sqlite,
      { userName: options.actor.userName, action: 'auditor_copy.export', objectType: 'workspace', objectId: null, detail: { file: basename(target), sha256, from: options.from, to: options.to, users } },
      now,
    );
    return { file: target, sha256, from: options.from, to: options.to, users };
  } finally {
    removeQuietly(temp);
  }
}

function prepareCopy(path: string, workspace: Workspace, options: AuditorCopyOptions, now: Date): string[] {
  const opened = openWorkspaceDatabase({ path, passphrase: options.passphrase });
  if (!opened.ok) throw new Error(`the auditor copy does not open with its passphrase: ${opened.error.message}`);
  const copy = opened.database.sqlite;
  try {
    copy.transaction(() => {
      copy.exec(`DELETE FROM secrets`);
      copy.prepare(`DELETE FROM workspace_meta WHERE key = 'secrets_salt'`).run();
      copy.prepare(`DELETE FROM users WHERE role != 'auditor'`).run();
      if (options.auditorUser) createUser(copy, { ...options.auditorUser, role: 'auditor' }, options.actor.userName, now);
      const setMeta = copy.prepare(`INSERT INTO workspace_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
      setMeta.run('mode', 'auditor');
      setMeta.run('auditor_period_from', options.from);
      setMeta.run('auditor_period_to', options.to);
      setMeta.run('auditor_exported_at', now.toISOString());
      setMeta.run('auditor_exported_by', options.actor.userName);
      setMeta.run('auditor_source_audit_head', JSON.stringify(auditHead(workspace.sqlite)));
      appendAudit(copy, { userName: options.actor.userName, action: 'auditor_copy.create', objectType: 'workspace', objectId: null, detail: { from: options.from, to: options.to } }, now);
    })();
    const users = (copy.prepare(`SELECT name FROM users ORDER BY id`).all() as { name: string }[]).map((row) => row.name);
    // Rollback journal, not WAL: a read-only open then needs no -shm file beside the copy.
    copy.pragma('journal_mode = DELETE');
    return users;
  } finally {
    copy.close();
  }
}

function assertCopyVerifies(path: string, passphrase: string): void {
  const copy = openWorkspace({ path, passphrase });
  try {
    if (!copy.sqlite.readonly || copy.info().mode !== 'auditor') throw new Error('an auditor copy must reopen read-only');
    const failed = verifyWorkspace(copy.sqlite).checks.find((check) => !check.ok && CHECKS_REQUIRED.includes(check.name));
    if (failed) throw new LedgerdeskError('workspace_damaged', `the auditor copy fails ${failed.name}: ${failed.detail}`);
  } finally {
    copy.close();
  }
}
