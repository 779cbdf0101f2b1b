import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import { RowError } from './types';

/*
 * Turns a path into decoded lines, whatever the container: plain text, gzip (streamed through
 * zlib), zip (Alipay's .csv.zip; members picked by content later) or xlsx (exceljs streaming
 * reader, one "line" per row). Encoding is chosen from the bytes: valid UTF-8 (BOM stripped)
 * or GB18030, the superset of GBK.
 */

export type TextEncodingName = 'utf-8' | 'gb18030';

export interface LineBatch {
  lines: string[];
  /** Physical line number of lines[0]; the others follow consecutively. */
  firstLineNumber: number;
}

export interface LineSource {
  /** Shown in errors: the path, or "archive.zip!member.csv". */
  name: string;
  encoding: TextEncodingName | 'xlsx';
  batches: AsyncIterator<LineBatch>;
  /** Formats that carry garbled national characters (MT940) accept bytes that do not decode. */
  setTolerateUndecodable(tolerate: boolean): void;
}

export type ContainerResult =
  | { ok: true; sources: { name: string; chunks: () => AsyncIterable<Uint8Array> }[]; xlsx: false }
  | { ok: true; xlsx: true }
  | { ok: false; reason: string };

const zipMagic = [0x50, 0x4b, 0x03, 0x04];
/** A decompressed zip member is handed to the decoder in slices of this size, like a file read. */
const ZIP_MEMBER_SLICE_BYTES = 256 * 1024;
const gzipMagic = [0x1f, 0x8b];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Zip member names are GBK bytes without the UTF-8 flag in Alipay zips; fflate hands them over as latin1. */
export function decodeZipMemberName(name: string): string {
  if ([...name].some((character) => character.charCodeAt(0) > 0xff)) return name; // already decoded as UTF-8
  const bytes = Buffer.from(name, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gb18030');
  }
}

export async function openContainer(path: string): Promise<ContainerResult> {
  let head: Uint8Array;
  try {
    head = await readHead(path, 8);
  } catch (error) {
    return { ok: false, reason: `cannot read file: ${(error as Error).message}` };
  }
  if (startsWith(head, gzipMagic)) {
    return {
      ok: true,
      xlsx: false,
      sources: [{ name: path, chunks: () => createReadStream(path).pipe(createGunzip()) }],
    };
  }
  if (startsWith(head, zipMagic)) {
    let members: Record<string, Uint8Array>;
    try {
      // Alipay zips are small (a day or a month of one merchant); reading them whole is fine.
      members = unzipSync(await readFile(path));
    } catch (error) {
      return { ok: false, reason: `damaged or truncated zip: ${(error as Error).message}` };
    }
    const names = Object.keys(members);
    if (names.includes('xl/workbook.xml')) return { ok: true, xlsx: true };
    const files = names.filter((name) => !name.endsWith('/'));
    if (files.length === 0) return { ok: false, reason: 'zip holds no files' };
    return {
      ok: true,
      xlsx: false,
      sources: files.map((name) => ({
        name: `${path}!${decodeZipMemberName(name)}`,
        // In slices, as a file is read: the lines then arrive in batches, and a parse worker can hand
        // the first rows to the importer while it decodes the rest (one 200,000-row batch could not).
        chunks: async function* () {
          const bytes = members[name];
          for (let offset = 0; offset < bytes.length; offset += ZIP_MEMBER_SLICE_BYTES) yield bytes.subarray(offset, offset + ZIP_MEMBER_SLICE_BYTES);
        },
      })),
    };
  }
  return { ok: true, xlsx: false, sources: [{ name: path, chunks: () => createReadStream(path, { highWaterMark: 256 * 1024 }) }] };
}

const sniffBytes = 64 * 1024;

/**
 * UTF-8 when the first bytes are valid UTF-8 (a cut multi-byte character at the end is fine), or
 * when a run of CJK text decodes as UTF-8 before the first bad byte: that is a UTF-8 file with a
 * broken byte, reported at its line, not a GBK file. Otherwise GB18030 (a superset of GBK).
 */
export function detectEncoding(head: Uint8Array): TextEncodingName {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    const lenient = new TextDecoder('utf-8').decode(head);
    const firstBad = lenient.indexOf('\uFFFD');
    // GBK bytes happen to form a valid UTF-8 character now and then, but hardly ever a run of
    // CJK ideographs: that many before the first bad byte means a UTF-8 file with a broken byte.
    const cjkBeforeBadByte = lenient.slice(0, Math.max(0, firstBad)).match(/[\u3000-\u9fff]/g)?.length ?? 0;
    return cjkBeforeBadByte >= 8 ? 'utf-8' : 'gb18030';
  }
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) count += 1;
  return count;
}

/** Decodes byte chunks into batches of lines (CR/LF and a leading BOM removed, no final empty line). */
export async function textLineSource(name: string, chunks: AsyncIterable<Uint8Array>): Promise<LineSource> {
  const iterator = chunks[Symbol.asyncIterator]();
  const headChunks: Uint8Array[] = [];
  let headLength = 0;
  let exhausted = false;
  while (headLength < sniffBytes) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const chunk = next.value instanceof Uint8Array ? next.value : Buffer.from(next.value as string);
    headChunks.push(chunk);
    headLength += chunk.length;
  }
  const encoding = detectEncoding(Buffer.concat(headChunks).subarray(0, sniffBytes));
  let tolerateUndecodable = false;
  let utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const gbDecoder = iconv.getDecoder('gb18030');
  let pending = '';
  let nextLineNumber = 1;

  function decode(chunk: Uint8Array | null): string {
    if (encoding === 'gb18030') {
      const text = chunk === null ? gbDecoder.end() ?? '' : gbDecoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (!tolerateUndecodable && text.includes('\uFFFD')) fail(text, text.indexOf('\uFFFD'));
      return text;
    }
    try {
      return chunk === null ? utf8Decoder.decode() : utf8Decoder.decode(chunk, { stream: true });
    } catch {
      const lenient = new TextDecoder('utf-8').decode(chunk ?? new Uint8Array());
      if (!tolerateUndecodable) fail(lenient, Math.max(0, lenient.indexOf('\uFFFD')));
      utf8Decoder = new TextDecoder('utf-8', { fatal: false });
      return lenient;
    }
  }

  function fail(text: string, position: number): never {
    const line = nextLineNumber + countNewlines(pending, pending.length) + countNewlines(text, position);
    throw new RowError(line, `bytes that are neither valid ${encoding === 'utf-8' ? 'UTF-8' : 'GBK/GB18030'} text (wrong encoding or a binary file)`);
  }

  function split(text: string, final: boolean): LineBatch | null {
    let combined = pending + text;
    if (nextLineNumber === 1 && combined.charCodeAt(0) === 0xfeff) combined = combined.slice(1);
    const lines = combined.split('\n');
    pending = final ? '' : lines.pop() ?? '';
    if (final && lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index];
      if (line.endsWith('\r')) lines[index] = line.slice(0, -1);
    }
    if (lines.length === 0) return null;
    const batch = { lines, firstLineNumber: nextLineNumber };
    nextLineNumber += lines.length;
    return batch;
  }

  async function* batches(): AsyncGenerator<LineBatch> {
    for (const chunk of headChunks) {
      const batch = split(decode(chunk), false);
      if (batch !== null) yield batch;
    }
    headChunks.length = 0;
    if (!exhausted) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const batch = split(decode(next.value as Uint8Array), false);
        if (batch !== null) yield batch;
      }
    }
    const batch = split(decode(null), true);
    if (batch !== null) yield batch;
  }

  return {
    name,
    encoding,
    batches: batches(),
    setTolerateUndecodable(tolerate: boolean) {
      tolerateUndecodable = tolerate;
    },
  };
}
