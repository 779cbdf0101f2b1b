import type { CommandDefinition } from '../command';
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
];
