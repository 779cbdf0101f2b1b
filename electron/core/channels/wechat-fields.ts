import { RowError } from './types';
import { normalizeHeaderName } from './values';

/**
 * Splits a WeChat bill line. Every field of a data line starts with one backtick and fields are
 * never quoted, so the separator is "comma + backtick": commas inside 商品名称/商户数据包 survive.
 * A line written without backticks is split on commas. When a free-text field itself holds the
 * separator, the row has too many fields; the surplus is folded back into the free-text columns
 * (`freeTextFirstIndex` and the one after it), anchoring every other column on the known count.
 */
export function splitWechatFields(
  line: string,
  expectedCount: number,
  freeTextFirstIndex: number | null,
  lineNumber: number,
): string[] {
  let fields: string[];
  let separator: string;
  if (line.startsWith('`')) {
    fields = line.slice(1).split(',`');
    separator = ',`';
  } else {
    fields = line.split(',').map((field) => (field.startsWith('`') ? field.slice(1) : field));
    separator = ',';
  }
  if (fields.length === expectedCount) return fields;
  if (fields.length > expectedCount && freeTextFirstIndex !== null) {
    const surplus = fields.length - expectedCount;
    const head = fields.slice(0, freeTextFirstIndex);
    const tail = fields.slice(freeTextFirstIndex + 2 + surplus);
    const middle = fields.slice(freeTextFirstIndex, freeTextFirstIndex + 2 + surplus);
    // The free text is split between the two columns at the first separator; the rest goes to
    // the second (商户数据包 / 业务凭证号). Ids and amounts, which are anchored, are exact either way.
    return [...head, middle[0], middle.slice(1).join(separator), ...tail];
  }
  throw new RowError(lineNumber, `expected ${expectedCount} fields, found ${fields.length}`);
}

/** Header names of a WeChat header line (no backticks), BOM and a mis-decoded BOM '?' removed. */
export function splitWechatHeader(line: string): string[] {
  return line.replace(/^[\uFEFF?]+/, '').split(',').map((name) => name.trim());
}

/**
 * The summary block that closes every WeChat bill: an unbackticked header starting with a known
 * name, then one backticked row, then nothing. Shared by the trade and fund-flow parsers.
 */
export class WechatSummaryBlock {
  private state: 'detail' | 'summary-row' | 'done' = 'detail';
  names: string[] = [];
  values: string[] = [];
  line = 0;

  constructor(private readonly headerStart: string) {}

  /** Takes a line that belongs to the summary block (true) or leaves a detail line to the caller (false). */
  take(line: string, lineNumber: number): boolean {
    if (this.state === 'done') throw new RowError(lineNumber, 'unexpected content after the summary row');
    if (this.state === 'summary-row') {
      this.values = splitWechatFields(line, this.names.length, null, lineNumber);
      this.line = lineNumber;
      this.state = 'done';
      return true;
    }
    if (!line.startsWith('`') && line.startsWith(this.headerStart)) {
      this.names = splitWechatHeader(line).map(normalizeHeaderName);
      this.state = 'summary-row';
      return true;
    }
    return false;
  }

  get complete(): boolean {
    return this.state === 'done';
  }
}
