import type { CommandDefinition } from '../command';
import { reportCommand } from './report';
import { auditExportCommand } from './audit-export';
import { auditVerifyCommand } from './audit-verify';
import { sealCreateCommand, sealImportCommand, sealInfoCommand } from './seal';
import { auditLogCommand } from './audit-log';
import { auditorCopyCommand } from './auditor-copy';
import { backupCommand } from './backup';
import { passphraseCommand } from './passphrase';
import { restoreCommand } from './restore';
import { userListCommand } from './user-list';
import { demoCommand } from './demo';
import { demoMallCommand } from './demo-mall';
import { importCommand } from './import';
import { initCommand } from './init';
import { ledgerFindCommand } from './ledger-find';
import { syncCommand } from './sync';
import { userAddCommand } from './user-add';
import { verifyCommand } from './verify';
import { closeCommand } from './close';
import { discrepanciesCommand } from './discrepancies';
import { discrepancyResolveCommand } from './discrepancy-resolve';
import { reconcileCommand } from './reconcile';
import { reopenCommand } from './reopen';
import { payoutConfigCommand } from './payout-config';
import { payoutRouteCommand } from './payout-route';
import { payoutUnconfirmedCommand } from './payout-unconfirmed';
import { payoutsCommand } from './payouts';
import { payoutsImportResultsCommand } from './payouts-import-results';
import { settleCommand } from './settle';
import { withdrawalReviewCommand } from './withdrawal-review';
import { withdrawalsCommand } from './withdrawals';

export const commands: CommandDefinition[] = [
  initCommand,
  demoCommand,
  importCommand,
  syncCommand,
  demoMallCommand,
  ledgerFindCommand,
  verifyCommand,
  userAddCommand,
  userListCommand,
  auditLogCommand,
  backupCommand,
  restoreCommand,
  passphraseCommand,
  auditorCopyCommand,
  settleCommand,
  payoutsCommand,
  payoutsImportResultsCommand,
  payoutConfigCommand,
  payoutRouteCommand,
  payoutUnconfirmedCommand,
  withdrawalsCommand,
  withdrawalReviewCommand,
  reconcileCommand,
  discrepanciesCommand,
  discrepancyResolveCommand,
  closeCommand,
  reopenCommand,
  reportCommand,
  auditExportCommand,
  auditVerifyCommand,
  sealCreateCommand,
  sealImportCommand,
  sealInfoCommand,
];
