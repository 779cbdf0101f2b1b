import { promisify } from 'node:util';
import { deflateRaw, inflateRawSync } from 'node:zlib';
import type { SqliteDatabase } from '../../../db/open';

/*
 * A file's decoded lines, kept once per imported file so any channel row can show its original
 * line: consecutive lines are packed into blocks of about 64 KiB of text and deflated
 * (channel_file_blocks). A row keeps only file_id + line_number. Block payload, before deflate:
 *   uint32 LE line count, uint32 LE length of each line in UTF-16 units, the lines' UTF-8 text.
 * Lengths rather than a separator: a line read from an xlsx cell may itself hold a line break.
 */

/** Characters of text per block: a lookup inflates one block (about 280 WeChat lines). */
const BLOCK_CHARACTER_COUNT = 64 * 1024;
/** Blocks being deflated on the thread pool at once; bounds the memory held by pending blocks. */
const PENDING_BLOCK_COUNT_MAX = 4;
/** Deflate level 1: about 7x smaller on bills at a fraction of the CPU of the default level. */
const DEFLATE_LEVEL = 1;

const deflateRawAsync = promisify(deflateRaw);

export function encodeLineBlock(lines: readonly string[]): Buffer {
  const header = Buffer.allocUnsafe(4 * (lines.length + 1));
  header.writeUInt32LE(lines.length, 0);
  for (let index = 0; index < lines.length; index += 1) header.writeUInt32LE(lines[index].length, 4 * (index + 1));
  return Buffer.concat([header, Buffer.from(lines.join(''), 'utf8')]);
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
 * transaction. Deflate runs on the thread pool (the other core) while parsing goes on; at most
 * PENDING_BLOCK_COUNT_MAX blocks wait, so memory stays bounded whatever the file size.
 */
export class RawLineBlockWriter {
  private lines: string[] = [];
  private characterCount = 0;
  private firstLineNumber = 1;
  private nextLineNumber = 1;
  private readonly pending: { firstLineNumber: number; lineCount: number; data: Promise<Buffer> }[] = [];
  private readonly insertBlock;

  constructor(
    sqlite: SqliteDatabase,
    private readonly fileId: number,
  ) {
    this.insertBlock = sqlite.prepare(`INSERT INTO channel_file_blocks (file_id, first_line_number, line_count, data) VALUES (?, ?, ?, ?)`);
  }

  /** Lines must arrive consecutively from line 1; returns once the pending blocks are within bounds. */
  async add(lines: readonly string[], firstLineNumber: number): Promise<void> {
    if (firstLineNumber !== this.nextLineNumber) throw new Error(`raw lines out of order: expected line ${this.nextLineNumber}, got ${firstLineNumber}`);
    for (const line of lines) {
      this.lines.push(line);
      this.characterCount += line.length;
      if (this.characterCount >= BLOCK_CHARACTER_COUNT) this.seal();
    }
    this.nextLineNumber += lines.length;
    while (this.pending.length > PENDING_BLOCK_COUNT_MAX) await this.writeOldest();
  }

  /** Seals the last block and writes every pending one; returns the number of lines stored. */
  async finish(): Promise<number> {
    this.seal();
    while (this.pending.length > 0) await this.writeOldest();
    return this.nextLineNumber - 1;
  }

  private seal(): void {
    if (this.lines.length === 0) return;
    const lineCount = this.lines.length;
    this.pending.push({ firstLineNumber: this.firstLineNumber, lineCount, data: deflateRawAsync(encodeLineBlock(this.lines), { level: DEFLATE_LEVEL }) });
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
