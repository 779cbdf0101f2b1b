import type { ChannelRow, ChannelRowBatch } from '../channels';
import type { StoredInstantCache } from './stored-instant';

/*
 * Parsed channel rows as columns, the form in which they cross from the parse thread to the
 * thread that writes them. Cloning a million row objects into a message costs the receiving
 * thread about as much as parsing them did; numbers in typed arrays move without a copy, and
 * the columns that repeat (channel, kind, status, dates...) travel once per distinct value.
 */

/** A column of few distinct values: each row's value is `values[codes[row]]`. */
export interface DictionaryColumn {
  values: string[];
  codes: Uint32Array;
}

/** A column of nullable text: null rows have code 0, the others `values[codes[row] - 1]`. */
export interface NullableDictionaryColumn {
  values: string[];
  codes: Uint32Array;
}

export interface ChannelRowColumns {
  count: number;
  lineNumber: Float64Array;
  /** Fen, exact: integers far below 2^53. */
  amountFen: Float64Array;
  /** NaN where the row has no order amount. */
  orderAmountFen: Float64Array;
  feeFen: Float64Array;
  /** The row's own text only when it is not simply its line of the stored file, else null. */
  ownText: (string | null)[];
  naturalKey: string[];
  merchantOrderNo: (string | null)[];
  merchantRefundNo: (string | null)[];
  channelTradeNo: (string | null)[];
  channelRefundNo: (string | null)[];
  /** The time as stored (toStoredInstant of occurredAt). */
  occurredAt: string[];
  channel: DictionaryColumn;
  kind: DictionaryColumn;
  currency: DictionaryColumn;
  businessDate: DictionaryColumn;
  status: DictionaryColumn;
  account: NullableDictionaryColumn;
  counterparty: NullableDictionaryColumn;
  memo: NullableDictionaryColumn;
}

class DictionaryBuilder {
  readonly values: string[] = [];
  readonly codes: Uint32Array;
  private readonly codeOf = new Map<string, number>();

  constructor(
    count: number,
    /** Nullable columns keep code 0 for null. */
    private readonly firstCode: 0 | 1,
  ) {
    this.codes = new Uint32Array(count);
  }

  set(row: number, value: string | null): void {
    if (value === null) {
      if (this.firstCode === 0) throw new Error('null in a column that has no null');
      return; // code 0
    }
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.values.length + this.firstCode;
      this.codeOf.set(value, code);
      this.values.push(value);
    }
    this.codes[row] = code;
  }

  column(): DictionaryColumn {
    return { values: this.values, codes: this.codes };
  }
}

/** The rows of one batch as columns; `storedInstants` converts the times once per distinct value. */
export function toRowColumns(batch: ChannelRowBatch, rows: readonly ChannelRow[], storedInstants: StoredInstantCache): ChannelRowColumns {
  const count = rows.length;
  const columns: Omit<ChannelRowColumns, 'channel' | 'kind' | 'currency' | 'businessDate' | 'status' | 'account' | 'counterparty' | 'memo'> = {
    count,
    lineNumber: new Float64Array(count),
    amountFen: new Float64Array(count),
    orderAmountFen: new Float64Array(count),
    feeFen: new Float64Array(count),
    ownText: new Array<string | null>(count),
    naturalKey: new Array<string>(count),
    merchantOrderNo: new Array<string | null>(count),
    merchantRefundNo: new Array<string | null>(count),
    channelTradeNo: new Array<string | null>(count),
    channelRefundNo: new Array<string | null>(count),
    occurredAt: new Array<string>(count),
  };
  const channel = new DictionaryBuilder(count, 0);
  const kind = new DictionaryBuilder(count, 0);
  const currency = new DictionaryBuilder(count, 0);
  const businessDate = new DictionaryBuilder(count, 0);
  const status = new DictionaryBuilder(count, 0);
  const account = new DictionaryBuilder(count, 1);
  const counterparty = new DictionaryBuilder(count, 1);
  const memo = new DictionaryBuilder(count, 1);
  for (let index = 0; index < count; index += 1) {
    const row = rows[index];
    columns.lineNumber[index] = row.lineNumber;
    columns.amountFen[index] = row.amountFen;
    columns.orderAmountFen[index] = row.orderAmountFen === null ? Number.NaN : row.orderAmountFen;
    columns.feeFen[index] = row.feeFen;
    const isItsLine = batch.partIndex === 0 && batch.lines[row.lineNumber - batch.firstLineNumber] === row.rawLine;
    columns.ownText[index] = isItsLine ? null : row.rawLine;
    columns.naturalKey[index] = row.naturalKey;
    columns.merchantOrderNo[index] = row.merchantOrderNo;
    columns.merchantRefundNo[index] = row.merchantRefundNo;
    columns.channelTradeNo[index] = row.channelTradeNo;
    columns.channelRefundNo[index] = row.channelRefundNo;
    columns.occurredAt[index] = storedInstants.of(row.occurredAt);
    channel.set(index, row.channel);
    kind.set(index, row.kind);
    currency.set(index, row.currency);
    businessDate.set(index, row.businessDate);
    status.set(index, row.status);
    account.set(index, row.account);
    counterparty.set(index, row.counterparty);
    memo.set(index, row.memo);
  }
  return {
    ...columns,
    channel: channel.column(),
    kind: kind.column(),
    currency: currency.column(),
    businessDate: businessDate.column(),
    status: status.column(),
    account: account.column(),
    counterparty: counterparty.column(),
    memo: memo.column(),
  };
}

/** Value of a nullable dictionary column at `row`. */
export function nullableAt(column: NullableDictionaryColumn, row: number): string | null {
  const code = column.codes[row];
  return code === 0 ? null : column.values[code - 1];
}

/** The memory a message may move instead of copying. */
export function transferablesOf(columns: ChannelRowColumns): ArrayBuffer[] {
  const arrays = [
    columns.lineNumber,
    columns.amountFen,
    columns.orderAmountFen,
    columns.feeFen,
    columns.channel.codes,
    columns.kind.codes,
    columns.currency.codes,
    columns.businessDate.codes,
    columns.status.codes,
    columns.account.codes,
    columns.counterparty.codes,
    columns.memo.codes,
  ];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}
