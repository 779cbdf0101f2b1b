import { importChannelFile } from '../../../electron/core/imports';
import { upsertDocument } from '../../../electron/core/mall/sync/store';
import { BENCH_ADMIN, createBenchWorkspace } from './ledger';
import { channelMovements } from './channel-bills';

/**
 * The reconciliation input: the WeChat trade bill imported (rowCount channel rows) and, stored
 * the way the sync stores them, the mall documents those rows pay or refund (orders, top-ups,
 * refunds). Setup, not measured; the documents are the same generator's, so they all match.
 */
export async function buildReconcileWorkspace(path: string, options: { billPath: string; seed: number; rowCount: number }): Promise<{ channelRowCount: number; documentCount: number }> {
  const workspace = createBenchWorkspace(path, '2026-10-01');
  try {
    const imported = await importChannelFile(workspace, options.billPath, { actor: BENCH_ADMIN });
    if (imported.error) throw new Error(`importing the bill failed: ${JSON.stringify(imported.error)}`);
    const now = workspace.clock.now();
    let documentCount = 0;
    const storeBatch = workspace.sqlite.transaction((records: { resource: 'orders' | 'topups' | 'refunds'; record: { id: string; version: number; updated_at: string } }[]) => {
      for (const { resource, record } of records) upsertDocument(workspace.sqlite, resource, record as never, JSON.stringify(record), now);
    });
    let batch: Parameters<typeof storeBatch>[0] = [];
    for (const movement of channelMovements({ seed: options.seed, channel: 'wechat', rowCount: options.rowCount })) {
      batch.push(movement.source);
      documentCount += 1;
      if (batch.length === 20_000) {
        storeBatch(batch);
        batch = [];
      }
    }
    storeBatch(batch);
    return { channelRowCount: imported.rows, documentCount };
  } finally {
    workspace.close();
  }
}
