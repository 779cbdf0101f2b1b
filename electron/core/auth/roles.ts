export const roles = ['admin', 'clerk', 'operations', 'finance', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** What each role may do; checked in core, not only in the UI. */
export const permissions = {
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
  // Security work (issue 9): the audit trail is read by reviewers and auditors; keys and restores are admin work.
  'audit.read': ['admin', 'finance', 'auditor'],
  'backup.run': ['admin', 'finance'],
  'backup.restore': ['admin'],
  'passphrase.change': ['admin'],
  'auditor_copy.export': ['admin', 'finance'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

/** Permissions that change nothing: the only ones an auditor (and an auditor copy) ever gets. */
export const readOnlyPermissions = ['ledger.read', 'report.export', 'audit.read'] as const satisfies readonly Permission[];

export function roleMay(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}
