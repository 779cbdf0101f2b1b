import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissions, readOnlyPermissions, roleMay, roles, type Actor, type Permission, type Role } from '../../electron/core/auth';
import { LedgerdeskError } from '../../electron/core/errors';
import type { Workspace } from '../../electron/core/workspace';
import { createTempWorkspace, TEST_PASSPHRASE, type TempWorkspace } from '../support/temp-workspace';

/**
 * The role matrix: what each role may do, checked in core. The expected table is written out
 * here on purpose, so that changing a permission is a visible decision in two places.
 */
const expectedMatrix: Record<Permission, readonly Role[]> = {
  'ledger.read': ['admin', 'clerk', 'operations', 'finance', 'auditor'],
  'ledger.post': ['admin', 'clerk', 'finance'],
  'sync.run': ['admin', 'clerk', 'finance'],
  'import.run': ['admin', 'clerk', 'finance'],
  'reconcile.run': ['admin', 'clerk', 'finance'],
  'discrepancy.review': ['admin', 'clerk', 'finance'],
  'period.close': ['admin', 'finance'],
  'period.reopen': ['finance'],
  'withdrawal.review.operations': ['operations'],
  'withdrawal.review.finance': ['finance'],
  'settlement.run': ['admin', 'finance'],
  'report.export': ['admin', 'clerk', 'finance', 'auditor'],
  'settings.change': ['admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin', 'finance', 'auditor'],
  'backup.run': ['admin', 'finance'],
  'backup.restore': ['admin'],
  'passphrase.change': ['admin'],
  'auditor_copy.export': ['admin', 'finance'],
};

describe('permission table', () => {
  it('matches the expected matrix for every permission and role', () => {
    expect(Object.keys(permissions).sort()).toEqual(Object.keys(expectedMatrix).sort());
    for (const permission of Object.keys(expectedMatrix) as Permission[]) {
      for (const role of roles) expect(roleMay(role, permission), `${role} ${permission}`).toBe(expectedMatrix[permission].includes(role));
    }
  });

  it('gives the auditor reading and exporting only', () => {
    const granted = (Object.keys(permissions) as Permission[]).filter((permission) => roleMay('auditor', permission));
    expect(granted.sort()).toEqual([...readOnlyPermissions].sort());
  });
});

/** A core function guarded by requirePermission, called with minimal arguments. */
interface GuardedOperation {
  /** 'folder/file.ts:functionName' — the guard test below matches call sites by file and permission. */
  site: string;
  permission: Permission;
  /** Extra roles let in by the function itself (withdrawal review: either tier). */
  alsoAllowed?: readonly Role[];
  call(workspace: Workspace, actor: Actor, directory: string): Promise<unknown> | unknown;
}

const now = () => new Date('2026-10-15T04:00:00.000Z');

const operations: GuardedOperation[] = [
  { site: 'imports/import-files.ts:importChannelFile', permission: 'import.run', call: async (w, actor, dir) => (await import('../../electron/core/imports')).importChannelFile(w, join(dir, 'missing.csv'), { actor }) },
  { site: 'reconcile/run.ts:runReconciliation', permission: 'reconcile.run', call: async (w, actor) => (await import('../../electron/core/reconcile')).runReconciliation(w, actor, {}) },
  { site: 'reconcile/review.ts:resolveDiscrepancies', permission: 'discrepancy.review', call: async (w, actor) => (await import('../../electron/core/reconcile')).resolveDiscrepancies(w, actor, [999_999], { resolution: 'write_off' as never, note: 'matrix' }) },
  { site: 'reconcile/review.ts:assignDiscrepancies', permission: 'discrepancy.review', call: async (w, actor) => (await import('../../electron/core/reconcile')).assignDiscrepancies(w, actor, [999_999], null) },
  { site: 'reconcile/review.ts:commentOnDiscrepancy', permission: 'discrepancy.review', call: async (w, actor) => (await import('../../electron/core/reconcile')).commentOnDiscrepancy(w, actor, 999_999, 'matrix') },
  { site: 'reconcile/settings.ts:writeReconcileSettings', permission: 'settings.change', call: async (w, actor) => (await import('../../electron/core/reconcile')).writeReconcileSettings(w.sqlite, actor, {}, now()) },
  { site: 'close/close.ts:closeMonth', permission: 'period.close', call: async (w, actor) => (await import('../../electron/core/close')).closeMonth(w, actor, '2026-10') },
  { site: 'close/close.ts:reopenMonth', permission: 'period.reopen', call: async (w, actor) => (await import('../../electron/core/close')).reopenMonth(w, actor, '2026-09', 'matrix') },
  { site: 'payouts/import-results.ts:importPayoutResults', permission: 'settlement.run', call: async (w, actor, dir) => (await import('../../electron/core/payouts')).importPayoutResults(w, actor, join(dir, 'no-such-results.xlsx')) },
  { site: 'commissions/settle.ts:setDistributorPayoutRoute', permission: 'settlement.run', call: async (w, actor) => (await import('../../electron/core/commissions')).setDistributorPayoutRoute(w, actor, 'D-MATRIX', null) },
  { site: 'payouts/unconfirmed.ts:writeCancelUnconfirmedAfterMinutes', permission: 'settings.change', call: async (w, actor) => (await import('../../electron/core/payouts')).writeCancelUnconfirmedAfterMinutes(w, actor, null) },
  { site: 'commissions/settle.ts:runSettlement', permission: 'settlement.run', call: async (w, actor) => (await import('../../electron/core/commissions')).runSettlement(w, actor, {}) },
  {
    site: 'withdrawals/review.ts:reviewWithdrawal',
    permission: 'withdrawal.review.operations',
    alsoAllowed: ['finance'],
    call: async (w, actor) => (await import('../../electron/core/withdrawals')).reviewWithdrawal(w, actor, { withdrawalNo: 'W-MATRIX', decision: 'approve' }),
  },
  { site: 'auth/users.ts:addUser', permission: 'users.manage', call: async (w, actor) => (await import('../../electron/core/auth')).addUser(w.sqlite, actor, { name: `u-${actor.role}`, role: 'clerk', password: 'clerk-password-1' }, now()) },
  { site: 'auth/users.ts:disableUser', permission: 'users.manage', call: async (w, actor) => (await import('../../electron/core/auth')).disableUser(w.sqlite, actor, 'nobody', now()) },
  { site: 'audit/read.ts:readAuditLog', permission: 'audit.read', call: async (w, actor) => (await import('../../electron/core/audit')).readAuditLog(w.sqlite, actor, {}) },
  { site: 'workspace/backup.ts:backupWorkspace', permission: 'backup.run', call: async (w, actor, dir) => (await import('../../electron/core/workspace')).backupWorkspace(w, join(dir, `backup-${actor.role}.ldw`), { actor }) },
  {
    site: 'workspace/backup.ts:restoreWorkspace',
    permission: 'backup.restore',
    call: async (w, actor, dir) => {
      const { backupWorkspace, restoreWorkspace } = await import('../../electron/core/workspace');
      const source = join(dir, `restore-source-${actor.role}.ldw`);
      await backupWorkspace(w, source, { actor: { userName: 'admin', role: 'admin' } });
      return restoreWorkspace(source, join(dir, `restored-${actor.role}.ldw`), TEST_PASSPHRASE, { authorize: () => actor });
    },
  },
  { site: 'workspace/rekey.ts:changePassphrase', permission: 'passphrase.change', call: async (w, actor) => (await import('../../electron/core/workspace')).changePassphrase(w, 'wrong passphrase here', 'new passphrase for matrix', { actor }) },
  {
    site: 'exports/audit-export.ts:exportAuditPackage',
    permission: 'report.export',
    call: async (w, actor, dir) => (await import('../../electron/core/exports/audit-export')).exportAuditPackage(w, actor, { from: '2026-10-01', to: '2026-10-31', outDir: join(dir, `audit-package-${actor.role}`) }),
  },
  {
    site: 'exports/workspace-seal.ts:createTrialSeal',
    permission: 'settings.change',
    call: async (w, actor) => (await import('../../electron/core/exports/workspace-seal')).createTrialSeal(w, '矩阵测试公司', actor, { keyBits: 1024 }),
  },
  {
    site: 'exports/workspace-seal.ts:importSeal',
    permission: 'settings.change',
    call: async (w, actor) => (await import('../../electron/core/exports/workspace-seal')).importSeal(w, Buffer.from('not a p12'), 'x', actor),
  },
  {
    site: 'workspace/auditor-copy.ts:exportAuditorCopy',
    permission: 'auditor_copy.export',
    call: async (w, actor, dir) => (await import('../../electron/core/workspace')).exportAuditorCopy(w, { actor, from: '2026-10-01', to: '2026-10-31', outFile: join(dir, `auditor-${actor.role}.ldw`), passphrase: 'auditor copy passphrase' }),
  },
];

async function outcome(run: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return error instanceof LedgerdeskError ? error.code : `other: ${(error as Error).message}`;
  }
}

describe('every guarded core function, called by every role', () => {
  let temp: TempWorkspace;
  beforeAll(() => {
    temp = createTempWorkspace();
  });
  afterAll(() => temp.cleanup());

  for (const operation of operations) {
    it(`${operation.site} needs ${operation.permission}`, async () => {
      for (const role of roles) {
        const allowed = roleMay(role, operation.permission) || (operation.alsoAllowed ?? []).includes(role);
        const result = await outcome(() => operation.call(temp.workspace, { userName: `matrix-${role}`, role }, temp.directory));
        // Allowed roles may still fail on the minimal input (not_found, invalid_input...), never as forbidden.
        if (process.env.LEDGERDESK_MATRIX_DEBUG) process.stdout.write(`${operation.site} ${role} ${result}\n`);
        if (allowed) {
          expect(result, `${role} on ${operation.site}`).not.toBe('forbidden');
          expect(result, `${role} on ${operation.site}`).not.toMatch(/^other: /);
        }
        else expect(result, `${role} on ${operation.site}`).toBe('forbidden');
      }
    });
  }
});

describe('coverage of the matrix', () => {
  it('lists every requirePermission call site in electron/core', () => {
    const coreDirectory = join(__dirname, '..', '..', 'electron', 'core');
    const files: string[] = [];
    const walk = (directory: string) => {
      for (const name of readdirSync(directory)) {
        const path = join(directory, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(path);
      }
    };
    walk(coreDirectory);
    const covered = new Set(operations.map((operation) => `${operation.site.split(':')[0]} ${operation.permission}`));
    const missing: string[] = [];
    for (const file of files) {
      const site = relative(coreDirectory, file).split('\\').join('/');
      for (const match of readFileSync(file, 'utf8').matchAll(/requirePermission\([^,]+,\s*'([a-z_.]+)'\)/g)) {
        if (!covered.has(`${site} ${match[1]}`)) missing.push(`${site} ${match[1]}`);
      }
    }
    // A new guarded function needs a row in `operations` above (with its call) so every role is tried.
    expect(missing).toEqual([]);
  });
});
