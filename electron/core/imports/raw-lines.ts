import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';
import { inflateRawSync } from 'node:zlib';
import type { SqliteDatabase } from '../../../db/open';

/*
 * A file's decoded lines, kept once per imported file so any channel row can show its original
 * line: consecutive lines are packed into blocks of about 128 Ki characters and deflated
 * (channel_file_blocks). A row keeps only file_id + line_number. Block payload, before deflate:
 *   uint32 LE line count, uint32 LE length of each line in UTF-16 units, the lines' UTF-8 text.
 * Lengths rather than a separator: a line read from an xlsx cell may itself hold a line break.
 */

/** Characters of text per block (about 560 WeChat lines): a lookup inflates one block, well under a millisecond; fewer, larger blocks cost less to hand to the compressor. */
const BLOCK_CHARACTER_COUNT = 128 * 1024;
/** Blocks sent to the compressor and not yet written; bounds the memory they hold. */
const PENDING_BLOCK_COUNT_MAX = 8;
/** Deflate level 1: about 7x smaller on bills at a fraction of the CPU of the default level. */
const DEFLATE_LEVEL = 1;

const littleEndian = endianness() === 'LE';

/** The block payload's head: line count and each line's length in UTF-16 units, uint32 little-endian. */
function lineBlockHeader(lines: readonly string[]): Buffer {
  const header = new Uint32Array(lines.length + 1);
  header[0] = lines.length;
  for (let index = 0; index < lines.length; index += 1) header[index + 1] = lines[index].length;
  const headerBytes = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  // The stored format is little-endian; a typed array is in the machine's order.
  if (!littleEndian) headerBytes.swap32();
  return headerBytes;
}

export function encodeLineBlock(lines: readonly string[]): Buffer {
  return Buffer.concat([lineBlockHeader(lines), Buffer.from(lines.join(''), 'utf8')]);
}

/*
 * Deflate of blocks runs on a worker thread (the machine's other core) while this thread parses
 * and inserts. The block's bytes are built here (UTF-8 encoding is cheap; cloning a string into
 * a message is not) and their memory is moved to the worker, not copied. The worker is a few
 * lines of plain Node given as source text, so every bundle (app, CLI, bench) carries it.
 */
const compressorSource = `
const { parentPort } = require('node:worker_threads');
const { deflateRawSync } = require('node:zlib');
parentPort.on('message', ({ header, text, level }) => {
  parentPort.postMessage(deflateRawSync(Buffer.concat([new Uint8Array(header), new Uint8Array(text)]), { level }));
});`;

/** The buffer's memory as a transferable ArrayBuffer of exactly its bytes (copied only when shared). */
function ownArrayBuffer(bytes: Buffer): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

class BlockCompressor {
  private readonly worker = new Worker(compressorSource, { eval: true });
  private readonly waiting: { resolve: (data: Buffer) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;

  constructor() {
    this.worker.on('message', (data: Uint8Array) => this.waiting.shift()?.resolve(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
    this.worker.on('error', (error: Error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`block compressor stopped (exit code ${code})`)));
  }

  /** Resolves to the deflated block; blocks come back in the order they were sent. */
  compress(lines: readonly string[]): Promise<Buffer> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      const header = ownArrayBuffer(lineBlockHeader(lines));
      const text = ownArrayBuffer(Buffer.from(lines.join(''), 'utf8'));
      this.worker.postMessage({ header, text, level: DEFLATE_LEVEL }, [header, text]);
    });
  }

  close(): void {
    this.failure ??= new Error('block compressor closed');
    void this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }
}

export function decodeLineBlock(payload: Buffer): string[] {
  const count = payload.readUInt32LE(0);
  const text = payload.toString('utf8', 4 * (count + 1));
  const lines: string[] = new Array(count);
  let offset = 0;
  for (let index = 0; index < count; index += 1) {
    const length = payload.readUInt32LE(4 * (index + 1));
    lines[index] = text.slice(offset, offset + length);
    offset += length;
  }
  if (offset !== text.length) throw new Error(`damaged line block: lengths cover ${offset} of ${text.length} characters`);
  return lines;
}

/**
 * Collects a file's lines in order and writes them as deflated blocks inside the caller's
 * transaction. At most PENDING_BLOCK_COUNT_MAX blocks wait for the compressor, so memory stays
 * bounded whatever the file size. close() must follow, whether the import commits or not.
 */
export class RawLineBlockWriter {
  private lines: string[] = [];
  private characterCount = 0;
  private firstLineNumber = 1;
  private readonly pending: { firstLineNumber: number; lineCount: number; data: Promise<Buffer> }[] = [];
  private readonly compressor = new BlockCompressor();
  private readonly insertBlock;

  constructor(
    sqlite: SqliteDatabase,
    private readonly fileId: number,
  ) {
    this.insertBlock = sqlite.prepare(`INSERT INTO channel_file_blocks (file_id, first_line_number, line_count, data) VALUES (?, ?, ?, ?)`);
  }

  /** Lines must arrive consecutively from line 1. */
  async add(lines: readonly string[], firstLineNumber: number): Promise<void> {
    if (firstLineNumber !== this.firstLineNumber + this.lines.length) {
      throw new Error(`raw lines out of order: expected line ${this.firstLineNumber + this.lines.length}, got ${firstLineNumber}`);
    }
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index];
      this.lines.push(line);
      this.characterCount += line.length;
      if (this.characterCount >= BLOCK_CHARACTER_COUNT) {
        this.seal();
        // A zip member arrives as one batch of all its lines: the bound holds within a batch too.
        while (this.pending.length > PENDING_BLOCK_COUNT_MAX) await this.writeOldest();
      }
    }
  }

  /** Writes every remaining block; returns the number of lines stored. */
  async finish(): Promise<number> {
    this.seal();
    while (this.pending.length > 0) await this.writeOldest();
    return this.firstLineNumber - 1;
  }

  close(): void {
    this.compressor.close();
    // A failed import rolls back; blocks still being compressed are of no use to anyone.
    for (const block of this.pending.splice(0)) block.data.catch(() => undefined);
  }

  private seal(): void {
    if (this.lines.length === 0) return;
    const lineCount = this.lines.length;
    this.pending.push({ firstLineNumber: this.firstLineNumber, lineCount, data: this.compressor.compress(this.lines) });
    this.firstLineNumber += lineCount;
    this.lines = [];
    this.characterCount = 0;
  }

  private async writeOldest(): Promise<void> {
    const block = this.pending[0];
    const data = await block.data;
    this.pending.shift();
    this.insertBlock.run(this.fileId, block.firstLineNumber, block.lineCount, data);
  }
}

export interface RawLineReference {
  fileId: number;
  lineNumber: number;
}

interface StoredBlock {
  first_line_number: number;
  line_count: number;
  data: Buffer;
}

/** Reads lines of stored files; blocks are inflated once per call, however many lines they serve. */
export function readRawLines(sqlite: SqliteDatabase, references: readonly RawLineReference[]): (string | null)[] {
  const findBlock = sqlite.prepare(
    `SELECT first_line_number, line_count, data FROM channel_file_blocks WHERE file_id = ? AND first_line_number <= ? ORDER BY first_line_number DESC LIMIT 1`,
  );
  const inflated = new Map<string, string[]>();
  return references.map(({ fileId, lineNumber }) => {
    const block = findBlock.get(fileId, lineNumber) as StoredBlock | undefined;
    if (block === undefined || lineNumber >= block.first_line_number + block.line_count) return null;
    const key = `${fileId}:${block.first_line_number}`;
    let lines = inflated.get(key);
    if (lines === undefined) {
      lines = decodeLineBlock(inflateRawSync(block.data));
      if (lines.length !== block.line_count) throw new Error(`damaged line block ${key}: ${lines.length} lines, ${block.line_count} recorded`);
      inflated.set(key, lines);
    }
    return lines[lineNumber - block.first_line_number];
  });
}

/** Line `lineNumber` (1-based) of an imported file as it was decoded, or null when the file has no such stored line. */
export function readRawLine(sqlite: SqliteDatabase, fileId: number, lineNumber: number): string | null {
  return readRawLines(sqlite, [{ fileId, lineNumber }])[0];
}

/**
 * Fills in the text of channel rows read from channel_transactions: their own raw_line when the
 * row kept one, else their line of the stored file. A row whose line is missing is a bug.
 */
export function withRawLines<Row extends { fileId: number; lineNumber: number; rawLine: string | null }>(
  sqlite: SqliteDatabase,
  rows: readonly Row[],
): (Omit<Row, 'fileId' | 'rawLine'> & { rawLine: string })[] {
  const missing = rows.filter((row) => row.rawLine === null);
  const lines = readRawLines(sqlite, missing);
  const fromFile = new Map(missing.map((row, index) => [row, lines[index]]));
  return rows.map((row) => {
    const { fileId, rawLine, ...rest } = row;
    const text = rawLine ?? fromFile.get(row) ?? null;
    if (text === null) throw new Error(`channel row at file ${fileId} line ${row.lineNumber} has no stored line`);
    return { ...rest, rawLine: text };
  });
}
