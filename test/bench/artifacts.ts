import { CURRENT_CIPHER_SCHEME } from '../../db/cipher';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundledMigrations } from '../../db/migrations/bundle.generated';
import { writeAlipayTradeZip, writeWechatTradeBill } from './data/channel-bills';
import { buildLedgerWorkspace } from './data/ledger';
import { buildReconcileWorkspace } from './data/reconcile-workspace';
import type { Scale } from './scales';

/**
 * Inputs prepared once per run (seeded, so every run sees the same data), each in its own child
 * process so generating them never counts towards an operation's peak memory.
 */
export type ArtifactName = 'wechat-bill' | 'alipay-zip' | 'ledger-workspace' | 'reconcile-workspace';
export const artifactNames: readonly ArtifactName[] = ['wechat-bill', 'alipay-zip', 'ledger-workspace', 'reconcile-workspace'];

export const BENCH_SEED = 20261001;

const fileNames: Record<ArtifactName, string> = {
  'wechat-bill': 'wechat-tradebill-ALL-20261001.csv',
  'alipay-zip': '20880211096256330156_20261001.csv.zip',
  'ledger-workspace': 'ledger-template.ldw',
  'reconcile-workspace': 'reconcile-template.ldw',
};

/**
 * Workspace artifacts are named after the schema they were built with: a kept --data-dir from an
 * older build is never reused after a migration lands (a new trigger or table would be missing),
 * nor one written under an older cipher scheme (it would still open, and measure the old cipher).
 */
function schemaTag(): string {
  const last = bundledMigrations[bundledMigrations.length - 1];
  return `schema${bundledMigrations.length}-${last ? last.hash.slice(0, 8) : 'none'}-${CURRENT_CIPHER_SCHEME}`;
}

export function artifactPath(dataDir: string, name: ArtifactName): string {
  const fileName = fileNames[name];
  return join(dataDir, fileName.endsWith('.ldw') ? fileName.replace(/\.ldw$/, `-${schemaTag()}.ldw`) : fileName);
}

export function isArtifactName(text: string): text is ArtifactName {
  return (artifactNames as readonly string[]).includes(text);
}

/** Writes the artifact under a temporary name and renames it, so a half-written one is never used. */
export async function prepareArtifact(dataDir: string, name: ArtifactName, scale: Scale): Promise<string> {
  const path = artifactPath(dataDir, name);
  if (existsSync(path)) return `${name}: already prepared`;
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  let detail: string;
  if (name === 'wechat-bill') {
    const written = writeWechatTradeBill(partial, { seed: BENCH_SEED, rowCount: scale.wechatBillRowCount });
    detail = `${written.rowCount} rows, ${(written.bytes / 1e6).toFixed(1)} MB`;
  } else if (name === 'alipay-zip') {
    const written = writeAlipayTradeZip(partial, { seed: BENCH_SEED + 1000, rowCount: scale.alipayZipRowCount });
    detail = `${written.rowCount} rows, ${(written.bytes / 1e6).toFixed(1)} MB zipped`;
  } else if (name === 'reconcile-workspace') {
    // Needs the bill: the orchestrator prepares 'wechat-bill' first (see the operation's requires).
    if (scale.reconcileRowCount !== scale.wechatBillRowCount) throw new Error('the reconciliation reuses the WeChat bill: sizes must agree');
    const built = await buildReconcileWorkspace(partial, { billPath: artifactPath(dataDir, 'wechat-bill'), seed: BENCH_SEED, rowCount: scale.wechatBillRowCount });
    detail = `${built.channelRowCount} channel rows, ${built.documentCount} mall documents`;
  } else {
    const built = buildLedgerWorkspace(partial, { seed: BENCH_SEED + 2000, postingCount: scale.postingCount });
    detail = `${built.postingCount} postings in ${built.entryCount} entries`;
  }
  renameSync(partial, path);
  return `${name}: ${detail}`;
}
