import type { CommandDefinition } from '../command';
import { initCommand } from './init';
import { ledgerFindCommand } from './ledger-find';
import { userAddCommand } from './user-add';
import { verifyCommand } from './verify';

export const commands: CommandDefinition[] = [initCommand, ledgerFindCommand, verifyCommand, userAddCommand];
