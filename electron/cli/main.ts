import { parseArgs } from 'node:util';
import { LedgerdeskError, toErrorData, type ErrorData } from '../core/errors';
import type { CommandDefinition } from './command';
import { commands } from './commands';
import { createCommandContext, defaultWorkspacePath, type GlobalOptions } from './context';

const EXIT_OK = 0;
const EXIT_OPERATIONAL = 1;
const EXIT_USAGE = 2;

/** Global options may stand before or after the command; they are taken out first. */
export function extractGlobalOptions(argv: string[], env: NodeJS.ProcessEnv): { options: GlobalOptions; rest: string[] } {
  const rest: string[] = [];
  const options: GlobalOptions = { workspacePath: defaultWorkspacePath(env), json: false, userName: 'admin' };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    const [flag, inlineValue] = argument.startsWith('--') ? (argument.split(/=(.*)/s, 2) as [string, string | undefined]) : [argument, undefined];
    const takeValue = (): string => {
      if (inlineValue !== undefined) return inlineValue;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new LedgerdeskError('usage', `${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--json') options.json = true;
    else if (flag === '--workspace') options.workspacePath = takeValue();
    else if (flag === '--user') options.userName = takeValue();
    else rest.push(argument);
  }
  return { options, rest };
}

function findCommand(rest: string[]): { command: CommandDefinition; remaining: string[] } | null {
  const sorted = [...commands].sort((a, b) => b.words.length - a.words.length);
  for (const command of sorted) {
    if (command.words.every((word, index) => rest[index] === word)) return { command, remaining: rest.slice(command.words.length) };
  }
  return null;
}

export function usageText(): string {
  return [
    'Usage: ledgerdesk [--workspace FILE] [--json] [--user NAME] COMMAND',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.usage.padEnd(62)} ${command.summary}`),
    '',
    'Environment: LEDGERDESK_PASSPHRASE (workspace passphrase), LEDGERDESK_USER_PASSWORD (the acting user\'s password),',
    '             LEDGERDESK_WORKSPACE (default workspace file).',
  ].join('\n');
}

function printError(json: boolean, error: ErrorData): void {
  if (json) process.stdout.write(`${JSON.stringify({ error })}\n`);
  else process.stderr.write(`ledgerdesk: ${error.message}\n`);
}

export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { options, rest } = extractGlobalOptions(argv, env);
    json = options.json;
    if (rest.length === 0 || rest[0] === 'help' || rest[0] === '--help' || rest[0] === '-h') {
      process.stdout.write(`${usageText()}\n`);
      return rest.length === 0 ? EXIT_USAGE : EXIT_OK;
    }
    const found = findCommand(rest);
    if (!found) throw new LedgerdeskError('usage', `unknown command "${rest.join(' ')}"; run ledgerdesk help`);
    let parsed;
    try {
      parsed = parseArgs({ args: found.remaining, options: found.command.options ?? {}, allowPositionals: true, strict: true });
    } catch (error) {
      throw new LedgerdeskError('usage', `${(error as Error).message}\nusage: ledgerdesk ${found.command.usage}`);
    }
    const context = createCommandContext(options, env);
    const result = await found.command.run(context, { positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | string[] | undefined> });
    const { exitCode, ...payload } = result as Record<string, unknown> & { exitCode?: number };
    if (json) process.stdout.write(`${JSON.stringify(payload)}\n`);
    return typeof exitCode === 'number' ? exitCode : EXIT_OK;
  } catch (error) {
    const data = toErrorData(error);
    printError(json, data);
    if (data.code === 'internal' && env.LEDGERDESK_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return data.code === 'usage' ? EXIT_USAGE : EXIT_OPERATIONAL;
  }
}
