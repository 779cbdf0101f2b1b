import type { SqliteDatabase, SqliteStatement } from '../../../../db/open';
import { shanghaiDate } from '../../calendar/shanghai';
import type { MallOrder, MallRefund, MallSyncedResource } from '../contract/types';
import { isProjected, projectedBodyPaths, projectedBodyValue, projectionFromParametersSql } from '../../reconcile/projection';
import { commissionSourceNo } from './desired';

/** The workspace tables of the sync (db/schema/mall.ts), behind prepared statements. */
export interface StoredDocument {
  resource: MallSyncedResource;
  id: string;
  version: number;
  body: Record<string, unknown>;
}

export interface Checkpoint {
  resource: string;
  updatedSince: string | null;
  cursor: string | null;
  highWater: string | null;
}

interface Statements {
  documentVersion: SqliteStatement;
  documentVersions: SqliteStatement;
  refundsOfOrders: SqliteStatement;
  documentBody: SqliteStatement;
  upsertDocument: SqliteStatement;
  upsertProjection: SqliteStatement;
  refundsOfOrder: SqliteStatement;
  loadCheckpoint: SqliteStatement;
  saveCheckpoint: SqliteStatement;
  rejectedSeen: SqliteStatement;
  insertRejected: SqliteStatement;
}

const cache = new WeakMap<SqliteDatabase, Statements>();

function statements(sqlite: SqliteDatabase): Statements {
  let prepared = cache.get(sqlite);
  if (!prepared) {
    prepared = {
      documentVersion: sqlite.prepare(`SELECT version FROM mall_documents WHERE resource = ? AND id = ?`),
      // A page's lookups in one statement each: the ids go in as one JSON array.
      documentVersions: sqlite.prepare(`SELECT id, version FROM mall_documents WHERE resource = ? AND id IN (SELECT value FROM json_each(?))`),
      refundsOfOrders: sqlite.prepare(
        `SELECT order_id, body_json FROM mall_documents INDEXED BY mall_documents_order
         WHERE order_id IN (SELECT value FROM json_each(?)) AND resource = 'refunds' ORDER BY order_id, id`,
      ),
      documentBody: sqlite.prepare(`SELECT body_json FROM mall_documents WHERE resource = ? AND id = ?`),
      upsertDocument: sqlite.prepare(
        `INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at,
           document_no = excluded.document_no, party_id = excluded.party_id, order_id = excluded.order_id,
           business_date = excluded.business_date, body_json = excluded.body_json, synced_at = excluded.synced_at`,
      ),
      upsertProjection: sqlite.prepare(projectionFromParametersSql),
      // INDEXED BY: without statistics the planner prefers the primary key (resource) and scans every refund.
      refundsOfOrder: sqlite.prepare(`SELECT body_json FROM mall_documents INDEXED BY mall_documents_order WHERE order_id = ? AND resource = 'refunds' ORDER BY id`),
      loadCheckpoint: sqlite.prepare(`SELECT resource, updated_since AS updatedSince, cursor, high_water AS highWater FROM mall_checkpoints WHERE resource = ?`),
      saveCheckpoint: sqlite.prepare(
        `INSERT INTO mall_checkpoints (resource, updated_since, cursor, high_water, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(resource) DO UPDATE SET updated_since = excluded.updated_since, cursor = excluded.cursor,
           high_water = excluded.high_water, updated_at = excluded.updated_at`,
      ),
      rejectedSeen: sqlite.prepare(`SELECT 1 FROM mall_rejected_records WHERE resource = ? AND record_id = ? AND version IS ?`),
      insertRejected: sqlite.prepare(
        `INSERT INTO mall_rejected_records (resource, record_id, version, reason, body_json, seen_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
    };
    cache.set(sqlite, prepared);
  }
  return prepared;
}

export function storedVersion(sqlite: SqliteDatabase, resource: string, id: string): number | null {
  const row = statements(sqlite).documentVersion.get(resource, id) as { version: number } | undefined;
  return row ? row.version : null;
}

/** The stored versions of many documents of one resource (absent ids are not stored). */
export function storedVersions(sqlite: SqliteDatabase, resource: string, ids: readonly string[]): Map<string, number> {
  const versions = new Map<string, number>();
  if (ids.length === 0) return versions;
  for (const row of statements(sqlite).documentVersions.all(resource, JSON.stringify(ids)) as { id: string; version: number }[]) {
    versions.set(row.id, row.version);
  }
  return versions;
}

/** The stored refunds of many orders, by order id, each list in id order (orders without refunds are absent). */
export function loadRefundsOfOrders(sqlite: SqliteDatabase, orderIds: readonly string[]): Map<string, MallRefund[]> {
  const byOrder = new Map<string, MallRefund[]>();
  if (orderIds.length === 0) return byOrder;
  for (const row of statements(sqlite).refundsOfOrders.all(JSON.stringify(orderIds)) as { order_id: string; body_json: string }[]) {
    const refunds = byOrder.get(row.order_id) ?? [];
    refunds.push(JSON.parse(row.body_json) as MallRefund);
    byOrder.set(row.order_id, refunds);
  }
  return byOrder;
}

export function loadDocumentBody<T>(sqlite: SqliteDatabase, resource: string, id: string): T | null {
  const row = statements(sqlite).documentBody.get(resource, id) as { body_json: string } | undefined;
  return row ? (JSON.parse(row.body_json) as T) : null;
}

export function loadRefundsOfOrder(sqlite: SqliteDatabase, orderId: string): MallRefund[] {
  return (statements(sqlite).refundsOfOrder.all(orderId) as { body_json: string }[]).map((row) => JSON.parse(row.body_json) as MallRefund);
}

/** The columns that make documents findable: number, party, order link, paid date. */
export function documentColumns(resource: MallSyncedResource, record: Record<string, unknown>): { documentNo: string | null; partyId: string | null; orderId: string | null; businessDate: string | null } {
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  switch (resource) {
    case 'orders': {
      const order = record as unknown as MallOrder;
      return { documentNo: order.order_no, partyId: order.member_id, orderId: null, businessDate: order.paid_at ? shanghaiDate(order.paid_at) : null };
    }
    case 'refunds':
      return { documentNo: text(record.refund_no), partyId: null, orderId: text(record.order_id), businessDate: null };
    case 'topups':
      return { documentNo: text(record.topup_no), partyId: text(record.member_id), orderId: null, businessDate: null };
    case 'points':
      return { documentNo: null, partyId: text(record.member_id), orderId: text(record.order_id), businessDate: null };
    case 'commissions':
      return {
        documentNo: commissionSourceNo(record as never),
        partyId: text(record.distributor_id),
        orderId: text(record.order_id),
        businessDate: null,
      };
    case 'withdrawals':
      return { documentNo: text(record.withdrawal_no), partyId: text(record.member_id), orderId: null, businessDate: null };
    case 'members':
      return { documentNo: null, partyId: text(record.id), orderId: null, businessDate: null };
  }
}

export function upsertDocument(sqlite: SqliteDatabase, resource: MallSyncedResource, record: Record<string, unknown> & { id: string; version: number; updated_at: string }, bodyJson: string, now: Date): void {
  const columns = documentColumns(resource, record);
  // Positional parameters: binding by name costs a lookup per parameter on every document.
  statements(sqlite).upsertDocument.run(
    resource,
    record.id,
    record.version,
    record.updated_at,
    columns.documentNo,
    columns.partyId,
    columns.orderId,
    columns.businessDate,
    bodyJson,
    now.toISOString(),
  );
  // The keys reconciliation matches on, from the parsed record (no JSON parsed again in SQL).
  if (isProjected(resource, columns.documentNo)) {
    statements(sqlite).upsertProjection.run(
      resource,
      record.id,
      record.version,
      columns.documentNo,
      columns.orderId,
      ...projectedBodyPaths.map((path) => projectedBodyValue(record[path])),
    );
  }
}

export function loadCheckpoint(sqlite: SqliteDatabase, resource: string): Checkpoint {
  const row = statements(sqlite).loadCheckpoint.get(resource) as Checkpoint | undefined;
  return row ?? { resource, updatedSince: null, cursor: null, highWater: null };
}

export function saveCheckpoint(sqlite: SqliteDatabase, checkpoint: Checkpoint, now: Date): void {
  statements(sqlite).saveCheckpoint.run(checkpoint.resource, checkpoint.updatedSince, checkpoint.cursor, checkpoint.highWater, now.toISOString());
}

/** Records a rejected record once per (resource, id, version); false when it was already known. */
export function recordRejected(sqlite: SqliteDatabase, resource: string, recordId: string, version: number | null, reason: string, bodyJson: string, now: Date): boolean {
  const prepared = statements(sqlite);
  if (prepared.rejectedSeen.get(resource, recordId, version)) return false;
  prepared.insertRejected.run(resource, recordId, version, reason, bodyJson, now.toISOString());
  return true;
}

export interface RejectedRecordRow {
  resource: string;
  recordId: string;
  version: number | null;
  reason: string;
  seenAt: string;
}

/** The rejected records, newest first (the UI's list). */
export function listRejectedRecords(sqlite: SqliteDatabase, limit = 1000): RejectedRecordRow[] {
  return sqlite
    .prepare(`SELECT resource, record_id AS recordId, version, reason, seen_at AS seenAt FROM mall_rejected_records ORDER BY row_id DESC LIMIT ?`)
    .all(limit) as RejectedRecordRow[];
}
