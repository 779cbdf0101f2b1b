import type { CommandDefinition } from '../command';
import { importCommand } from './import';
import { initCommand } from './init';
import { ledgerFindCommand } from './ledger-find';
import { userAddCommand } from './user-add';
import { verifyCommand } from './verify';

export const commands: CommandDefinition[] = [
  initCommand,
  importCommand,
  ledgerFindCommand,
  verifyCommand,
  userAddCommand,
];
