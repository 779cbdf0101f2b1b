import type { ParseArgsConfig } from 'node:util';
import type { CommandContext } from './context';

export interface CommandArguments {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** One CLI command: a thin adapter that parses input, calls core and shapes the JSON result. */
export interface CommandDefinition {
  /** Words that name it: ['ledger', 'find'] for `ledgerdesk ledger find`. */
  words: string[];
  usage: string;
  summary: string;
  options?: ParseArgsConfig['options'];
  run(context: CommandContext, args: CommandArguments): Promise<Record<string, unknown>>;
}

export function stringOption(args: CommandArguments, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
