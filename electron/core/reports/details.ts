import type { SqliteDatabase, SqliteStatement } from '../../../db/open';
import { chartOfAccounts as accounts, memberSubLedgerAccounts } from '../ledger/accounts';
import { fen, type Fen } from '../money';
import type { ReportPeriod } from './period';

/**
 * Detail reports for any period [from, to). Each is an Iterable that runs its query when
 * iterated and reads rows one at a time (better-sqlite3 `iterate`), so a million rows stream
 * into the Excel writer without being held in memory. While one is being iterated the
 * connection must not be used for anything else (better-sqlite3 refuses that).
 */

/**
 * Page cache while a detail report streams (32 MiB instead of the workspace's 256 MiB): a
 * million-row scan reads each page once, so a large cache only adds to the export's peak memory
 * (DESIGN.md section 12 bounds it at 500 MB) without saving a read.
 */
const STREAMING_CACHE_SIZE_KIB = 32 * 1024;

function lazyRows<Raw, Row>(sqlite: SqliteDatabase, statement: SqliteStatement, parameters: unknown[], shape: (raw: Raw) => Row): Iterable<Row> {
  return {
    *[Symbol.iterator]() {
      const cacheSizeBefore = sqlite.pragma('cache_size', { simple: true }) as number;
      sqlite.pragma(`cache_size = -${STREAMING_CACHE_SIZE_KIB}`);
      try {
        for (const raw of statement.iterate(...parameters) as Iterable<Raw>) yield shape(raw);
      } finally {
        // The statement's iterator is closed by now (for-of returns it first), so the connection is free.
        sqlite.pragma(`cache_size = ${cacheSizeBefore}`);
      }
    },
  };
}

function countOf(sqlite: SqliteDatabase, sql: string, parameters: unknown[]): number {
  return (sqlite.prepare(sql).get(...parameters) as { n: number }).n;
}

// ---------------------------------------------------------------- transactions

/** One row per posting: the entry, its source document, the account and the amount. */
export interface TransactionDetailRow {
  entryNo: string;
  entryType: string;
  occurredAt: string;
  sourceResource: string;
  sourceId: string;
  sourceNo: string | null;
  reversesEntryNo: string | null;
  lineNo: number;
  accountCode: string;
  accountNameZh: string;
  partyId: string | null;
  debitFen: Fen;
  creditFen: Fen;
  memo: string | null;
}

const transactionsFrom = `FROM journal_entries e JOIN postings p ON p.entry_id = e.id WHERE e.occurred_at >= ? AND e.occurred_at < ?`;

export function transactionDetails(sqlite: SqliteDatabase, period: ReportPeriod): Iterable<TransactionDetailRow> {
  // Read as arrays (no per-row property map from better-sqlite3) and name the account from a
  // small in-memory map instead of joining accounts per posting: a million-row export spends a
  // third of its time here, and this halves it (bench: Excel export).
  const accountNameByCode = new Map(
    (sqlite.prepare(`SELECT code, name_zh AS nameZh FROM accounts`).all() as { code: string; nameZh: string }[]).map(
      (account) => [account.code, account.nameZh],
    ),
  );
  const statement = sqlite
    .prepare(
      `SELECT e.entry_no, e.entry_type, e.occurred_at, e.source_resource, e.source_id, e.source_no, reversed.entry_no,
              p.line_no, p.account_code, p.party_id, p.debit_fen, p.credit_fen, e.memo
       FROM journal_entries e JOIN postings p ON p.entry_id = e.id
       LEFT JOIN journal_entries reversed ON reversed.id = e.reverses_entry_id
       WHERE e.occurred_at >= ? AND e.occurred_at < ?
       ORDER BY e.occurred_at, e.id, p.line_no`,
    )
    .raw(true);
  type RawPosting = [string, string, string, string, string, string | null, string | null, number, string, string | null, number, number, string | null];
  return lazyRows(sqlite, statement, [period.from, period.to], (raw: RawPosting): TransactionDetailRow => {
    const accountNameZh = accountNameByCode.get(raw[8]);
    // postings.account_code references accounts(code): a miss is a broken workspace, our bug.
    if (accountNameZh === undefined) throw new Error(`posting of entry ${raw[0]} names unknown account ${raw[8]}`);
    return {
      entryNo: raw[0],
      entryType: raw[1],
      occurredAt: raw[2],
      sourceResource: raw[3],
      sourceId: raw[4],
      sourceNo: raw[5],
      reversesEntryNo: raw[6],
      lineNo: raw[7],
      accountCode: raw[8],
      accountNameZh,
      partyId: raw[9],
      debitFen: fen(raw[10]),
      creditFen: fen(raw[11]),
      memo: raw[12],
    };
  });
}

export function transactionDetailCount(sqlite: SqliteDatabase, period: ReportPeriod): number {
  return countOf(sqlite, `SELECT count(*) AS n ${transactionsFrom}`, [period.from, period.to]);
}

// ---------------------------------------------------------------- refunds

export type RefundClearingState =
  /** The channel's own refund row is imported and its amount matches. */
  | 'cleared'
  /** A channel refund row exists with a different amount. */
  | 'amount_mismatch'
  /** Refunded through a channel; its refund row is not (yet) imported. */
  | 'awaiting_channel'
  /** Nothing went back through a channel (stored value / balance only). */
  | 'not_applicable'
  /** Approval: no money has moved yet. */
  | 'pending';

export const refundClearingStateZh: Record<RefundClearingState, string> = {
  cleared: '已清算',
  amount_mismatch: '金额不符',
  awaiting_channel: '待渠道确认',
  not_applicable: '无需清算',
  pending: '未退款',
};

export interface RefundDetailRow {
  entryNo: string;
  /** refund_approved or refund_succeeded (a reversal shows the type it reverses, with negative amounts). */
  entryType: string;
  reversal: boolean;
  occurredAt: string;
  refundNo: string | null;
  /** The original order, from the synced refund document when it is there. */
  orderNo: string | null;
  memberId: string | null;
  /** wechat / alipay / none: the refund document's channel, else the clearing account credited. */
  channel: string | null;
  /** The refund amount (2205 movement, oriented as the refund's own entry). */
  amountFen: Fen;
  /** Returned through the channel (clearing credit); 0 for an approval. */
  channelAmountFen: Fen;
  storedValueAmountFen: Fen;
  balanceAmountFen: Fen;
  /** What the imported channel refund rows say they refunded (positive), null when none. */
  channelRecordedFen: Fen | null;
  clearingState: RefundClearingState;
  clearingStateZh: string;
}

const refundEntryTypes = `('refund_approved', 'refund_succeeded')`;
const refundsWhere = `e.occurred_at >= ? AND e.occurred_at < ?
  AND (e.entry_type IN ${refundEntryTypes} OR (e.entry_type = 'reversal' AND original.entry_type IN ${refundEntryTypes}))`;

interface RefundRaw {
  entryNo: string;
  entryType: string;
  reversal: number;
  occurredAt: string;
  refundNo: string | null;
  orderNo: string | null;
  documentChannel: string | null;
  memberId: string | null;
  refundsPayableDebit: number;
  refundsPayableCredit: number;
  wechatCredit: number;
  alipayCredit: number;
  storedValueCredit: number;
  balanceCredit: number;
  channelRecorded: number | null;
}

export function refundDetails(sqlite: SqliteDatabase, period: ReportPeriod): Iterable<RefundDetailRow> {
  const signed = (account: string) => `coalesce(sum(CASE WHEN p.account_code = '${account}' THEN p.credit_fen - p.debit_fen END), 0)`;
  const statement = sqlite.prepare(
    `SELECT e.entry_no AS entryNo, coalesce(original.entry_type, e.entry_type) AS entryType,
            e.entry_type = 'reversal' AS reversal, e.occurred_at AS occurredAt, e.source_no AS refundNo,
            (SELECT json_extract(d.body_json, '$.order_no') FROM mall_documents d WHERE d.resource = e.source_resource AND d.id = e.source_id) AS orderNo,
            (SELECT json_extract(d.body_json, '$.channel') FROM mall_documents d WHERE d.resource = e.source_resource AND d.id = e.source_id) AS documentChannel,
            max(CASE WHEN p.account_code = '${accounts.refundsPayable.code}' THEN p.party_id END) AS memberId,
            coalesce(sum(CASE WHEN p.account_code = '${accounts.refundsPayable.code}' THEN p.debit_fen END), 0) AS refundsPayableDebit,
            coalesce(sum(CASE WHEN p.account_code = '${accounts.refundsPayable.code}' THEN p.credit_fen END), 0) AS refundsPayableCredit,
            ${signed(accounts.wechatClearing.code)} AS wechatCredit,
            ${signed(accounts.alipayClearing.code)} AS alipayCredit,
            ${signed(accounts.memberStoredValue.code)} AS storedValueCredit,
            ${signed(accounts.memberBalance.code)} AS balanceCredit,
            (SELECT -sum(c.amount_fen) FROM channel_transactions c WHERE c.merchant_refund_no = e.source_no AND c.kind = 'refund') AS channelRecorded
     FROM journal_entries e
     LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id
     JOIN postings p ON p.entry_id = e.id
     WHERE ${refundsWhere}
     GROUP BY e.id
     ORDER BY e.occurred_at, e.id`,
  );
  return lazyRows(sqlite, statement, [period.from, period.to], shapeRefund);
}

function shapeRefund(raw: RefundRaw): RefundDetailRow {
  const succeeded = raw.entryType === 'refund_succeeded';
  // Oriented as the refund's own entry: an approval credits 2205, a payment debits it.
  const amountFen = fen(succeeded ? raw.refundsPayableDebit - raw.refundsPayableCredit : raw.refundsPayableCredit - raw.refundsPayableDebit);
  const channelAmountFen = fen(raw.wechatCredit + raw.alipayCredit);
  const postedChannel = raw.wechatCredit !== 0 ? 'wechat' : raw.alipayCredit !== 0 ? 'alipay' : succeeded ? 'none' : null;
  const channelRecordedFen = raw.channelRecorded === null ? null : fen(raw.channelRecorded);
  let clearingState: RefundClearingState;
  if (!succeeded) clearingState = 'pending';
  else if (channelAmountFen === 0) clearingState = 'not_applicable';
  else if (channelRecordedFen === null) clearingState = 'awaiting_channel';
  // A reversed payment is compared by size: the channel row stays positive.
  else clearingState = channelRecordedFen === Math.abs(channelAmountFen) ? 'cleared' : 'amount_mismatch';
  return {
    entryNo: raw.entryNo,
    entryType: raw.entryType,
    reversal: raw.reversal === 1,
    occurredAt: raw.occurredAt,
    refundNo: raw.refundNo,
    orderNo: raw.orderNo,
    memberId: raw.memberId,
    channel: raw.documentChannel ?? postedChannel,
    amountFen,
    channelAmountFen,
    storedValueAmountFen: fen(raw.storedValueCredit),
    balanceAmountFen: fen(raw.balanceCredit),
    channelRecordedFen,
    clearingState,
    clearingStateZh: refundClearingStateZh[clearingState],
  };
}

export function refundDetailCount(sqlite: SqliteDatabase, period: ReportPeriod): number {
  return countOf(
    sqlite,
    `SELECT count(*) AS n FROM journal_entries e LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id WHERE ${refundsWhere}`,
    [period.from, period.to],
  );
}

// ---------------------------------------------------------------- balance changes

export type BalanceSubLedger = 'stored_value' | 'balance' | 'points';

/**
 * One member's sub-ledger, member by member: an opening row (期初) then every movement with the
 * balance after it. Stored value and balance are fen; points are a quantity. They never mix.
 */
export interface BalanceChangeRow {
  memberId: string;
  /** null on the opening row. */
  entryNo: string | null;
  entryType: string;
  occurredAt: string | null;
  sourceResource: string | null;
  sourceNo: string | null;
  /** Fen (money ledgers) or points; + increases what the mall owes the member. null on the opening row. */
  change: number | null;
  balanceAfter: number;
}

export const OPENING_ROW_TYPE = 'opening';

function movementSql(subLedger: BalanceSubLedger, before: boolean): string {
  const range = before ? 'e.occurred_at < ?' : 'e.occurred_at >= ? AND e.occurred_at < ?';
  if (subLedger === 'points') {
    return before
      ? `SELECT m.member_id AS memberId, sum(m.change_points) AS total FROM points_ledger m JOIN journal_entries e ON e.id = m.entry_id WHERE ${range} GROUP BY m.member_id`
      : `SELECT m.member_id AS memberId, e.entry_no AS entryNo, e.entry_type AS entryType, e.occurred_at AS occurredAt,
                e.source_resource AS sourceResource, e.source_no AS sourceNo, m.change_points AS change
         FROM points_ledger m JOIN journal_entries e ON e.id = m.entry_id WHERE ${range}
         ORDER BY m.member_id, e.occurred_at, e.id, m.id`;
  }
  const account = memberSubLedgerAccounts[subLedger];
  return before
    ? `SELECT p.party_id AS memberId, sum(p.credit_fen - p.debit_fen) AS total FROM postings p JOIN journal_entries e ON e.id = p.entry_id
       WHERE p.account_code = '${account}' AND p.party_id IS NOT NULL AND ${range} GROUP BY p.party_id`
    : `SELECT p.party_id AS memberId, e.entry_no AS entryNo, e.entry_type AS entryType, e.occurred_at AS occurredAt,
              e.source_resource AS sourceResource, e.source_no AS sourceNo, p.credit_fen - p.debit_fen AS change
       FROM postings p JOIN journal_entries e ON e.id = p.entry_id
       WHERE p.account_code = '${account}' AND p.party_id IS NOT NULL AND ${range}
       ORDER BY p.party_id, e.occurred_at, e.id, p.line_no`;
}

/**
 * The balance-change ledger of one sub-ledger over a period, for every member who has a
 * movement in it. The opening balances are read first (one grouped query), then movements stream.
 */
export function balanceChanges(sqlite: SqliteDatabase, subLedger: BalanceSubLedger, period: ReportPeriod): Iterable<BalanceChangeRow> {
  const openingStatement = sqlite.prepare(movementSql(subLedger, true));
  const movementStatement = sqlite.prepare(movementSql(subLedger, false));
  const toAmount = subLedger === 'points' ? (value: number) => value : (value: number) => fen(value);
  return {
    *[Symbol.iterator]() {
      const openings = new Map(
        (openingStatement.all(period.from) as { memberId: string; total: number }[]).map((row) => [row.memberId, row.total]),
      );
      let currentMember: string | null = null;
      let running = 0;
      type Raw = Omit<BalanceChangeRow, 'balanceAfter' | 'change'> & { change: number };
      for (const raw of movementStatement.iterate(period.from, period.to) as Iterable<Raw>) {
        if (raw.memberId !== currentMember) {
          currentMember = raw.memberId;
          running = openings.get(raw.memberId) ?? 0;
          yield {
            memberId: raw.memberId,
            entryNo: null,
            entryType: OPENING_ROW_TYPE,
            occurredAt: null,
            sourceResource: null,
            sourceNo: null,
            change: null,
            balanceAfter: toAmount(running),
          };
        }
        running += raw.change;
        yield { ...raw, change: toAmount(raw.change), balanceAfter: toAmount(running) };
      }
    },
  };
}

export function balanceChangeCount(sqlite: SqliteDatabase, subLedger: BalanceSubLedger, period: ReportPeriod): number {
  const sql = movementSql(subLedger, false);
  const from = sql.indexOf('FROM');
  const order = sql.indexOf('ORDER BY');
  const memberColumn = subLedger === 'points' ? 'm.member_id' : 'p.party_id';
  // Movements plus one opening row per member.
  return countOf(sqlite, `SELECT count(*) + count(DISTINCT ${memberColumn}) AS n ${sql.slice(from, order)}`, [period.from, period.to]);
}

// ---------------------------------------------------------------- payouts

export interface PayoutDetailRow {
  entryNo: string;
  /** commission_payout, payout_paid, withdrawal_approved, withdrawal_paid (a reversal shows what it reverses). */
  entryType: string;
  reversal: boolean;
  occurredAt: string;
  sourceResource: string;
  sourceNo: string | null;
  partyId: string | null;
  /** Gross amount: taken from commission payable / member balance (approvals), or paid out of transit (payments). */
  amountFen: Fen;
  /** Withdrawal fee kept (6051). */
  feeFen: Fen;
  /** Net: put in transit (approvals) or paid from clearing / bank (payments). */
  netFen: Fen;
  /** The account money left from, for payments: 1002 / 1121 / 1122. */
  paidFromAccount: string | null;
}

const payoutEntryTypes = `('commission_payout', 'payout_paid', 'withdrawal_approved', 'withdrawal_paid')`;
const payoutsWhere = `e.occurred_at >= ? AND e.occurred_at < ?
  AND (e.entry_type IN ${payoutEntryTypes} OR (e.entry_type = 'reversal' AND original.entry_type IN ${payoutEntryTypes}))`;

export function payoutDetails(sqlite: SqliteDatabase, period: ReportPeriod): Iterable<PayoutDetailRow> {
  const debitOf = (codes: string[]) =>
    `coalesce(sum(CASE WHEN p.account_code IN (${codes.map((code) => `'${code}'`).join(', ')}) THEN p.debit_fen - p.credit_fen END), 0)`;
  const creditOf = (codes: string[]) =>
    `coalesce(sum(CASE WHEN p.account_code IN (${codes.map((code) => `'${code}'`).join(', ')}) THEN p.credit_fen - p.debit_fen END), 0)`;
  const paidFrom = [accounts.bank.code, accounts.wechatClearing.code, accounts.alipayClearing.code];
  const statement = sqlite.prepare(
    `SELECT e.entry_no AS entryNo, coalesce(original.entry_type, e.entry_type) AS entryType, e.entry_type = 'reversal' AS reversal,
            e.occurred_at AS occurredAt, e.source_resource AS sourceResource, e.source_no AS sourceNo,
            max(CASE WHEN p.party_id IS NOT NULL THEN p.party_id END) AS partyId,
            ${debitOf([accounts.commissionPayable.code, accounts.memberBalance.code])} AS fromPayable,
            ${debitOf([accounts.payoutsInTransit.code])} AS transitDebit,
            ${creditOf([accounts.payoutsInTransit.code])} AS transitCredit,
            ${creditOf([accounts.otherIncome.code])} AS fee,
            ${creditOf(paidFrom)} AS paidOut,
            max(CASE WHEN p.account_code IN (${paidFrom.map((code) => `'${code}'`).join(', ')}) THEN p.account_code END) AS paidFromAccount
     FROM journal_entries e
     LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id
     JOIN postings p ON p.entry_id = e.id
     WHERE ${payoutsWhere}
     GROUP BY e.id
     ORDER BY e.occurred_at, e.id`,
  );
  type Raw = Omit<PayoutDetailRow, 'amountFen' | 'feeFen' | 'netFen' | 'reversal'> & {
    reversal: number;
    fromPayable: number;
    transitDebit: number;
    transitCredit: number;
    fee: number;
    paidOut: number;
  };
  return lazyRows(sqlite, statement, [period.from, period.to], (raw: Raw): PayoutDetailRow => {
    const payment = raw.entryType === 'payout_paid' || raw.entryType === 'withdrawal_paid';
    return {
      entryNo: raw.entryNo,
      entryType: raw.entryType,
      reversal: raw.reversal === 1,
      occurredAt: raw.occurredAt,
      sourceResource: raw.sourceResource,
      sourceNo: raw.sourceNo,
      partyId: raw.partyId,
      amountFen: fen(payment ? raw.transitDebit : raw.fromPayable),
      feeFen: fen(raw.fee),
      netFen: fen(payment ? raw.paidOut : raw.transitCredit),
      paidFromAccount: payment ? raw.paidFromAccount : null,
    };
  });
}

export function payoutDetailCount(sqlite: SqliteDatabase, period: ReportPeriod): number {
  return countOf(
    sqlite,
    `SELECT count(*) AS n FROM journal_entries e LEFT JOIN journal_entries original ON original.id = e.reverses_entry_id WHERE ${payoutsWhere}`,
    [period.from, period.to],
  );
}
