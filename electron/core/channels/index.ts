import { openContainer, textLineSource, type LineBatch, type LineSource } from './source';
import { detectParser, type DetectOptions } from './detect';
import { ChannelFileParseError, RowError, type ChannelFileError, type ChannelFileReader, type ChannelRow, type ChannelRowBatch, type LineParser } from './types';
import { xlsxLineSource } from './xlsx';

export * from './types';
export { bankPresets, type BankColumnMapping, type BankPresetName } from './bank-csv';
export type { DetectOptions as OpenChannelFileOptions } from './detect';

/** Lines read ahead of parsing to recognise the format (and, for zips, to pick the members). */
const detectionLineCount = 60;

interface PeekedSource {
  source: LineSource;
  headLines: string[];
  headFirstLineNumber: number;
  done: boolean;
}

async function peek(source: LineSource): Promise<PeekedSource> {
  const headLines: string[] = [];
  let headFirstLineNumber = 1;
  let done = false;
  while (headLines.length < detectionLineCount) {
    const next = await source.batches.next();
    if (next.done) {
      done = true;
      break;
    }
    if (headLines.length === 0) headFirstLineNumber = next.value.firstLineNumber;
    // A zip member can arrive as one batch of 200,000 lines: spreading it would overflow the stack.
    for (const line of next.value.lines) headLines.push(line);
  }
  return { source, headLines, headFirstLineNumber, done };
}

function toFileError(file: string, error: unknown): ChannelFileError {
  if (error instanceof RowError) return { file, line: error.line, reason: error.reason };
  if (error instanceof ChannelFileParseError) return error.detail;
  throw error; // our own bug: let it surface
}

/** One format parser over one or more line sources (several detail members of one zip). */
class Reader implements ChannelFileReader {
  readonly kind;
  readonly channel;
  readonly encoding: string;
  private exhausted = false;
  private started = false;
  private currentName: string;

  constructor(
    private readonly parts: { peeked: PeekedSource; parser: LineParser; skipThroughLine: number }[],
  ) {
    const first = parts[0];
    this.kind = first.parser.kind;
    this.channel = first.parser.channel;
    this.encoding = first.peeked.source.encoding;
    this.currentName = first.peeked.source.name;
  }

  rows(): AsyncIterable<ChannelRow> {
    const batches = this.rowBatches();
    return (async function* () {
      for await (const batch of batches) yield* batch.rows;
    })();
  }

  rowBatches(): AsyncIterable<ChannelRowBatch> {
    if (this.started) throw new Error('ChannelFileReader rows may be iterated only once');
    this.started = true;
    return this.iterate();
  }

  // One batch per decoded chunk, not one promise per row: a bill has a million rows.
  private async *iterate(): AsyncGenerator<ChannelRowBatch> {
    for (let partIndex = 0; partIndex < this.parts.length; partIndex += 1) {
      const { peeked, parser, skipThroughLine } = this.parts[partIndex];
      this.currentName = peeked.source.name;
      try {
        // A broken line ends the file, but the rows before it are still handed out first.
        const parse = (lines: string[], firstLineNumber: number): { batch: ChannelRowBatch; failure: unknown } => {
          const rows: ChannelRow[] = [];
          try {
            for (let index = 0; index < lines.length; index += 1) {
              const lineNumber = firstLineNumber + index;
              if (lineNumber <= skipThroughLine) continue;
              const completed = parser.consume(lines[index], lineNumber);
              if (completed !== null) for (const row of completed) rows.push(row);
            }
          } catch (error) {
            return { batch: { partIndex, lines, firstLineNumber, rows }, failure: error };
          }
          return { batch: { partIndex, lines, firstLineNumber, rows }, failure: null };
        };
        let nextLineNumber = peeked.headFirstLineNumber + peeked.headLines.length;
        const chunks: AsyncIterable<LineBatch> = {
          [Symbol.asyncIterator]: async function* () {
            if (peeked.headLines.length > 0) yield { lines: peeked.headLines, firstLineNumber: peeked.headFirstLineNumber };
            peeked.headLines = [];
            if (peeked.done) return;
            for (;;) {
              const next = await peeked.source.batches.next();
              if (next.done) return;
              yield next.value;
            }
          },
        };
        for await (const chunk of chunks) {
          nextLineNumber = chunk.firstLineNumber + chunk.lines.length;
          const { batch, failure } = parse(chunk.lines, chunk.firstLineNumber);
          yield batch;
          if (failure !== null) throw failure;
        }
        const tail = parser.end();
        if (tail !== null) yield { partIndex, lines: [], firstLineNumber: nextLineNumber, rows: tail };
      } catch (error) {
        throw new ChannelFileParseError(toFileError(peeked.source.name, error));
      }
    }
    this.exhausted = true;
  }

  finish() {
    if (!this.exhausted) throw new Error('ChannelFileReader.finish() called before rows() was exhausted');
    let rowCount = 0;
    let totalsChecked = true;
    const closingBalances = [];
    for (const { peeked, parser } of this.parts) {
      try {
        const summary = parser.summary();
        rowCount += summary.rowCount;
        totalsChecked &&= summary.totalsChecked;
        closingBalances.push(...summary.closingBalances);
      } catch (error) {
        throw new ChannelFileParseError(toFileError(peeked.source.name, error));
      }
    }
    return { totalsChecked, closingBalances, rowCount };
  }
}

/**
 * Opens a channel or bank file (.csv, .zip, .gz, .xlsx, .sta, .xml ...) and recognises its
 * format from the content. Bad input is a result, never an exception.
 */
export async function openChannelFile(
  path: string,
  options: DetectOptions = {},
): Promise<{ ok: true; reader: ChannelFileReader } | { ok: false; error: ChannelFileError }> {
  const container = await openContainer(path);
  if (!container.ok) return { ok: false, error: { file: path, line: null, reason: container.reason } };
  const sources: LineSource[] = container.xlsx
    ? [xlsxLineSource(path)]
    : await Promise.all(container.sources.map((member) => textLineSource(member.name, member.chunks())));
  const parts: { peeked: PeekedSource; parser: LineParser; skipThroughLine: number }[] = [];
  const skipped: string[] = [];
  for (const source of sources) {
    let peeked: PeekedSource;
    try {
      peeked = await peek(source);
    } catch (error) {
      return { ok: false, error: toFileError(source.name, error) };
    }
    try {
      const detected = detectParser(peeked.headLines, peeked.headFirstLineNumber, options);
      if (detected === 'ignore') {
        skipped.push(source.name);
        continue;
      }
      source.setTolerateUndecodable(detected.parser.toleratesUndecodableBytes);
      parts.push({ peeked, parser: detected.parser, skipThroughLine: detected.skipThroughLine });
    } catch (error) {
      return { ok: false, error: toFileError(source.name, error) };
    }
  }
  if (parts.length === 0) {
    return { ok: false, error: { file: path, line: null, reason: `no bill detail in the archive (only ${skipped.join(', ')})` } };
  }
  const kinds = new Set(parts.map((part) => part.parser.kind));
  if (kinds.size > 1) {
    return { ok: false, error: { file: path, line: null, reason: `the archive mixes bill kinds (${[...kinds].join(', ')}); import them as separate files` } };
  }
  return { ok: true, reader: new Reader(parts) };
}
