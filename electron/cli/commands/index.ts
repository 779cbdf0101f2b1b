import type { CommandDefinition } from '../command';
import { auditLogCommand } from './audit-log';
import { auditorCopyCommand } from './auditor-copy';
import { backupCommand } from './backup';
import { passphraseCommand } from './passphrase';
import { restoreCommand } from './restore';
import { userListCommand } from './user-list';
import { demoCommand } from './demo';
import { importCommand } from './import';
import { initCommand } from './init';
import { ledgerFindCommand } from './ledger-find';
import { userAddCommand } from './user-add';
import { verifyCommand } from './verify';

export const commands: CommandDefinition[] = [
  initCommand,
  demoCommand,
  importCommand,
  ledgerFindCommand,
  verifyCommand,
  userAddCommand,
  userListCommand,
  auditLogCommand,
  backupCommand,
  restoreCommand,
  passphraseCommand,
  auditorCopyCommand,
];
