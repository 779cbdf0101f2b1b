import ExcelJS from 'exceljs';
import type { LineBatch, LineSource } from './source';

/*
 * An .xlsx export read with exceljs' streaming reader (first worksheet only) and presented as
 * CSV lines, one per worksheet row, so bank presets work the same on .csv and .xlsx files.
 * Line numbers are worksheet row numbers; empty rows become empty lines.
 */

function two(value: number): string {
  return value.toString().padStart(2, '0');
}

/** The text a cell shows. Dates are naive wall-clock times that exceljs hands over as UTC. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const date = `${value.getUTCFullYear()}-${two(value.getUTCMonth() + 1)}-${two(value.getUTCDate())}`;
    const seconds = value.getUTCHours() * 3600 + value.getUTCMinutes() * 60 + value.getUTCSeconds();
    return seconds === 0 ? date : `${date} ${two(value.getUTCHours())}:${two(value.getUTCMinutes())}:${two(value.getUTCSeconds())}`;
  }
  if (typeof value === 'object') {
    const cell = value as { richText?: { text: string }[]; text?: string; result?: unknown };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text).join('');
    if ('result' in cell) return cellText(cell.result);
    if (typeof cell.text === 'string') return cell.text;
    return '';
  }
  // A number cell becomes its shortest exact decimal text; the amount parser then reads that text.
  return String(value);
}

export function csvLine(cells: string[]): string {
  return cells
    .map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell))
    .join(',');
}

export function xlsxLineSource(path: string): LineSource {
  async function* batches(): AsyncGenerator<LineBatch> {
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    let nextLineNumber = 1;
    for await (const worksheet of workbook) {
      for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
        const lines: string[] = [];
        while (nextLineNumber < row.number) {
          lines.push('');
          nextLineNumber += 1;
        }
        const values = Array.isArray(row.values) ? row.values.slice(1) : [];
        lines.push(csvLine(Array.from(values, (value) => cellText(value))));
        const firstLineNumber = nextLineNumber - lines.length + 1;
        nextLineNumber += 1;
        yield { lines, firstLineNumber };
      }
      break; // bank exports keep the statement on the first sheet
    }
  }
  return { name: path, encoding: 'xlsx', batches: batches(), setTolerateUndecodable() {} };
}
