/**
 * Write-backs to the mall (withdrawal decisions, withdrawal payout results, commission
 * settlements) go through the mall outbox table: enqueued in the same transaction as the decision
 * or outcome they report, sent later by the sync's outbox flush with the row's Idempotency-Key.
 * Enqueueing the same key twice is a no-op, so a re-applied outcome never writes twice.
 */
import type { SqliteDatabase } from '../../../db/open';

export type MallWriteKind = 'withdrawal_decision' | 'withdrawal_payout_result' | 'commission_settlement';

export interface MallWrite {
  kind: MallWriteKind;
  path: string;
  /** At most 64 characters (the mall's limit). */
  idempotencyKey: string;
  body: Record<string, unknown>;
}

const IDEMPOTENCY_KEY_LENGTH_MAX = 64;

/** Returns false when a write with this key was already enqueued. */
export function enqueueMallWrite(sqlite: SqliteDatabase, write: MallWrite, userName: string, now: Date): boolean {
  if (write.idempotencyKey.length === 0 || write.idempotencyKey.length > IDEMPOTENCY_KEY_LENGTH_MAX) {
    throw new Error(`idempotency key "${write.idempotencyKey}" must be 1-${IDEMPOTENCY_KEY_LENGTH_MAX} characters`);
  }
  const at = now.toISOString();
  const result = sqlite
    .prepare(
      `INSERT INTO mall_outbox (kind, path, idempotency_key, body_json, state, attempts, next_attempt_at, created_at, created_by)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING`,
    )
    .run(write.kind, write.path, write.idempotencyKey, JSON.stringify(write.body), at, at, userName);
  return result.changes === 1;
}

export function withdrawalDecisionPath(withdrawalId: string): string {
  return `/v1/withdrawals/${encodeURIComponent(withdrawalId)}/decision`;
}

export function withdrawalPayoutResultPath(withdrawalId: string): string {
  return `/v1/withdrawals/${encodeURIComponent(withdrawalId)}/payout-result`;
}

export const COMMISSION_SETTLEMENTS_PATH = '/v1/commission-settlements';
