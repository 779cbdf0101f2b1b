import type { MessagePort, Worker } from 'node:worker_threads';
import {
  ChannelFileParseError,
  openChannelFile,
  type BankColumnMapping,
  type ChannelFileError,
  type ChannelFileKind,
  type ChannelFileReader,
  type ChannelFileSummary,
  type ChannelName,
} from '../channels';
import { LineBlockPacker, type StoredLineBlock } from './raw-lines';
import { toRowColumns, transferablesOf, type ChannelRowColumns } from './row-columns';
import { WorkerInbox } from '../workers/inbox';
import { StoredInstantCache } from './stored-instant';

/*
 * A channel file parsed into what the import writes: rows as columns and the file's lines as
 * deflated blocks. Parsing (decode, split, parse, deflate) can run on a worker thread, the
 * machine's other core, while the importing thread only inserts; without a worker it runs here.
 * Either way the batches, the summary and every error are the same (tested side by side).
 */

export interface ParsedBatch {
  columns: ChannelRowColumns | null;
  blocks: StoredLineBlock[];
}

export interface ParsedFile {
  kind: ChannelFileKind;
  channel: ChannelName;
  encoding: string;
  /** Throws ChannelFileParseError on the first broken row (the batches before it come first). May be iterated once. */
  batches(): AsyncIterable<ParsedBatch>;
  /** After batches() is exhausted; throws ChannelFileParseError when the totals disagree with the file. */
  finish(): ChannelFileSummary;
  /** Stops the parsing: after a finished import, or when the import gives up early. */
  close(): void;
}

export interface ParseOptions {
  bankMapping?: BankColumnMapping;
}

export type OpenedParsedFile = { ok: true; file: ParsedFile } | { ok: false; error: ChannelFileError };

/** Rows per message: a zip member arrives as one decoded batch of all its lines. */
const ROWS_PER_BATCH_MAX = 8192;
/** Batches the parse thread may run ahead of the writer; bounds the memory between them. */
const BATCHES_IN_FLIGHT_MAX = 4;

async function* parsedBatches(reader: ChannelFileReader): AsyncGenerator<ParsedBatch> {
  const packer = new LineBlockPacker();
  const storedInstants = new StoredInstantCache();
  for await (const batch of reader.rowBatches()) {
    // The stored text is the file's first part: a plain file, or a zip's first detail member.
    const blocks = batch.partIndex === 0 && batch.lines.length > 0 ? packer.add(batch.lines, batch.firstLineNumber) : [];
    if (batch.rows.length === 0) {
      if (blocks.length > 0) yield { columns: null, blocks };
      continue;
    }
    for (let start = 0; start < batch.rows.length; start += ROWS_PER_BATCH_MAX) {
      const rows = batch.rows.slice(start, start + ROWS_PER_BATCH_MAX);
      yield { columns: toRowColumns(batch, rows, storedInstants), blocks: start === 0 ? blocks : [] };
    }
  }
  const last = packer.finish();
  if (last.length > 0) yield { columns: null, blocks: last };
}

/** Parses on this thread. */
export async function parseHere(path: string, options: ParseOptions): Promise<OpenedParsedFile> {
  const opened = await openChannelFile(path, { bankMapping: options.bankMapping });
  if (!opened.ok) return opened;
  const reader = opened.reader;
  return {
    ok: true,
    file: {
      kind: reader.kind,
      channel: reader.channel,
      encoding: reader.encoding,
      batches: () => parsedBatches(reader),
      finish: () => reader.finish(),
      close: () => undefined,
    },
  };
}

// ---- on a worker thread ----

export interface ChannelParseRequest {
  path: string;
  options: ParseOptions;
}

type WorkerToImporter =
  | { type: 'opened'; kind: ChannelFileKind; channel: ChannelName; encoding: string }
  | { type: 'refused'; error: ChannelFileError }
  | { type: 'batch'; batch: ParsedBatch }
  | { type: 'end'; summary: ChannelFileSummary }
  | { type: 'bad-file'; error: ChannelFileError }
  | { type: 'crashed'; message: string };

type ImporterToWorker = { type: 'next' };

/** Starts a worker thread that runs `serveChannelParse` with `request` as its workerData. */
export type ChannelParseWorkerFactory = (request: ChannelParseRequest) => Worker;

/**
 * Files smaller than this parse on the importing thread: starting a worker and loading the
 * parsers into it takes about 0.25 s, more than parsing a day's bill (a month of daily files
 * would spend 20 s starting workers). 4 MiB is about 15,000 rows of a WeChat bill, or 100,000 of
 * a zipped Alipay bill.
 */
export const PARSE_ON_WORKER_FILE_BYTES_MIN = 4 * 1024 * 1024;

let parseWorker: { factory: ChannelParseWorkerFactory; fileBytesMin: number } | null = null;

/**
 * Where the parse worker comes from depends on how the app was bundled (the CLI's sibling file,
 * electron-vite's `?nodeWorker` chunk), so each entry point registers it; without one, files are
 * parsed on the importing thread. Tests lower `fileBytesMin` to send small files to the worker.
 */
export function useChannelParseWorker(factory: ChannelParseWorkerFactory | null, options: { fileBytesMin?: number } = {}): void {
  parseWorker = factory === null ? null : { factory, fileBytesMin: options.fileBytesMin ?? PARSE_ON_WORKER_FILE_BYTES_MIN };
}

export function openParsedFile(path: string, fileBytes: number, options: ParseOptions): Promise<OpenedParsedFile> {
  if (parseWorker === null || fileBytes < parseWorker.fileBytesMin) return parseHere(path, options);
  return parseOnWorker(parseWorker.factory, path, options);
}

/** The worker side: parses `request.path` and sends batches, at most BATCHES_IN_FLIGHT_MAX ahead of the importer. */
export async function serveChannelParse(port: MessagePort, request: ChannelParseRequest): Promise<void> {
  let credits = BATCHES_IN_FLIGHT_MAX;
  let wake: (() => void) | null = null;
  port.on('message', (message: ImporterToWorker) => {
    if (message.type !== 'next') return;
    credits += 1;
    wake?.();
    wake = null;
  });
  const send = (message: WorkerToImporter, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  try {
    const opened = await openChannelFile(request.path, { bankMapping: request.options.bankMapping });
    if (!opened.ok) {
      send({ type: 'refused', error: opened.error });
      return;
    }
    const reader = opened.reader;
    send({ type: 'opened', kind: reader.kind, channel: reader.channel, encoding: reader.encoding });
    for await (const batch of parsedBatches(reader)) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits -= 1;
      const transfer = batch.blocks.map((block) => ownArrayBuffer(block.data));
      if (batch.columns !== null) transfer.push(...transferablesOf(batch.columns));
      send({ type: 'batch', batch }, transfer);
    }
    send({ type: 'end', summary: reader.finish() });
  } catch (error) {
    if (error instanceof ChannelFileParseError) send({ type: 'bad-file', error: error.detail });
    else send({ type: 'crashed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
  // The worker stays until the importer terminates it: exiting on its own could race the last message.
}

/** The buffer's memory as a transferable ArrayBuffer of exactly its bytes (copied only when shared). */
function ownArrayBuffer(bytes: Buffer): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** A worker's own failure is our bug, not the file's: it surfaces as an Error, never as a refused file. */
function crashed(message: string): Error {
  return new Error(`channel parse worker failed: ${message}`);
}

export async function parseOnWorker(factory: ChannelParseWorkerFactory, path: string, options: ParseOptions): Promise<OpenedParsedFile> {
  const worker = factory({ path, options });
  const messages = new WorkerInbox<WorkerToImporter>(
    worker,
    (message) => ({ type: 'crashed', message }),
    (code) => `the parse worker stopped (exit code ${code}) before the end of the file`,
  );
  const close = () => void worker.terminate();
  const first = await messages.next();
  if (first.type === 'refused') {
    close();
    return { ok: false, error: first.error };
  }
  if (first.type !== 'opened') {
    close();
    throw crashed(first.type === 'crashed' ? first.message : `unexpected ${first.type} before the file was opened`);
  }
  let summary: ChannelFileSummary | null = null;
  let started = false;
  async function* batches(): AsyncGenerator<ParsedBatch> {
    if (started) throw new Error('ParsedFile batches may be iterated only once');
    started = true;
    for (;;) {
      const message = await messages.next();
      if (message.type === 'batch') {
        worker.postMessage({ type: 'next' } satisfies ImporterToWorker);
        yield reviveBatch(message.batch);
      } else if (message.type === 'end') {
        summary = message.summary;
        return;
      } else if (message.type === 'bad-file') throw new ChannelFileParseError(message.error);
      else throw crashed(message.type === 'crashed' ? message.message : `unexpected ${message.type}`);
    }
  }
  return {
    ok: true,
    file: {
      kind: first.kind,
      channel: first.channel,
      encoding: first.encoding,
      batches,
      finish() {
        if (summary === null) throw new Error('ParsedFile.finish() called before batches() was exhausted');
        return summary;
      },
      close,
    },
  };
}

/** Transferred Buffers arrive as plain Uint8Arrays. */
function reviveBatch(batch: ParsedBatch): ParsedBatch {
  return {
    columns: batch.columns,
    blocks: batch.blocks.map((block) => ({ ...block, data: Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength) })),
  };
}
