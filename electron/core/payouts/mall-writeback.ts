/**
 * Write-backs to the mall (withdrawal decisions, withdrawal payout results, commission
 * settlements) go through the sync's outbox: enqueued in the same transaction as the decision or
 * outcome they report, sent later by flushOutbox with the item's Idempotency-Key. Keys are stable
 * (derived from the withdrawal or payout), so enqueueing the same write twice is a no-op.
 */
import type { SqliteDatabase } from '../../../db/open';
import { LedgerdeskError } from '../errors';
import { createMallClient, type MallClientOptions } from '../mall/sync/client';
import { resolveMallConnection } from '../mall/sync/connection';
import { enqueueOutbox, flushOutbox, type OutboxKind } from '../mall/sync/outbox';
import type { Workspace } from '../workspace/workspace';

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

export interface MallWriteFlush {
  /** False when no mall connection is configured yet (the writes wait in the outbox). */
  attempted: boolean;
  sent: number;
  failed: number;
  deferred: number;
  error: string | null;
}

/**
 * Sends the pending write-backs now, over the remembered mall connection. A missing connection or
 * an unavailable mall is not an error of the decision that queued them: they stay pending and go
 * with the next flush.
 */
export async function flushPendingMallWrites(workspace: Workspace, clientOptions: Omit<MallClientOptions, 'url' | 'token'> = {}): Promise<MallWriteFlush> {
  let connection;
  try {
    connection = resolveMallConnection(workspace, {});
  } catch {
    return { attempted: false, sent: 0, failed: 0, deferred: 0, error: null };
  }
  try {
    const result = await flushOutbox(workspace.sqlite, createMallClient({ ...connection, attemptsMax: 2, ...clientOptions }), { now: () => workspace.clock.now() });
    return { attempted: true, ...result, error: null };
  } catch (error) {
    if (error instanceof LedgerdeskError) return { attempted: true, sent: 0, failed: 0, deferred: 0, error: error.message };
    throw error;
  }
}
