import { randomUUID } from 'node:crypto';
import type { SqliteDatabase } from '../../../../db/open';
import { LedgerdeskError } from '../../errors';
import { backoffDelayMs, MallRequestError, type MallClient } from './client';

/**
 * Write-backs to the mall live in the workspace until the mall has answered them, so they
 * survive restarts; each carries its Idempotency-Key from the start, so a repeat after a crash
 * (sent, but the answer lost) changes nothing at the mall.
 */
export type OutboxKind = 'withdrawal_decision' | 'withdrawal_payout_result' | 'commission_settlement';
export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxItem {
  id: number;
  kind: OutboxKind;
  path: string;
  idempotencyKey: string;
  body: unknown;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  responseStatus: number | null;
  response: unknown;
}

export interface EnqueueOutboxInput {
  kind: OutboxKind;
  /** The mall object the write is about: a withdrawal id, or a settlement number. */
  targetId: string;
  body: unknown;
  /** Default: a fresh UUID. Pass a stable key (e.g. `decision-<withdrawal id>`) to make enqueueing itself idempotent. */
  idempotencyKey?: string;
  userName: string;
  now: Date;
}

const idempotencyKeyLengthMax = 64;
export const OUTBOX_ATTEMPTS_MAX = 12;

export function outboxPath(kind: OutboxKind, targetId: string): string {
  switch (kind) {
    case 'withdrawal_decision':
      return `/v1/withdrawals/${encodeURIComponent(targetId)}/decision`;
    case 'withdrawal_payout_result':
      return `/v1/withdrawals/${encodeURIComponent(targetId)}/payout-result`;
    case 'commission_settlement':
      return '/v1/commission-settlements';
  }
}

interface OutboxRow {
  id: number;
  kind: OutboxKind;
  path: string;
  idempotency_key: string;
  body_json: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  response_status: number | null;
  response_json: string | null;
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    kind: row.kind,
    path: row.path,
    idempotencyKey: row.idempotency_key,
    body: JSON.parse(row.body_json),
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    responseStatus: row.response_status,
    response: row.response_json === null ? null : JSON.parse(row.response_json),
  };
}

/**
 * Queues a write-back (call it inside the transaction that records the decision, so both
 * commit together). Enqueueing the same idempotency key twice returns the first item.
 */
export function enqueueOutbox(sqlite: SqliteDatabase, input: EnqueueOutboxInput): OutboxItem {
  const key = input.idempotencyKey ?? randomUUID();
  if (key.length === 0 || key.length > idempotencyKeyLengthMax) {
    throw new LedgerdeskError('invalid_input', `an idempotency key has 1 to ${idempotencyKeyLengthMax} characters`);
  }
  const existing = sqlite.prepare(`SELECT * FROM mall_outbox WHERE idempotency_key = ?`).get(key) as OutboxRow | undefined;
  if (existing) return toItem(existing);
  const at = input.now.toISOString();
  const inserted = sqlite
    .prepare(
      `INSERT INTO mall_outbox (kind, path, idempotency_key, body_json, state, attempts, next_attempt_at, created_at, created_by)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)`,
    )
    .run(input.kind, outboxPath(input.kind, input.targetId), key, JSON.stringify(input.body), at, at, input.userName);
  return toItem(sqlite.prepare(`SELECT * FROM mall_outbox WHERE id = ?`).get(Number(inserted.lastInsertRowid)) as OutboxRow);
}

export function listOutbox(sqlite: SqliteDatabase, state?: OutboxState): OutboxItem[] {
  const rows = (state
    ? sqlite.prepare(`SELECT * FROM mall_outbox WHERE state = ? ORDER BY id`).all(state)
    : sqlite.prepare(`SELECT * FROM mall_outbox ORDER BY id`).all()) as OutboxRow[];
  return rows.map(toItem);
}

export interface FlushOutboxOptions {
  now: () => Date;
  /** Jitter for the retry schedule, in [0, 1). */
  random?: () => number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  attemptsMax?: number;
}

export interface FlushOutboxResult {
  sent: number;
  failed: number;
  /** Still pending (retry scheduled). */
  deferred: number;
}

function errorMessage(body: unknown, status: number): string {
  const record = body as { code?: unknown; message?: unknown } | null;
  const code = typeof record?.code === 'string' ? record.code : `http_${status}`;
  const message = typeof record?.message === 'string' ? record.message : 'no message';
  return `${status} ${code}: ${message}`;
}

/**
 * Sends every due pending item once. 2xx -> sent (the mall's answer kept); 409 / 404 / 422 ->
 * failed with the mall's message (repeating cannot help); a mall that is unavailable -> the
 * item stays pending with a later next_attempt_at, until attemptsMax. 401 stops the flush.
 */
export async function flushOutbox(sqlite: SqliteDatabase, client: MallClient, options: FlushOutboxOptions): Promise<FlushOutboxResult> {
  const result: FlushOutboxResult = { sent: 0, failed: 0, deferred: 0 };
  const attemptsMax = options.attemptsMax ?? OUTBOX_ATTEMPTS_MAX;
  const due = sqlite.prepare(`SELECT * FROM mall_outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id`).all(options.now().toISOString()) as OutboxRow[];
  const finish = sqlite.prepare(
    `UPDATE mall_outbox SET state = ?, attempts = attempts + 1, last_error = ?, response_status = ?, response_json = ?, finished_at = ? WHERE id = ?`,
  );
  const defer = sqlite.prepare(`UPDATE mall_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`);
  for (const row of due) {
    let response;
    try {
      response = await client.post(row.path, JSON.parse(row.body_json), row.idempotency_key);
    } catch (error) {
      if (error instanceof MallRequestError && error.code === 'mall_unauthorized') throw error;
      if (!(error instanceof MallRequestError)) throw error;
      const attempts = row.attempts + 1;
      if (attempts >= attemptsMax) {
        finish.run('failed', `gave up after ${attempts} attempts: ${error.message}`, null, null, options.now().toISOString(), row.id);
        result.failed += 1;
      } else {
        const delayMs = backoffDelayMs(attempts, options.retryBaseMs ?? 30_000, options.retryMaxMs ?? 3_600_000, options.random ?? Math.random);
        defer.run(error.message, new Date(options.now().getTime() + delayMs).toISOString(), row.id);
        result.deferred += 1;
      }
      continue;
    }
    const at = options.now().toISOString();
    if (response.status >= 200 && response.status < 300) {
      finish.run('sent', null, response.status, JSON.stringify(response.body), at, row.id);
      result.sent += 1;
    } else {
      finish.run('failed', errorMessage(response.body, response.status), response.status, JSON.stringify(response.body), at, row.id);
      result.failed += 1;
    }
  }
  return result;
}
