import { randomBytes } from 'node:crypto';
import type { SealInfoResult } from '../api';
import { appendAudit } from '../core/audit/audit-log';
import { LedgerdeskError } from '../core/errors';
import { createSelfSignedSeal, readSeal, SealError, type SealInfo } from '../core/seal/certificate';
import { readSecret, storeSecret, type Workspace } from '../core/workspace';

/**
 * The workspace's seal certificate: the PKCS#12 bundle (base64) and its password, both sealed in
 * the workspace's secrets table (DESIGN.md section 9), so an export needs no file or password
 * typed in. Core has no seal store yet; this adapter keeps the names in one place.
 */
export const SEAL_P12_SECRET = 'seal.p12';
export const SEAL_PASSWORD_SECRET = 'seal.password';

export interface StoredSeal {
  p12: Buffer;
  password: string;
}

export function loadStoredSeal(workspace: Pick<Workspace, 'sqlite' | 'secrets'>): StoredSeal | null {
  const p12 = readSecret(workspace.sqlite, workspace.secrets, SEAL_P12_SECRET);
  const password = readSecret(workspace.sqlite, workspace.secrets, SEAL_PASSWORD_SECRET);
  if (p12 === null || password === null) return null;
  return { p12: Buffer.from(p12, 'base64'), password };
}

export function sealInfoResult(info: SealInfo | null): SealInfoResult {
  if (!info) return { seal: null };
  return {
    seal: {
      subject: info.subject,
      issuer: info.issuer,
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
      serial: info.serial,
      fingerprintSha256: info.fingerprintSha256,
      selfSigned: info.selfSigned,
    },
  };
}

export function storedSealInfo(workspace: Workspace): SealInfoResult {
  const stored = loadStoredSeal(workspace);
  if (!stored) return { seal: null };
  const read = readSeal(stored.p12, stored.password);
  if (!read.ok) throw new LedgerdeskError('seal_invalid', `the stored seal certificate cannot be read: ${read.error.message}`);
  return sealInfoResult(read.info);
}

/** Checks the bundle opens with the password, then stores both (audited without the secrets). */
export function storeSeal(workspace: Workspace, seal: StoredSeal, userName: string, origin: 'trial' | 'import'): SealInfoResult {
  const read = readSeal(seal.p12, seal.password);
  if (!read.ok) throw new LedgerdeskError('seal_invalid', read.error.message);
  const now = workspace.clock.now();
  workspace.sqlite.transaction(() => {
    storeSecret(workspace.sqlite, workspace.secrets, SEAL_P12_SECRET, seal.p12.toString('base64'), now);
    storeSecret(workspace.sqlite, workspace.secrets, SEAL_PASSWORD_SECRET, seal.password, now);
    appendAudit(
      workspace.sqlite,
      { userName, action: 'seal.store', objectType: 'settings', objectId: 'seal', detail: { origin, subject: read.info.subject, fingerprint_sha256: read.info.fingerprintSha256 } },
      now,
    );
  })();
  return sealInfoResult(read.info);
}

/** A trial seal in the company's name; its password is random and lives only in the workspace. */
export function createTrialSeal(workspace: Workspace, userName: string, validDays: number): SealInfoResult {
  const password = randomBytes(24).toString('base64url');
  const created = createSelfSignedSeal({ companyName: workspace.info().companyName, validDays, password, now: workspace.clock.now() });
  return storeSeal(workspace, { p12: created.p12, password }, userName, 'trial');
}

/** SealError (a bad bundle, wrong password, expired) as the contract's error code. */
export function asSealError(error: unknown): unknown {
  return error instanceof SealError ? new LedgerdeskError('seal_invalid', error.message) : error;
}
