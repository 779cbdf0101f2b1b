import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth/users';
import { LedgerdeskError } from '../errors';
import { checkSealUsable, createSelfSignedSeal, readSeal, type SealInfo } from '../seal/certificate';
import { readSecret, storeSecret, type Workspace } from '../workspace';

/**
 * The company seal kept in the workspace: the PKCS#12 bundle (base64) and its password, each
 * stored as a workspace secret (AES-256-GCM under a passphrase-derived key, inside the encrypted
 * database). Only its public facts (subject, issuer, validity) ever leave this module unsealed.
 */

export const SEAL_P12_SECRET = 'seal.p12';
export const SEAL_PASSWORD_SECRET = 'seal.password';
export const TRIAL_SEAL_VALID_DAYS = 365;

export type SealWorkspace = Pick<Workspace, 'sqlite' | 'secrets' | 'clock'>;

export interface StoredSeal {
  p12: Buffer;
  password: string;
}

/** Public facts of a seal, as the UI and the CLI show them. */
export interface SealSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  selfSigned: boolean;
  /** Usable for signing now (neither expired nor not yet valid). */
  usableNow: boolean;
}

export function summarizeSeal(info: SealInfo, now: Date): SealSummary {
  return {
    subject: info.subject,
    issuer: info.issuer,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    fingerprintSha256: info.fingerprintSha256,
    selfSigned: info.selfSigned,
    usableNow: checkSealUsable(info, now).ok,
  };
}

/** A .p12/.pfx from outside: a wrong password or a broken file is a typed error, never stored. */
export function importSeal(workspace: SealWorkspace, p12: Buffer, password: string, actor: Actor): SealSummary {
  requirePermission(actor, 'settings.change');
  const read = readSeal(p12, password);
  if (!read.ok) throw new LedgerdeskError('seal_invalid', `cannot import the seal: ${read.error.message}`, { reason: read.error.code });
  const now = workspace.clock.now();
  // Not-yet-valid is accepted (it becomes usable); an expired seal could never sign anything.
  if (now.getTime() > read.info.notAfter.getTime()) {
    throw new LedgerdeskError('seal_invalid', `cannot import the seal: it expired on ${read.info.notAfter.toISOString()}`, { reason: 'expired' });
  }
  storeSeal(workspace, { p12, password }, read.info, actor, 'seal.import');
  return summarizeSeal(read.info, now);
}

/** A self-signed seal for trials, with a random password nobody needs to know. */
export function createTrialSeal(
  workspace: SealWorkspace,
  companyName: string,
  actor: Actor,
  options: { validDays?: number; keyBits?: number } = {},
): SealSummary {
  requirePermission(actor, 'settings.change');
  if (!companyName.trim()) throw new LedgerdeskError('invalid_input', 'a seal needs a company name');
  const password = randomBytes(24).toString('base64url');
  const now = workspace.clock.now();
  const created = createSelfSignedSeal({ companyName, validDays: options.validDays ?? TRIAL_SEAL_VALID_DAYS, password, now, keyBits: options.keyBits });
  storeSeal(workspace, { p12: created.p12, password }, created.info, actor, 'seal.create_trial');
  return summarizeSeal(created.info, now);
}

function storeSeal(workspace: SealWorkspace, seal: StoredSeal, info: SealInfo, actor: Actor, action: string): void {
  const now = workspace.clock.now();
  workspace.sqlite.transaction(() => {
    storeSecret(workspace.sqlite, workspace.secrets, SEAL_P12_SECRET, seal.p12.toString('base64'), now);
    storeSecret(workspace.sqlite, workspace.secrets, SEAL_PASSWORD_SECRET, seal.password, now);
    appendAudit(
      workspace.sqlite,
      {
        userName: actor.userName,
        action,
        objectType: 'seal',
        objectId: info.fingerprintSha256,
        detail: { subject: info.subject, issuer: info.issuer, not_before: info.notBefore.toISOString(), not_after: info.notAfter.toISOString() },
      },
      now,
    );
  })();
}

/** The stored seal bundle and password, or null when the workspace has none. */
export function loadWorkspaceSeal(workspace: SealWorkspace): StoredSeal | null {
  const p12 = readSecret(workspace.sqlite, workspace.secrets, SEAL_P12_SECRET);
  const password = readSecret(workspace.sqlite, workspace.secrets, SEAL_PASSWORD_SECRET);
  if (p12 === null || password === null) return null;
  return { p12: Buffer.from(p12, 'base64'), password };
}

/** Subject, issuer and validity of the workspace seal, or null when there is none. */
export function sealInfo(workspace: SealWorkspace): SealSummary | null {
  const stored = loadWorkspaceSeal(workspace);
  if (!stored) return null;
  const read = readSeal(stored.p12, stored.password);
  if (!read.ok) throw new LedgerdeskError('seal_invalid', `the stored seal cannot be read: ${read.error.message}`);
  return summarizeSeal(read.info, workspace.clock.now());
}
