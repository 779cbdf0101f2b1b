import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openChannelFile, ChannelFileParseError, type ChannelFileError, type ChannelFileReader, type ChannelRow, type OpenChannelFileOptions } from './index';

/** Test support: a fresh temp dir per test and a one-call "open, read every row, finish". */

export function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'ledgerdesk-channels-'));
}

export function writeTemp(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export type ReadOutcome =
  | { stage: 'ok'; reader: ChannelFileReader; rows: ChannelRow[]; summary: ReturnType<ChannelFileReader['finish']> }
  | { stage: 'open' | 'rows' | 'finish'; error: ChannelFileError; rows: ChannelRow[]; reader?: ChannelFileReader };

export async function readChannelFile(path: string, options?: OpenChannelFileOptions): Promise<ReadOutcome> {
  const opened = await openChannelFile(path, options);
  if (!opened.ok) return { stage: 'open', error: opened.error, rows: [] };
  const rows: ChannelRow[] = [];
  try {
    for await (const row of opened.reader.rows()) rows.push(row);
  } catch (error) {
    if (error instanceof ChannelFileParseError) return { stage: 'rows', error: error.detail, rows, reader: opened.reader };
    throw error;
  }
  try {
    return { stage: 'ok', reader: opened.reader, rows, summary: opened.reader.finish() };
  } catch (error) {
    if (error instanceof ChannelFileParseError) return { stage: 'finish', error: error.detail, rows, reader: opened.reader };
    throw error;
  }
}

/** Reads a file that must parse cleanly; fails the test with the parser's own message otherwise. */
export async function readOk(path: string, options?: OpenChannelFileOptions) {
  const outcome = await readChannelFile(path, options);
  if (outcome.stage !== 'ok') throw new Error(`expected a clean parse, got ${outcome.stage} error: ${JSON.stringify(outcome.error)}`);
  return outcome;
}

/** Reads a file that must fail; returns where and why. */
export async function readFailure(path: string, options?: OpenChannelFileOptions) {
  const outcome = await readChannelFile(path, options);
  if (outcome.stage === 'ok') throw new Error(`expected an error, parsed ${outcome.rows.length} rows`);
  return outcome;
}
