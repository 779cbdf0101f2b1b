/**
 * Sends payouts through their channel and books what comes back.
 *
 * Never twice: a payout is stored in state 'created' (committed) before it is sent, its
 * attempt is counted (committed) before each send, and the out_bill_no never changes. A payout
 * that was handed to a channel but has no known outcome (attempt_count > 0, still 'created' — a
 * crash between send and answer, a timeout) is first looked up through the channel's query
 * endpoint and only re-sent, under the same number, when the channel has never seen it.
 *
 * Outcomes: success posts the paid entry (Dr 2206, Cr clearing). failed / cancelled / expired
 * reverse the entry that moved the money to 2206, so it is back in commission payable (the
 * commissions go to the next cycle) or in the member's sub-ledger (withdrawals). Each outcome is
 * booked once (finished_at), with its write-back to the mall and an audit row, in one transaction.
 */
import type { SqliteStatement } from '../../../db/open';
import { appendAudit } from '../audit/audit-log';
import { LedgerdeskError } from '../errors';
import { entriesForSource } from '../ledger/read';
import { payoutPaidEntry } from '../ledger/rules/withdrawals';
import { postEntry } from '../ledger/post';
import { reverseEntry } from '../ledger/reverse';
import type { SourceDocument } from '../ledger/entry';
import { formatFenAsYuan } from '../money';
import type { Workspace } from '../workspace/workspace';
import type { ConfiguredPayoutChannels } from './merchant-config';
import { enqueueMallWrite } from './mall-writeback';
import { isFinalPayoutState, type PayoutChannel, type PayoutRequest, type PayoutStatus } from './payout-channel';
import { listPayouts, type PayoutRecord } from './payout-store';
// Circular on purpose (unconfirmed.ts books through applyPayoutStatuses): both are only called at run time.
import { cancelUnconfirmedPayouts } from './unconfirmed';

interface RunnerStatements {
  withdrawalNo: SqliteStatement;
  markPaid: SqliteStatement;
  markReturned: SqliteStatement;
  commissionIds: SqliteStatement;
  withdrawalStatus: SqliteStatement;
  releaseCommissions: SqliteStatement;
}

// Outcomes are booked by the thousand in one transaction: prepare each statement once per database.
const statementCache = new WeakMap<Workspace['sqlite'], RunnerStatements>();

function statementsFor(sqlite: Workspace['sqlite']): RunnerStatements {
  let statements = statementCache.get(sqlite);
  if (!statements) {
    statements = {
      withdrawalNo: sqlite.prepare(`SELECT withdrawal_no FROM withdrawal_reviews WHERE withdrawal_id = ?`),
      markPaid: sqlite.prepare(`UPDATE payouts SET paid_entry_id = ?, finished_at = ? WHERE id = ?`),
      markReturned: sqlite.prepare(`UPDATE payouts SET return_entry_id = ?, finished_at = ? WHERE id = ?`),
      commissionIds: sqlite.prepare(`SELECT commission_id FROM payout_commissions WHERE payout_id = ? AND released_at IS NULL ORDER BY id`),
      withdrawalStatus: sqlite.prepare(`UPDATE withdrawal_reviews SET status = ?, updated_at = ? WHERE withdrawal_id = ?`),
      releaseCommissions: sqlite.prepare(`UPDATE payout_commissions SET released_at = ? WHERE payout_id = ? AND released_at IS NULL`),
    };
    statementCache.set(sqlite, statements);
  }
  return statements;
}

/** The source document of a payout's own entries (commission payout, paid, reversal). */
export function payoutSource(sqlite: Workspace['sqlite'], payout: PayoutRecord): SourceDocument {
  if (payout.kind === 'withdrawal' && payout.withdrawalId) {
    const review = statementsFor(sqlite).withdrawalNo.get(payout.withdrawalId) as
      | { withdrawal_no: string }
      | undefined;
    return { resource: 'withdrawals', id: payout.withdrawalId, no: review?.withdrawal_no ?? null };
  }
  return { resource: 'payouts', id: payout.outBillNo, no: payout.settlementNo };
}

function requestOf(payout: PayoutRecord): PayoutRequest {
  return { outBillNo: payout.outBillNo, payeeOpenid: payout.payeeOpenid, payeeRealName: payout.payeeRealName, amountFen: payout.amountFen, remark: payout.remark };
}

/**
 * The channel of a payout: bank / Alipay payouts go through the file export; WeChat payouts through
 * the API their settlement chose (payouts.channel, set at creation) or else the configured one.
 */
export function channelFor(channels: ConfiguredPayoutChannels, payout: Pick<PayoutRecord, 'method' | 'channel' | 'outBillNo'>): PayoutChannel {
  if (payout.method !== 'wechat') return channels.file;
  if (!channels.wechat) throw new LedgerdeskError('invalid_input', 'WeChat Pay payouts are not configured: run `ledgerdesk payout config` first');
  if (!payout.channel || payout.channel === channels.wechat.name) return channels.wechat;
  const named = Object.values(channels.wechatByApi ?? {}).find((channel) => channel?.name === payout.channel);
  if (!named) throw new LedgerdeskError('invalid_input', `payout ${payout.outBillNo} goes through ${payout.channel}, which is not available with these merchant settings`);
  return named;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export interface PayoutRunResult {
  payouts: PayoutRecord[];
}

/**
 * Sends every unsent payout (of one settlement when given). Payouts already attempted are looked
 * up first; only those the channel has never seen are sent again, under the same number.
 */
export async function submitPayouts(
  workspace: Workspace,
  userName: string,
  channels: ConfiguredPayoutChannels,
  filter: { settlementNo?: string; outBillNos?: readonly string[] } = {},
): Promise<PayoutRunResult> {
  const candidates = listPayouts(workspace.sqlite, { ...filter, openOnly: true }).filter((payout) => payout.state === 'created');
  const attempted = candidates.filter((payout) => payout.attemptCount > 0 && payout.method === 'wechat');
  if (attempted.length > 0) await reconcileThroughQuery(workspace, userName, channels, attempted);
  const touched = new Set(candidates.map((payout) => payout.outBillNo));
  const toSend = listPayouts(workspace.sqlite, { ...filter, openOnly: true }).filter((payout) => payout.state === 'created' && touched.has(payout.outBillNo));
  const now = () => workspace.clock.now();

  // Written and committed before anything leaves: a crash from here on leaves attempt_count > 0,
  // which makes the next run query before re-sending.
  const markAttempt = workspace.sqlite.prepare(
    `UPDATE payouts SET attempt_count = attempt_count + 1, channel = ?, first_submitted_at = coalesce(first_submitted_at, ?), updated_at = ? WHERE id = ?`,
  );
  workspace.sqlite.transaction(() => {
    const at = now().toISOString();
    for (const payout of toSend) markAttempt.run(channelFor(channels, payout).name, at, at, payout.id);
  })();

  const statuses: PayoutStatus[] = [];
  for (const [, group] of groupBy(toSend, (payout) => `${channelFor(channels, payout).name}\u0000${payout.settlementNo}`)) {
    const channel = channelFor(channels, group[0]);
    statuses.push(...(await channel.submit(group.map(requestOf), { settlementId: group[0].settlementNo })));
  }
  applyPayoutStatuses(workspace, userName, statuses);
  return { payouts: listPayouts(workspace.sqlite, { outBillNos: candidates.map((payout) => payout.outBillNo) }) };
}

async function reconcileThroughQuery(workspace: Workspace, userName: string, channels: ConfiguredPayoutChannels, payouts: PayoutRecord[]): Promise<void> {
  const statuses: PayoutStatus[] = [];
  for (const [, group] of groupBy(payouts, (payout) => channelFor(channels, payout).name)) {
    statuses.push(...(await channelFor(channels, group[0]).query(group.map((payout) => payout.outBillNo))));
  }
  applyPayoutStatuses(workspace, userName, statuses);
}

/**
 * Queries the channel for every payout in flight (and every attempted one without a known
 * outcome) and books the outcomes. File-export payouts are settled by importing results instead.
 * When the merchant set a cancel policy for unconfirmed transfers, those overdue are cancelled
 * (and booked) afterwards.
 */
export async function pollPayouts(workspace: Workspace, userName: string, channels: ConfiguredPayoutChannels): Promise<PayoutRunResult> {
  const inFlight = listPayouts(workspace.sqlite, { openOnly: true }).filter(
    (payout) => payout.method === 'wechat' && (payout.state !== 'created' || payout.attemptCount > 0),
  );
  if (inFlight.length > 0) await reconcileThroughQuery(workspace, userName, channels, inFlight);
  await cancelUnconfirmedPayouts(workspace, userName, channels);
  return { payouts: listPayouts(workspace.sqlite, { outBillNos: inFlight.map((payout) => payout.outBillNo) }) };
}

/** Books channel statuses: state changes, and for final states the ledger and write-back consequences. */
export function applyPayoutStatuses(workspace: Workspace, userName: string, statuses: readonly PayoutStatus[]): void {
  if (statuses.length === 0) return;
  const sqlite = workspace.sqlite;
  const byNo = new Map(listPayouts(sqlite, { outBillNos: statuses.map((status) => status.outBillNo) }).map((payout) => [payout.outBillNo, payout]));
  const update = sqlite.prepare(
    `UPDATE payouts SET state = ?, channel_ref = coalesce(?, channel_ref), failure_reason = ?, updated_at = ? WHERE id = ? AND finished_at IS NULL`,
  );
  sqlite.transaction(() => {
    for (const status of statuses) {
      const payout = byNo.get(status.outBillNo);
      if (!payout) throw new Error(`channel reported ${status.outBillNo}, which is not a payout of this workspace`);
      // A booked outcome is final: nothing a channel says later can un-pay or re-pay it.
      if (payout.finishedAt) continue;
      update.run(status.state, status.channelRef, status.failureReason, workspace.clock.now().toISOString(), payout.id);
      if (!isFinalPayoutState(status.state)) continue;
      if (status.state === 'success') bookPaid(workspace, userName, payout, status);
      else bookReturned(workspace, userName, payout, status);
    }
  })();
}

function liveEntryIds(sqlite: Workspace['sqlite'], condition: string, parameters: unknown[]): number[] {
  const rows = sqlite
    .prepare(`SELECT e.id FROM journal_entries e WHERE ${condition} AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id) ORDER BY e.id`)
    .all(...parameters) as { id: number }[];
  return rows.map((row) => row.id);
}

function hasLiveEntry(sqlite: Workspace['sqlite'], source: SourceDocument, entryType: string): boolean {
  const entries = entriesForSource(sqlite, source.resource, source.id);
  return entries.some((entry) => entry.entryType === entryType && entry.reversedByEntryNo === null);
}

function bookPaid(workspace: Workspace, userName: string, payout: PayoutRecord, status: PayoutStatus): void {
  const sqlite = workspace.sqlite;
  const now = workspace.clock.now();
  const source = payoutSource(sqlite, payout);
  const entryType = payout.kind === 'withdrawal' ? 'withdrawal_paid' : 'payout_paid';
  let paidEntryId: number | null = null;
  // The sync books withdrawal_paid when the MALL reports a withdrawal paid: whoever comes first
  // posts, the other finds the live entry on the same source and posts nothing.
  if (!(payout.kind === 'withdrawal' && hasLiveEntry(sqlite, source, 'withdrawal_paid'))) {
    const spec = payoutPaidEntry({ source, partyId: payout.partyId, paidAt: status.updatedAt, method: payout.method, netFen: payout.amountFen, entryType });
    if (spec) paidEntryId = postEntry(workspace.postingContext(userName), { ...spec, memo: `${payout.outBillNo} ${status.channelRef ?? ''}`.trim() }).id;
  }
  const statements = statementsFor(sqlite);
  statements.markPaid.run(paidEntryId, now.toISOString(), payout.id);
  if (payout.kind === 'withdrawal' && payout.withdrawalId) {
    statements.withdrawalStatus.run('paid', now.toISOString(), payout.withdrawalId);
    enqueueMallWrite(
      sqlite,
      {
        kind: 'withdrawal_payout_result',
        targetId: payout.withdrawalId,
        idempotencyKey: `withdrawal-payout-${payout.outBillNo}`,
        body: { status: 'paid', channel_ref: status.channelRef, paid_at: status.updatedAt, failure_reason: null },
      },
      userName,
      now,
    );
  } else {
    const commissionIds = (
      statements.commissionIds.all(payout.id) as { commission_id: string }[]
    ).map((row) => row.commission_id);
    enqueueMallWrite(
      sqlite,
      {
        kind: 'commission_settlement',
        targetId: payout.outBillNo,
        idempotencyKey: `commission-settlement-${payout.outBillNo}`,
        // One mall settlement per payout: its number is the payout's out_bill_no.
        body: {
          settlement_no: payout.outBillNo,
          distributor_id: payout.partyId,
          commission_ids: commissionIds,
          amount: formatFenAsYuan(payout.amountFen),
          status: 'paid',
          channel_ref: status.channelRef,
          paid_at: status.updatedAt,
        },
      },
      userName,
      now,
    );
  }
  appendAudit(
    sqlite,
    { userName, action: 'payout.paid', objectType: 'payout', objectId: payout.outBillNo, detail: { kind: payout.kind, party: payout.partyId, amount: formatFenAsYuan(payout.amountFen), channelRef: status.channelRef, paidEntryId } },
    now,
  );
}

function bookReturned(workspace: Workspace, userName: string, payout: PayoutRecord, status: PayoutStatus): void {
  const sqlite = workspace.sqlite;
  const now = workspace.clock.now();
  const memo = `payout ${payout.outBillNo} ${status.state}: ${status.failureReason ?? ''}`.trim();
  // Whatever moved the money to 2206 and is still live is reversed: the commission_payout
  // entries of the payout's commissions, or the withdrawal's approval.
  const live =
    payout.kind === 'withdrawal' && payout.withdrawalId
      ? liveEntryIds(sqlite, `source_resource = 'withdrawals' AND source_id = ? AND entry_type = 'withdrawal_approved'`, [payout.withdrawalId])
      : liveEntryIds(
          sqlite,
          `source_resource = 'commissions' AND entry_type = 'commission_payout'
           AND source_id IN (SELECT commission_id FROM payout_commissions WHERE payout_id = ? AND released_at IS NULL)`,
          [payout.id],
        );
  const reversalIds = live.map((entryId) => reverseEntry(workspace.postingContext(userName), entryId, { memo }).id);
  const returnEntryId = reversalIds[0] ?? null;
  const statements = statementsFor(sqlite);
  statements.markReturned.run(returnEntryId, now.toISOString(), payout.id);
  if (payout.kind === 'withdrawal' && payout.withdrawalId) {
    statements.withdrawalStatus.run('failed', now.toISOString(), payout.withdrawalId);
    enqueueMallWrite(
      sqlite,
      {
        kind: 'withdrawal_payout_result',
        targetId: payout.withdrawalId,
        idempotencyKey: `withdrawal-payout-${payout.outBillNo}`,
        body: { status: 'failed', channel_ref: status.channelRef, paid_at: null, failure_reason: `${status.state}: ${status.failureReason ?? ''}`.trim() },
      },
      userName,
      now,
    );
  } else {
    // The commissions go back to the next cycle.
    statements.releaseCommissions.run(now.toISOString(), payout.id);
  }
  appendAudit(
    sqlite,
    {
      userName,
      action: 'payout.returned',
      objectType: 'payout',
      objectId: payout.outBillNo,
      detail: { kind: payout.kind, party: payout.partyId, amount: formatFenAsYuan(payout.amountFen), state: status.state, reason: status.failureReason, reversalIds },
    },
    now,
  );
}
