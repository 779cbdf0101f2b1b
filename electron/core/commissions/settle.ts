/**
 * A commission settlement run: every settleable, unsettled commission whose accrual is on the
 * books (commission_accrual, not reversed) and that became settleable before the cycle's cutoff,
 * grouped per distributor. A distributor whose total is under the minimum gets no payout this
 * time: the commissions stay unsettled and are picked up by the next cycle. Commissions whose
 * mall amount differs from basis x rate are held (flagged for review), not paid.
 *
 * Everything — the settlement, one payout per distributor (state 'created', out_bill_no fixed),
 * the commission links and the commission_payout entries (Dr 2204, Cr 2206, one per commission
 * on the commission's source) — is written in one transaction: all of it or none of it.
 */
import { appendAudit } from '../audit/audit-log';
import { requirePermission, type Actor } from '../auth/users';
import { LedgerdeskError } from '../errors';
import { postEntry } from '../ledger/post';
import { commissionPayoutEntry } from '../ledger/rules/commissions';
import { fen, formatFenAsYuan, sumFen, type Fen } from '../money';
import { WECHAT_CHANNEL_NAME_BY_API } from '../payouts/merchant-config';
import { commissionOutBillNo, insertPayout, listPayouts, type PayoutMethod, type PayoutRecord } from '../payouts/payout-store';
import { TRANSFER_AMOUNT_MIN_FEN } from '../payouts/wechat/transfer-rules';
import { readSetting, writeSetting } from '../workspace/secrets';
import type { Workspace } from '../workspace/workspace';
import { checkCommissionAmount } from './basis';
import { readCycleConfig, settlementCycle, type SettlementCycle } from './cycle';

export const PAYOUT_MINIMUM_SETTING = 'payouts.minimum_fen';
/** Per-distributor payout routes that override the run's: { distributorId: PayoutRoute }. */
export const DISTRIBUTOR_PAYOUT_ROUTES_SETTING = 'payouts.distributor_routes';

/**
 * How a settlement pays: 'wechat' through the API the merchant settings name, or explicitly
 * through WeChat transfer-bills (one transfer each, user confirmation) or the legacy batches
 * (at most 1000 details per batch); 'bank' / 'alipay' through the Excel export for a manual
 * transfer, settled later by importing the results.
 */
export const PAYOUT_ROUTES = ['wechat', 'wechat-transfer-bills', 'wechat-batches', 'bank', 'alipay'] as const;
export type PayoutRoute = (typeof PAYOUT_ROUTES)[number];

export function isPayoutRoute(value: unknown): value is PayoutRoute {
  return typeof value === 'string' && (PAYOUT_ROUTES as readonly string[]).includes(value);
}

/** The payout columns a route fixes at creation: the method (which clearing account) and the channel. */
export function payoutColumnsOfRoute(route: PayoutRoute): { method: PayoutMethod; channel: string | null } {
  switch (route) {
    case 'wechat':
      return { method: 'wechat', channel: null };
    case 'wechat-transfer-bills':
      return { method: 'wechat', channel: WECHAT_CHANNEL_NAME_BY_API['transfer-bills'] };
    case 'wechat-batches':
      return { method: 'wechat', channel: WECHAT_CHANNEL_NAME_BY_API.batches };
    case 'bank':
    case 'alipay':
      return { method: route, channel: null };
  }
}

export interface SettlementOptions {
  /** YYYY-MM-DD, the last day of the cycle; default the latest complete cycle. */
  cycleEnd?: string;
  /** How this run pays (default 'wechat'); a distributor's own route (setDistributorPayoutRoute) wins. */
  payoutRoute?: PayoutRoute;
}

/** The per-distributor overrides; unreadable entries are ignored (the run's route applies). */
export function readDistributorPayoutRoutes(sqlite: Workspace['sqlite']): Map<string, PayoutRoute> {
  const stored = readSetting<Record<string, unknown>>(sqlite, DISTRIBUTOR_PAYOUT_ROUTES_SETTING, {});
  const routes = new Map<string, PayoutRoute>();
  if (typeof stored === 'object' && stored !== null) {
    for (const [distributorId, route] of Object.entries(stored)) if (isPayoutRoute(route)) routes.set(distributorId, route);
  }
  return routes;
}

/** Pays this distributor always through `route` (null: back to each run's route). Audited. */
export function setDistributorPayoutRoute(workspace: Workspace, actor: Actor, distributorId: string, route: PayoutRoute | null): void {
  requirePermission(actor, 'settlement.run');
  if (!distributorId.trim()) throw new LedgerdeskError('invalid_input', 'a distributor id is required');
  if (route !== null && !isPayoutRoute(route)) throw new LedgerdeskError('invalid_input', `payout route must be one of ${PAYOUT_ROUTES.join(', ')}`);
  const sqlite = workspace.sqlite;
  const now = workspace.clock.now();
  sqlite.transaction(() => {
    const routes = Object.fromEntries(readDistributorPayoutRoutes(sqlite));
    const previous = routes[distributorId] ?? null;
    if (route === null) delete routes[distributorId];
    else routes[distributorId] = route;
    writeSetting(sqlite, DISTRIBUTOR_PAYOUT_ROUTES_SETTING, routes, actor.userName, now);
    appendAudit(sqlite, { userName: actor.userName, action: 'payouts.distributor_route', objectType: 'member', objectId: distributorId, detail: { previous, route } }, now);
  })();
}

export interface DistributorTotal {
  distributorId: string;
  amountFen: Fen;
  commissionCount: number;
}

export interface SettlementResult {
  settlementNo: string;
  cycle: SettlementCycle;
  payouts: PayoutRecord[];
  /** Under the minimum: left for the next cycle. */
  carriedOver: DistributorTotal[];
  /** Flagged commissions not paid until the mall's amount is explained. */
  held: { commissionId: string; distributorId: string; reason: string }[];
}

interface CandidateRow {
  commissionId: string;
  distributorId: string;
  bodyJson: string;
  accruedFen: number;
}

/** The payout minimum: never below the channel's own minimum transfer. */
export function payoutMinimumFen(sqlite: Workspace['sqlite']): Fen {
  const configured = readSetting<number>(sqlite, PAYOUT_MINIMUM_SETTING, TRANSFER_AMOUNT_MIN_FEN);
  return fen(Math.max(Number.isSafeInteger(configured) ? configured : TRANSFER_AMOUNT_MIN_FEN, TRANSFER_AMOUNT_MIN_FEN));
}

function candidates(sqlite: Workspace['sqlite']): CandidateRow[] {
  return sqlite
    .prepare(
      `SELECT d.id AS commissionId, coalesce(d.party_id, json_extract(d.body_json, '$.distributor_id')) AS distributorId, d.body_json AS bodyJson,
         (SELECT coalesce(sum(p.credit_fen), 0) FROM postings p WHERE p.entry_id = e.id AND p.account_code = '2204') AS accruedFen
       FROM mall_documents d
       JOIN journal_entries e ON e.source_resource = 'commissions' AND e.source_id = d.id AND e.entry_type = 'commission_accrual'
       WHERE d.resource = 'commissions'
         AND json_extract(d.body_json, '$.status') = 'settleable'
         AND NOT EXISTS (SELECT 1 FROM journal_entries r WHERE r.reverses_entry_id = e.id)
         AND NOT EXISTS (SELECT 1 FROM payout_commissions pc WHERE pc.commission_id = d.id AND pc.released_at IS NULL)
       ORDER BY d.id`,
    )
    .all() as CandidateRow[];
}

function nextSettlementNo(sqlite: Workspace['sqlite'], cycleEnd: string): string {
  const prefix = `S${cycleEnd.replace(/-/g, '')}`;
  const count = (sqlite.prepare(`SELECT count(*) AS n FROM commission_settlements WHERE cycle_end = ?`).get(cycleEnd) as { n: number }).n;
  if (count >= 99) throw new LedgerdeskError('conflict', `99 settlement runs for the cycle ending ${cycleEnd} already`);
  return `${prefix}${String(count + 1).padStart(2, '0')}`;
}

interface CommissionFields {
  settleable_at?: unknown;
  basis_amount?: unknown;
  rate?: unknown;
  amount?: unknown;
  order_no?: unknown;
  line_id?: unknown;
  level?: unknown;
}

/** The document number the sync gives a commission's entries: order_no/line_id/level. */
export function commissionSourceNoOf(body: CommissionFields): string {
  return `${String(body.order_no ?? '')}/${String(body.line_id ?? '')}/${String(body.level ?? '')}`;
}

function remarkFor(cycle: SettlementCycle): string {
  return `分销佣金 ${cycle.start}至${cycle.end}`;
}

export function runSettlement(workspace: Workspace, actor: Actor, options: SettlementOptions = {}): SettlementResult {
  requirePermission(actor, 'settlement.run');
  const sqlite = workspace.sqlite;
  const now = workspace.clock.now();
  const cycleResult = settlementCycle(readCycleConfig(sqlite), now, options.cycleEnd);
  if (!cycleResult.ok) throw new LedgerdeskError('invalid_input', cycleResult.error);
  const cycle = cycleResult.value;
  const cutoffMs = new Date(cycle.cutoffAt).getTime();
  const minimumFen = payoutMinimumFen(sqlite);
  const runRoute = options.payoutRoute ?? 'wechat';
  if (!isPayoutRoute(runRoute)) throw new LedgerdeskError('invalid_input', `payout route must be one of ${PAYOUT_ROUTES.join(', ')}`);
  const distributorRoutes = readDistributorPayoutRoutes(sqlite);
  const memberOf = sqlite.prepare(`SELECT body_json FROM mall_documents WHERE resource = 'members' AND id = ?`);
  const insertLink = sqlite.prepare(`INSERT INTO payout_commissions (payout_id, commission_id, amount_fen) VALUES (?, ?, ?)`);

  return sqlite.transaction((): SettlementResult => {
    const settlementNo = nextSettlementNo(sqlite, cycle.end);
    const held: SettlementResult['held'] = [];
    const byDistributor = new Map<string, { commissionId: string; amountFen: Fen; sourceNo: string }[]>();
    for (const row of candidates(sqlite)) {
      const body = JSON.parse(row.bodyJson) as CommissionFields;
      const settleableMs = typeof body.settleable_at === 'string' ? new Date(body.settleable_at).getTime() : Number.NaN;
      if (Number.isNaN(settleableMs) || settleableMs >= cutoffMs) continue;
      const check = checkCommissionAmount(String(body.basis_amount ?? ''), String(body.rate ?? ''), String(body.amount ?? ''));
      if (check.flagReason !== null) {
        held.push({ commissionId: row.commissionId, distributorId: row.distributorId, reason: check.flagReason });
        continue;
      }
      if (row.accruedFen !== check.mallAmountFen) {
        held.push({ commissionId: row.commissionId, distributorId: row.distributorId, reason: `accrued ${row.accruedFen} fen != mall amount ${check.mallAmountFen} fen` });
        continue;
      }
      const list = byDistributor.get(row.distributorId) ?? [];
      list.push({ commissionId: row.commissionId, amountFen: fen(row.accruedFen), sourceNo: commissionSourceNoOf(body) });
      byDistributor.set(row.distributorId, list);
    }

    const carriedOver: DistributorTotal[] = [];
    const outBillNos: string[] = [];
    const context = workspace.postingContext(actor.userName);
    const remark = remarkFor(cycle);
    let totalFen = fen(0);
    const routeCounts: Partial<Record<PayoutRoute, number>> = {};
    for (const distributorId of [...byDistributor.keys()].sort()) {
      const commissions = byDistributor.get(distributorId)!;
      const amountFen = sumFen(commissions.map((commission) => commission.amountFen));
      if (amountFen < minimumFen) {
        carriedOver.push({ distributorId, amountFen, commissionCount: commissions.length });
        continue;
      }
      const outBillNo = commissionOutBillNo(settlementNo, distributorId);
      // One commission_payout entry per commission, on the commission's own source (as its
      // accrual): the sync sees a live one as "paid out" and books a later cancellation as a
      // clawback instead of reversing the accrual.
      for (const commission of commissions) {
        const spec = commissionPayoutEntry({
          source: { resource: 'commissions', id: commission.commissionId, no: commission.sourceNo },
          distributorId,
          settledAt: now.toISOString(),
          amountFen: commission.amountFen,
        });
        if (spec) postEntry(context, { ...spec, memo: `payout ${outBillNo} (settlement ${settlementNo} ${cycle.start}..${cycle.end})` });
      }
      const member = memberOf.get(distributorId) as { body_json: string } | undefined;
      const payee = member ? (JSON.parse(member.body_json) as { wechat_openid?: string | null; real_name?: string | null }) : {};
      const route = distributorRoutes.get(distributorId) ?? runRoute;
      const { method, channel } = payoutColumnsOfRoute(route);
      routeCounts[route] = (routeCounts[route] ?? 0) + 1;
      const payoutId = insertPayout(
        sqlite,
        {
          outBillNo,
          kind: 'commission',
          settlementNo,
          partyId: distributorId,
          withdrawalId: null,
          amountFen,
          commissionCount: commissions.length,
          method,
          channel,
          // The export sheet's account column: an openid means nothing to a bank clerk.
          payeeOpenid: method === 'wechat' ? (payee.wechat_openid ?? null) : null,
          payeeRealName: payee.real_name ?? null,
          remark,
          payoutEntryId: null,
        },
        actor.userName,
        now,
      );
      for (const commission of commissions) insertLink.run(payoutId, commission.commissionId, commission.amountFen);
      outBillNos.push(outBillNo);
      totalFen = fen(totalFen + amountFen);
    }
    sqlite
      .prepare(
        `INSERT INTO commission_settlements (settlement_no, cycle_start, cycle_end, cutoff_at, payout_count, amount_fen, carried_over_count, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(settlementNo, cycle.start, cycle.end, cycle.cutoffAt, outBillNos.length, totalFen, carriedOver.length, now.toISOString(), actor.userName);
    appendAudit(
      sqlite,
      {
        userName: actor.userName,
        action: 'settlement.run',
        objectType: 'settlement',
        objectId: settlementNo,
        detail: {
          cycle,
          payouts: outBillNos.length,
          amount: formatFenAsYuan(totalFen),
          minimum: formatFenAsYuan(minimumFen),
          carriedOver: carriedOver.length,
          held: held.map((one) => one.commissionId),
          route: runRoute,
          payoutsByRoute: routeCounts,
        },
      },
      now,
    );
    return { settlementNo, cycle, payouts: listPayouts(sqlite, { settlementNo }), carriedOver, held };
  })();
}
