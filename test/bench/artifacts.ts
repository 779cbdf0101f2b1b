import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAlipayTradeZip, writeWechatTradeBill } from './data/channel-bills';
import { buildLedgerWorkspace } from './data/ledger';
import type { Scale } from './scales';

/**
 * Inputs prepared once per run (seeded, so every run sees the same data), each in its own child
 * process so generating them never counts towards an operation's peak memory.
 */
export type ArtifactName = 'wechat-bill' | 'alipay-zip' | 'ledger-workspace';
export const artifactNames: readonly ArtifactName[] = ['wechat-bill', 'alipay-zip', 'ledger-workspace'];

export const BENCH_SEED = 20261001;

const fileNames: Record<ArtifactName, string> = {
  'wechat-bill': 'wechat-tradebill-ALL-20261001.csv',
  'alipay-zip': '20880211096256330156_20261001.csv.zip',
  'ledger-workspace': 'ledger-template.ldw',
};

export function artifactPath(dataDir: string, name: ArtifactName): string {
  return join(dataDir, fileNames[name]);
}

export function isArtifactName(text: string): text is ArtifactName {
  return (artifactNames as readonly string[]).includes(text);
}

/** Writes the artifact under a temporary name and renames it, so a half-written one is never used. */
export function prepareArtifact(dataDir: string, name: ArtifactName, scale: Scale): string {
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
  } else {
    const built = buildLedgerWorkspace(partial, { seed: BENCH_SEED + 2000, postingCount: scale.postingCount });
    detail = `${built.postingCount} postings in ${built.entryCount} entries`;
  }
  renameSync(partial, path);
  return `${name}: ${detail}`;
}
