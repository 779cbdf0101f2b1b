import type { SqliteDatabase } from '../../../db/open';
import { requirePermission, type Actor } from '../auth/users';
import { listAudit, type AuditQuery, type AuditRow } from './audit-log';

/** The audit trail as a person sees it: admins, finance reviewers and auditors. */
export function readAuditLog(sqlite: SqliteDatabase, actor: Actor, query: AuditQuery = {}): AuditRow[] {
  requirePermission(actor, 'audit.read');
  return listAudit(sqlite, query);
}
