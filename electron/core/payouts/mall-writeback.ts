/**
 * Write-backs to the mall (withdrawal decisions, withdrawal payout results, commission
 * settlements) go through the sync's outbox: enqueued in the same transaction as the decision or
 * outcome they report, sent later by flushOutbox with the item's Idempotency-Key. Keys are stable
 * (derived from the withdrawal or payout), so enqueueing the same write twice is a no-op.
 */
import type { SqliteDatabase } from '../../../db/open';
import { enqueueOutbox, type OutboxKind } from '../mall/sync/outbox';

export interface MallWrite {
  kind: OutboxKind;
  /** The withdrawal id, or the settlement number for commission settlements. */
  targetId: string;
  /** At most 64 characters (the mall's limit). */
  idempotencyKey: string;
  body: Record<string, unknown>;
}

export function enqueueMallWrite(sqlite: SqliteDatabase, write: MallWrite, userName: string, now: Date): void {
  enqueueOutbox(sqlite, { kind: write.kind, targetId: write.targetId, body: write.body, idempotencyKey: write.idempotencyKey, userName, now });
}
