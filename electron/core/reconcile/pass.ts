import type { SqliteDatabase } from '../../../db/open';
import { feeRate, type RateFraction } from './settings';

/**
 * The matching pass of a reconciliation run as SQL: one flat statement over the channel rows that
 * decides each one (category NULL = matched) and names the mall item it found. run.ts runs it on
 * the run's own connection, and, for a large set, on a worker thread's connection over part of
 * the rows at the same time (pass-worker.ts); both build the same inputs first (passInputsSql).
 */

/** The channel files whose payment and refund rows are matched (fund-flow rows repeat them). */
export const tradeFileKinds = ['wechat_trade_all', 'wechat_trade_success', 'wechat_trade_refund', 'alipay_trade'] as const;

/** Integer half-up of |amount| x rate, with the amount's sign: the same figure as multiplyByRate(..., 'half-up'). */
export function expectedFeeSql(amount: string, rate: RateFraction): string {
  return `(CASE WHEN ${amount} < 0 THEN -1 ELSE 1 END) * ((abs(${amount}) * ${rate.numerator} * 2 + ${rate.denominator}) / ${2 * rate.denominator})`;
}

export function feeSql(channelColumn: string, amount: string, rates: Record<'wechat' | 'alipay', RateFraction>): string {
  return `CASE ${channelColumn} WHEN 'wechat' THEN ${expectedFeeSql(amount, rates.wechat)} ELSE ${expectedFeeSql(amount, rates.alipay)} END`;
}

/** The expected fee of a channel row at the configured rates, as SQL over its channel and amount columns. */
export function configuredFeeSql(sqlite: SqliteDatabase, channelColumn: string, amount: string): string {
  return feeSql(channelColumn, amount, { wechat: feeRate(sqlite, 'wechat'), alipay: feeRate(sqlite, 'alipay') });
}

/** Fee rates by channel, read once per run so both connections use the same. */
export type PassRates = Record<'wechat' | 'alipay', RateFraction>;

export function passRates(sqlite: SqliteDatabase): PassRates {
  return { wechat: feeRate(sqlite, 'wechat'), alipay: feeRate(sqlite, 'alipay') };
}

/** The merchant number a channel row carries for its kind, over alias c. */
export const rowNoSql = `(CASE c.kind WHEN 'payment' THEN c.merchant_order_no ELSE c.merchant_refund_no END)`;

/** Payment or refunded amount, positive: refund rows carry negative amounts and fees. */
export const channelAmountSql = `(CASE c.kind WHEN 'payment' THEN c.amount_fen ELSE -c.amount_fen END)`;

/**
 * The mall item a channel row c matches: by merchant number (a payment also to a document the
 * mall has not settled, whatever its channel), falling back to the channel's own id.
 */
export const mallRowidSql = `(CASE c.kind WHEN 'payment' THEN coalesce(
    (SELECT m.rowid FROM reconcile_mall_items m WHERE m.document_no = c.merchant_order_no AND m.kind = 'payment'
       AND (m.channel = c.channel OR m.settled = 0) LIMIT 1),
    (SELECT m.rowid FROM reconcile_mall_items m WHERE m.channel_trade_no = c.channel_trade_no AND m.kind = 'payment'
       AND m.channel = c.channel LIMIT 1))
  ELSE coalesce(
    (SELECT m.rowid FROM reconcile_mall_items m WHERE m.document_no = c.merchant_refund_no AND m.kind = 'refund'
       AND m.channel = c.channel LIMIT 1),
    (SELECT m.rowid FROM reconcile_mall_items m WHERE m.channel_refund_no = c.channel_refund_no AND m.kind = 'refund'
       AND m.channel = c.channel LIMIT 1))
  END)`;

/**
 * Whether an earlier trade row of the channel carries c's merchant number: one seek in the
 * number's index (number, then row id), which for most rows finds no earlier entry at all.
 */
const earlierRowSql = `(CASE
    WHEN c.kind = 'payment' THEN EXISTS (
      SELECT 1 FROM channel_transactions e WHERE e.merchant_order_no = c.merchant_order_no AND e.rowid < c.rowid
        AND e.channel = c.channel AND e.kind = 'payment' AND e.file_id IN (SELECT id FROM rc_trade_files))
    ELSE EXISTS (
      SELECT 1 FROM channel_transactions e WHERE e.merchant_refund_no = c.merchant_refund_no AND e.rowid < c.rowid
        AND e.channel = c.channel AND e.kind = 'refund' AND e.file_id IN (SELECT id FROM rc_trade_files))
  END)`;

/**
 * c is an extra row when an earlier row has its merchant number, or when it matched m only
 * through the channel id while another row carries the document's own number.
 */
export const extraSql = `(CASE WHEN ${earlierRowSql} THEN 1
    WHEN m.rowid IS NULL OR ${rowNoSql} IS m.document_no THEN 0
    WHEN c.kind = 'payment' THEN EXISTS (SELECT 1 FROM channel_transactions e WHERE e.merchant_order_no = m.document_no
      AND e.channel = c.channel AND e.kind = 'payment' AND e.file_id IN (SELECT id FROM rc_trade_files))
    ELSE EXISTS (SELECT 1 FROM channel_transactions e WHERE e.merchant_refund_no = m.document_no
      AND e.channel = c.channel AND e.kind = 'refund' AND e.file_id IN (SELECT id FROM rc_trade_files))
  END)`;

/**
 * The discrepancy category of channel row c against mall item m, NULL when they match. One
 * flat expression in the pass's only level: the two WHENs that test extraSql are for different
 * kinds, so each row evaluates it once.
 */
export function categorySql(expectedFee: string): string {
  return `CASE
      WHEN c.kind = 'payment' AND ${extraSql} THEN 'duplicate_in_channel'
      WHEN c.kind = 'payment' AND m.id IS NULL THEN 'missing_in_mall'
      WHEN c.kind = 'payment' AND m.settled = 0 THEN 'status_mismatch'
      WHEN c.kind = 'payment' AND ${channelAmountSql} != m.amount_fen THEN 'amount_mismatch'
      WHEN c.kind = 'refund' AND (${extraSql} OR m.id IS NULL OR m.settled = 0) THEN 'refund_missing_in_mall'
      WHEN c.kind = 'refund' AND ${channelAmountSql} != m.amount_fen THEN 'refund_amount_mismatch'
      WHEN abs(c.fee_fen - (${expectedFee})) > 1 THEN 'fee_mismatch'
    END`;
}


/** The pass's input, as a temp table of the connection: the trade files' ids. */
export function passInputsSql(): string {
  const kinds = tradeFileKinds.map((kind) => `'${kind}'`).join(', ');
  return `
    DROP TABLE IF EXISTS temp.rc_trade_files;
    CREATE TEMP TABLE rc_trade_files (id INTEGER PRIMARY KEY);
    INSERT INTO rc_trade_files SELECT id FROM import_files WHERE kind IN (${kinds});`;
}

/** The table the pass writes: one row per channel row, its decision and what the pairs and the unmatched-document pass need. */
export function passTableSql(qualifiedName: string): string {
  return `CREATE TABLE ${qualifiedName} (
    row_id INTEGER PRIMARY KEY, business_date TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL,
    channel_amount INTEGER NOT NULL, category TEXT, mall_rowid INTEGER
  )`;
}

/** Decides the trade rows with ids in [?, ?] into the pass table `target`. */
export function passRowsSql(target: string, rates: PassRates): string {
  return `INSERT INTO ${target}
    SELECT c.id, c.business_date, c.channel, c.kind, ${channelAmountSql}, ${categorySql(feeSql('c.channel', 'c.amount_fen', rates))}, m.rowid
    FROM channel_transactions c LEFT JOIN reconcile_mall_items m ON m.rowid = ${mallRowidSql}
    WHERE c.id BETWEEN ? AND ? AND c.kind IN ('payment', 'refund') AND c.file_id IN (SELECT id FROM rc_trade_files)`;
}
