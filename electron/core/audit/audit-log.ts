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
const secretKeyPattern = /pass(word|phrase)?|secret|token|private|key_?pem|p12|pfx|api_?v?3?_?key|merchant_?key|credential|authorization|cookie|session_?id/i;
/** Values that are secrets whatever their key is called (PEM private keys, bearer tokens). */
const secretValuePattern = /-----BEGIN [A-Z ]*PRIVATE KEY-----|^Bearer\s+\S{8,}/;
const REDACTED = '[redacted]';

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return secretValuePattern.test(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redactValue);
  if (value && typeof value === 'object') return redactSecrets(value as Record<string, unknown>);
  return value;
}

export function redactSecrets(detail: Record<string, unknown>): Record<string, unknown> {
  const redacted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(detail)) {
    redacted[key] = secretKeyPattern.test(key) ? REDACTED : redactValue(value);
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
  /** Exact action ('login.failed') or, ending in '.', every action under it ('withdrawal.'). */
  action?: string;
  /** ISO instants: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Paging backwards through the log: only rows with a smaller id (newest first). */
  beforeId?: number;
  limit?: number;
}

export const AUDIT_PAGE_ROW_COUNT_MAX = 5000;

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
  if (query.action) {
    if (query.action.endsWith('.')) {
      // Prefix match without LIKE wildcards: '_' and '%' in action names stay literal.
      conditions.push('substr(action, 1, ?) = ?');
      parameters.push(query.action.length, query.action);
    } else {
      conditions.push('action = ?');
      parameters.push(query.action);
    }
  }
  if (query.beforeId !== undefined) {
    conditions.push('id < ?');
    parameters.push(query.beforeId);
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
    .all(...parameters, Math.min(Math.max(1, query.limit ?? 500), AUDIT_PAGE_ROW_COUNT_MAX)) as Record<string, string | number | null>[];
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

/** The newest row of the chain: recording it elsewhere (a backup, an audit package) anchors the log's length. */
export function auditHead(sqlite: SqliteDatabase): { rowCount: number; lastId: number | null; hash: string } {
  const last = sqlite.prepare(`SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).get() as { id: number; hash: string } | undefined;
  const rowCount = (sqlite.prepare(`SELECT count(*) AS n FROM audit_log`).get() as { n: number }).n;
  return { rowCount, lastId: last?.id ?? null, hash: last?.hash ?? GENESIS_HASH };
}
