import { endianness } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SqliteDatabase } from '../../../db/open';

/*
 * A file's decoded lines, kept once per imported file so any channel row can show its original
 * line: consecutive lines are packed into blocks of about 128 Ki characters and deflated
 * (channel_file_blocks). A row keeps only file_id + line_number. Block payload, before deflate:
 *   uint32 LE line count, uint32 LE length of each line in UTF-16 units, the lines' UTF-8 text.
 * Lengths rather than a separator: a line read from an xlsx cell may itself hold a line break.
 */

/** Characters of text per block (about 560 WeChat lines): a lookup inflates one block, well under a millisecond; fewer, larger blocks deflate better. */
const BLOCK_CHARACTER_COUNT = 128 * 1024;
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

/** One deflated block of consecutive lines, as stored in channel_file_blocks. */
export interface StoredLineBlock {
  firstLineNumber: number;
  lineCount: number;
  data: Buffer;
}

/**
 * Packs a file's lines, in order, into deflated blocks. It runs where the file is parsed (the
 * parse worker thread, when there is one), so the writing thread only inserts finished blocks
 * and no line text crosses between threads. Memory: one block's lines at a time.
 */
export class LineBlockPacker {
  private lines: string[] = [];
  private characterCount = 0;
  private firstLineNumber = 1;

  /** Lines must arrive consecutively from line 1; returns the blocks they completed. */
  add(lines: readonly string[], firstLineNumber: number): StoredLineBlock[] {
    if (firstLineNumber !== this.firstLineNumber + this.lines.length) {
      throw new Error(`raw lines out of order: expected line ${this.firstLineNumber + this.lines.length}, got ${firstLineNumber}`);
    }
    const sealed: StoredLineBlock[] = [];
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index];
      this.lines.push(line);
      this.characterCount += line.length;
      if (this.characterCount >= BLOCK_CHARACTER_COUNT) sealed.push(this.seal());
    }
    return sealed;
  }

  /** The last, partial block (none when every line is already in a block). */
  finish(): StoredLineBlock[] {
    return this.lines.length === 0 ? [] : [this.seal()];
  }

  private seal(): StoredLineBlock {
    const lineCount = this.lines.length;
    const block = { firstLineNumber: this.firstLineNumber, lineCount, data: deflateRawSync(encodeLineBlock(this.lines), { level: DEFLATE_LEVEL }) };
    this.firstLineNumber += lineCount;
    this.lines = [];
    this.characterCount = 0;
    return block;
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
