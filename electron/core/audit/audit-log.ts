import type { SqliteDatabase } from '../../../db/open';
import { chainHash, GENESIS_HASH } from '../ledger/hash-chain';

export interface AuditEvent {
  userName: string;
  action: string;
  objectType: string;
  objectId: string | null;
  detail: Record<string, unknown>;
}

export interface AuditRow extends AuditEvent {
  id: number;
  at: string;
  previousHash: string;
  hash: string;
}

/** Secrets never reach the log: keys whose names look secret are redacted before hashing. */
const secretKeyPattern = /pass(word|phrase)?|secret|token|private|key_pem|p12/i;

export function redactSecrets(detail: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    if (secretKeyPattern.test(key)) redacted[key] = '[redacted]';
    else if (value && typeof value === 'object' && !Array.isArray(value)) redacted[key] = redactSecrets(value as Record<string, unknown>);
    else redacted[key] = value;
  }
  return redacted;
}

export function canonicalAuditContent(row: { at: string; userName: string; action: string; objectType: string; objectId: string | null; detailJson: string }): string {
  return JSON.stringify([row.at, row.userName, row.action, row.objectType, row.objectId, row.detailJson]);
}

/** Appends one event to the hash-chained audit log (inside the caller's transaction when there is one). */
export function appendAudit(sqlite: SqliteDatabase, event: AuditEvent, at: Date): AuditRow {
  const append = sqlite.transaction(() => {
    const previous = sqlite.prepare(`SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).get() as { hash: string } | undefined;
    const previousHash = previous?.hash ?? GENESIS_HASH;
    const row = {
      at: at.toISOString(),
      userName: event.userName,
      action: event.action,
      objectType: event.objectType,
      objectId: event.objectId,
      detailJson: JSON.stringify(redactSecrets(event.detail)),
    };
    const hash = chainHash(previousHash, canonicalAuditContent(row));
    const result = sqlite
      .prepare(
        `INSERT INTO audit_log (at, user_name, action, object_type, object_id, detail_json, previous_hash, hash)
         VALUES (@at, @userName, @action, @objectType, @objectId, @detailJson, @previousHash, @hash)`,
      )
      .run({ ...row, previousHash, hash });
    return { id: Number(result.lastInsertRowid), ...event, at: row.at, previousHash, hash };
  });
  return append();
}

export interface AuditQuery {
  userName?: string;
  objectType?: string;
  objectId?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export function listAudit(sqlite: SqliteDatabase, query: AuditQuery = {}): AuditRow[] {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  if (query.userName) {
    conditions.push('user_name = ?');
    parameters.push(query.userName);
  }
  if (query.objectType) {
    conditions.push('object_type = ?');
    parameters.push(query.objectType);
  }
  if (query.objectId) {
    conditions.push('object_id = ?');
    parameters.push(query.objectId);
  }
  if (query.from) {
    conditions.push('at >= ?');
    parameters.push(query.from);
  }
  if (query.to) {
    conditions.push('at < ?');
    parameters.push(query.to);
  }
  const rows = sqlite
    .prepare(
      `SELECT id, at, user_name, action, object_type, object_id, detail_json, previous_hash, hash FROM audit_log
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(...parameters, query.limit ?? 500) as Record<string, string | number | null>[];
  return rows.map((row) => ({
    id: Number(row.id),
    at: String(row.at),
    userName: String(row.user_name),
    action: String(row.action),
    objectType: String(row.object_type),
    objectId: row.object_id === null ? null : String(row.object_id),
    detail: JSON.parse(String(row.detail_json)) as Record<string, unknown>,
    previousHash: String(row.previous_hash),
    hash: String(row.hash),
  }));
}
