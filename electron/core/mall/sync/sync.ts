import { appendAudit } from '../../audit/audit-log';
import { addDays, shanghaiDate } from '../../calendar/shanghai';
import { PeriodTotalsBuffer } from '../../ledger/post';
import { openingBalanceEntry } from '../../ledger/rules';
import { parseYuanToFen } from '../../money';
import { readSetting, writeSetting, type Workspace } from '../../workspace';
import type { MallDailySummary, MallMemberBalance, MallRecordResource, MallRefund, MallSyncedResource } from '../contract/types';
import { validateMallRecord } from '../contract/validate';
import { createMallClient, MallRequestError, type MallClient, type MallClientOptions } from './client';
import { resolveMallConnection } from './connection';
import { type DesiredContext } from './desired';
import { asPage, checkPage, fetchPage, later, pagesHere, recordOf, type CheckedPage, type PassStart, type RawRecord, type SyncedRecord } from './pages';
import { MallPageWorkerFailure, startMallPageWorker, type MallPageWorker, type PassToRead } from './pages-on-worker';
import { postIntoOpenMonth, reconcileDocument, workspaceDesiredContext } from './reconcile';
import { loadCheckpoint, loadDocumentBody, loadRefundsOfOrders, recordRejected, saveCheckpoint, storedVersions, upsertDocument, type Checkpoint } from './store';

/**
 * Resources in the order they are pulled. Refunds come before orders: a refund of a new order
 * waits (stored, unbooked) until its order arrives, so the order's completion is booked once,
 * already net of the refunds approved before it.
 */
export const syncOrder: readonly MallSyncedResource[] = ['members', 'topups', 'points', 'commissions', 'withdrawals', 'refunds', 'orders'];

const resourcePaths: Record<MallSyncedResource, string> = {
  members: '/v1/members',
  orders: '/v1/orders',
  refunds: '/v1/refunds',
  topups: '/v1/topups',
  points: '/v1/points',
  commissions: '/v1/commissions',
  withdrawals: '/v1/withdrawals',
};

export const OPENING_SETTING = 'mall.opening';
const pageSizeDefault = 1000;
/**
 * Records booked per transaction: one commit writes every page it dirtied (encrypted) to the
 * WAL, and the index pages of random keys are dirtied by every commit, so a few large
 * transactions write far less than one per page.
 */
const transactionRecordsMaxDefault = 10_000;
const summaryDaysPerRequestMax = 366;

export interface SyncProgress {
  phase: 'opening' | 'resource' | 'summaries' | 'done';
  resource: MallSyncedResource | null;
  /** Records received for this resource so far in this sync. */
  fetched: number;
  entriesPosted: number;
}

export interface SyncOptions {
  /** Default: the remembered connection. */
  url?: string;
  token?: string;
  actorName: string;
  onProgress?: (progress: SyncProgress) => void;
  signal?: AbortSignal;
  pageSize?: number;
  /** Pages are booked together, one transaction per about this many records (default 10,000). */
  transactionRecordsMax?: number;
  /** Client tuning (timeouts, retries, an instant sleep for tests). */
  client?: Omit<MallClientOptions, 'url' | 'token' | 'signal'>;
}

export interface RejectedRecordSummary {
  resource: string;
  id: string;
  reason: string;
}

export interface SyncResult {
  fetched: Record<MallSyncedResource, number>;
  entries_posted: number;
  rejected: RejectedRecordSummary[];
  /** The opening entry number when this sync loaded the opening balances. */
  opening_entry: string | null;
  daily_summaries: number;
}

interface SyncState {
  workspace: Workspace;
  client: MallClient;
  options: SyncOptions;
  booksStart: string;
  result: SyncResult;
  /** Reads long passes ahead on another thread: started at the first pass of more than one page (undefined: not yet). */
  pageWorker: MallPageWorker | null | undefined;
  startPageWorker: () => MallPageWorker | null;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new Error('sync aborted');
}

function reject(state: SyncState, resource: MallRecordResource, raw: unknown, reason: string): void {
  const record = (raw && typeof raw === 'object' ? raw : {}) as RawRecord;
  const idField = resource === 'member_balances' ? record.member_id : resource === 'daily_summaries' ? record.date : record.id;
  const id = typeof idField === 'string' ? idField : '(no id)';
  const version = Number.isSafeInteger(record.version) ? (record.version as number) : null;
  const isNew = recordRejected(state.workspace.sqlite, resource, id, version, reason, JSON.stringify(raw) ?? 'null', state.workspace.clock.now());
  if (isNew) state.result.rejected.push({ resource, id, reason });
}

/**
 * Stores a run of checked pages, books what changed and moves the checkpoint past the last of
 * them: one transaction, so the cursor never gets ahead of what is stored.
 */
function applyPages(state: SyncState, resource: MallSyncedResource, pages: CheckedPage[], checkpoint: Checkpoint, passComplete: boolean): void {
  const { workspace } = state;
  const sqlite = workspace.sqlite;
  const now = workspace.clock.now();
  // The run's entries add to the period totals in memory: one write per key at the end of the run.
  const context = { ...workspace.postingContext(state.options.actorName), periodTotals: new PeriodTotalsBuffer() };
  const workspaceContext = workspaceDesiredContext(sqlite, state.booksStart);
  /** An orders run loads its orders' refunds once per page (refunds do not change during it). */
  const refundsByLoadedOrder = new Map<string, MallRefund[]>();
  const desiredContext: DesiredContext = {
    ...workspaceContext,
    refundsOfOrder: (orderId) => refundsByLoadedOrder.get(orderId) ?? workspaceContext.refundsOfOrder(orderId),
  };
  sqlite.transaction(() => {
    const affected = new Map<string, { resource: MallSyncedResource; record: SyncedRecord; knownNew: boolean }>();
    /** Versions stored by this run: a record seen twice in it (a restarted pass) compares with its first copy. */
    const storedByRun = new Map<string, number>();
    for (const page of pages) {
      state.result.fetched[resource] += page.records.length;
      checkpoint.highWater = later(checkpoint.highWater, page.latestUpdatedAt);
      const pageIds = page.records.flatMap((checked) => (checked.valid ? [checked.id] : []));
      const storedBefore = storedVersions(sqlite, resource, pageIds);
      const storedOrderIds: string[] = [];
      for (const checked of page.records) {
        if (!checked.valid) {
          reject(state, resource, checked.raw, checked.reason);
          continue;
        }
        const stored = storedByRun.get(checked.id) ?? storedBefore.get(checked.id) ?? null;
        // (id, version) idempotency: the same version is a no-op, an older one is stale.
        if (stored !== null && stored >= checked.version) continue;
        const record = recordOf(checked);
        if (checked.bookingProblem !== null) {
          reject(state, resource, record, checked.bookingProblem);
          continue;
        }
        upsertDocument(sqlite, resource, record, checked.bodyJson, now);
        storedByRun.set(record.id, record.version);
        const key = `${resource}:${record.id}`;
        // Nothing is booked before the end of the run: a record stored first in this run is still new.
        affected.set(key, { resource, record, knownNew: stored === null || affected.get(key)?.knownNew === true });
        // Documents whose entries depend on this one are brought up to date with it.
        if (resource === 'orders') {
          storedOrderIds.push(record.id);
        } else if (resource === 'refunds') {
          const order = loadDocumentBody<SyncedRecord>(sqlite, 'orders', String(record.order_id));
          if (order) affected.set(`orders:${order.id}`, { resource: 'orders', record: order, knownNew: false });
        }
      }
      const refundsOfStoredOrders = loadRefundsOfOrders(sqlite, storedOrderIds);
      for (const orderId of storedOrderIds) {
        const refunds = refundsOfStoredOrders.get(orderId) ?? [];
        refundsByLoadedOrder.set(orderId, refunds);
        for (const refund of refunds) affected.set(`refunds:${refund.id}`, { resource: 'refunds', record: refund as unknown as SyncedRecord, knownNew: false });
      }
    }
    for (const item of affected.values()) {
      state.result.entries_posted += reconcileDocument(context, item.resource, item.record, desiredContext, { knownNew: item.knownNew });
    }
    context.periodTotals.flush(sqlite);
    // A complete pass: the next one starts at the latest updated_at seen (inclusive).
    if (passComplete && checkpoint.highWater !== null) checkpoint.updatedSince = checkpoint.highWater;
    saveCheckpoint(sqlite, checkpoint, now);
  })();
}

function passStartOf(checkpoint: Checkpoint): PassStart {
  return checkpoint.cursor !== null ? { cursor: checkpoint.cursor } : { cursor: null, updatedSince: checkpoint.updatedSince };
}

/** The pass the sync reads after this resource's: its checkpoint does not change before then. */
function passAfter(state: SyncState, resource: MallSyncedResource, limit: number): PassToRead | null {
  const next = syncOrder[syncOrder.indexOf(resource) + 1];
  if (next === undefined) return null;
  return { resource: next, path: resourcePaths[next], limit, start: passStartOf(loadCheckpoint(state.workspace.sqlite, next)) };
}

/**
 * The checked pages of one pass, read ahead on the page worker once this sync has one; before
 * that the first page is read here, and when there are more the worker starts (when one is
 * registered) and reads the rest, else they are read here, one request ahead.
 */
async function* passPages(state: SyncState, resource: MallSyncedResource, path: string, limit: number, start: PassStart): AsyncGenerator<CheckedPage> {
  if (state.pageWorker) {
    yield* state.pageWorker.read({ resource, path, limit, start }, passAfter(state, resource, limit));
    return;
  }
  const first = await fetchPage(state.client, path, limit, start);
  if (first.next_cursor !== null) {
    if (state.pageWorker === undefined) state.pageWorker = state.startPageWorker();
    if (state.pageWorker !== null) {
      const ahead = state.pageWorker.read({ resource, path, limit, start: { cursor: first.next_cursor } }, passAfter(state, resource, limit));
      try {
        yield checkPage(resource, first.data, first.next_cursor, true);
        yield* ahead;
      } finally {
        await ahead.return(undefined);
      }
      return;
    }
  }
  yield* pagesHere(state.client, resource, path, limit, first);
}

/**
 * One resource, page by page from its checkpoint. Pages are collected until about
 * transactionRecordsMax records, then booked in one transaction; the next pages are fetched
 * while a run is booked.
 */
async function pullResource(state: SyncState, resource: MallSyncedResource): Promise<void> {
  const path = resourcePaths[resource];
  const limit = state.options.pageSize ?? pageSizeDefault;
  const recordsPerTransactionMax = state.options.transactionRecordsMax ?? transactionRecordsMaxDefault;
  const checkpoint = loadCheckpoint(state.workspace.sqlite, resource);
  const fromUpdatedSince = (): PassStart => ({ cursor: null, updatedSince: checkpoint.updatedSince });
  let pages = passPages(state, resource, path, limit, passStartOf(checkpoint));
  let cursorRestarted = false;
  let run: CheckedPage[] = [];
  let runRecordCount = 0;
  try {
    for (;;) {
      throwIfAborted(state.options.signal);
      let next: IteratorResult<CheckedPage>;
      try {
        next = await pages.next();
      } catch (error) {
        // A cursor the mall no longer accepts: the pass restarts from its updated_since (re-reading is a no-op).
        if (!cursorRestarted && error instanceof MallRequestError && error.status === 422 && error.mallCode === 'invalid_cursor') {
          cursorRestarted = true;
          checkpoint.cursor = null;
          pages = passPages(state, resource, path, limit, fromUpdatedSince());
          continue;
        }
        // The page worker died (a bug of ours, or a page too large for its heap): this sync reads
        // on here, from the last page it stored; the pages taken since are read again (a no-op).
        if (error instanceof MallPageWorkerFailure && state.pageWorker) {
          state.pageWorker.close();
          state.pageWorker = null;
          run = [];
          runRecordCount = 0;
          pages = passPages(state, resource, path, limit, passStartOf(checkpoint));
          continue;
        }
        throw error;
      }
      if (next.done) throw new Error(`the pages of ${resource} ended before a page without a next cursor`);
      const page = next.value;
      run.push(page);
      runRecordCount += page.records.length;
      if (page.nextCursor !== null && runRecordCount < recordsPerTransactionMax) continue;
      const before = { ...checkpoint };
      checkpoint.cursor = page.nextCursor;
      try {
        applyPages(state, resource, run, checkpoint, page.nextCursor === null);
      } catch (error) {
        Object.assign(checkpoint, before);
        throw error;
      }
      run = [];
      runRecordCount = 0;
      if (page.nextCursor === null) break;
      state.options.onProgress?.({ phase: 'resource', resource, fetched: state.result.fetched[resource], entriesPosted: state.result.entries_posted });
    }
  } finally {
    await pages.return(undefined);
  }
  state.options.onProgress?.({ phase: 'resource', resource, fetched: state.result.fetched[resource], entriesPosted: state.result.entries_posted });
}

function memberBalanceFen(text: string) {
  const parsed = parseYuanToFen(text);
  if (!parsed.ok) throw new Error(`member balance passed the contract check but is not money: ${parsed.error}`);
  return parsed.value;
}

/** The first sync books every member's balances at the books start as one opening entry. */
async function loadOpeningBalances(state: SyncState): Promise<void> {
  const sqlite = state.workspace.sqlite;
  if (readSetting<unknown>(sqlite, OPENING_SETTING, null) !== null) return;
  state.options.onProgress?.({ phase: 'opening', resource: null, fetched: 0, entriesPosted: state.result.entries_posted });
  const valid: MallMemberBalance[] = [];
  const invalid: { raw: unknown; reason: string }[] = [];
  let cursor: string | null = null;
  do {
    throwIfAborted(state.options.signal);
    const body = await state.client.getJson('/v1/member-balances', { as_of: state.booksStart, cursor, limit: state.options.pageSize ?? pageSizeDefault });
    const page = asPage(body, '/v1/member-balances');
    // A mall with more than a page of members has long passes ahead: the page worker boots meanwhile.
    if (page.next_cursor !== null && state.pageWorker === undefined) state.pageWorker = state.startPageWorker();
    for (const raw of page.data) {
      const check = validateMallRecord('member_balances', raw);
      if (check.ok) valid.push(raw as MallMemberBalance);
      else invalid.push({ raw, reason: check.reason });
    }
    cursor = page.next_cursor;
  } while (cursor !== null);
  const now = state.workspace.clock.now();
  sqlite.transaction(() => {
    for (const item of invalid) reject(state, 'member_balances', item.raw, item.reason);
    const spec = openingBalanceEntry(
      state.booksStart,
      valid.map((balance) => ({
        memberId: balance.member_id,
        storedValueFen: memberBalanceFen(balance.stored_value),
        balanceFen: memberBalanceFen(balance.balance),
        commissionFen: memberBalanceFen(balance.commission),
        points: balance.points,
      })),
    );
    const posted = spec ? postIntoOpenMonth(state.workspace.postingContext(state.options.actorName), spec) : null;
    if (posted) state.result.entries_posted += 1;
    state.result.opening_entry = posted?.entryNo ?? null;
    writeSetting(sqlite, OPENING_SETTING, { as_of: state.booksStart, entry_no: posted?.entryNo ?? null, members: valid.length }, state.options.actorName, now);
  })();
}

/** The mall's daily totals for every date from the books start to the latest synced change. */
async function loadDailySummaries(state: SyncState): Promise<void> {
  const sqlite = state.workspace.sqlite;
  const latest = sqlite.prepare(`SELECT high_water FROM mall_checkpoints WHERE high_water IS NOT NULL`).all() as { high_water: string }[];
  let highWater: string | null = null;
  for (const row of latest) highWater = later(highWater, row.high_water);
  if (highWater === null) return;
  const from = shanghaiDate(state.booksStart);
  const to = shanghaiDate(highWater);
  if (to < from) return;
  state.options.onProgress?.({ phase: 'summaries', resource: null, fetched: 0, entriesPosted: state.result.entries_posted });
  const summaries: MallDailySummary[] = [];
  const invalid: { raw: unknown; reason: string }[] = [];
  for (let chunkFrom = from; chunkFrom <= to; chunkFrom = addDays(chunkFrom, summaryDaysPerRequestMax)) {
    const chunkTo = addDays(chunkFrom, summaryDaysPerRequestMax - 1) < to ? addDays(chunkFrom, summaryDaysPerRequestMax - 1) : to;
    const body = (await state.client.getJson('/v1/daily-summaries', { from: chunkFrom, to: chunkTo })) as { data?: unknown };
    if (!body || !Array.isArray(body.data)) throw new MallRequestError('mall_unavailable', 'the mall answered /v1/daily-summaries without a data list', 200, null);
    for (const raw of body.data) {
      const check = validateMallRecord('daily_summaries', raw);
      if (check.ok) summaries.push(raw as MallDailySummary);
      else invalid.push({ raw, reason: check.reason });
    }
  }
  const now = state.workspace.clock.now().toISOString();
  const upsert = sqlite.prepare(
    `INSERT INTO mall_daily_summaries (date, gmv_fen, order_count, paid_amount_fen, refund_amount_fen, refund_count, topup_amount_fen, fetched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(date) DO UPDATE SET gmv_fen = excluded.gmv_fen, order_count = excluded.order_count,
       paid_amount_fen = excluded.paid_amount_fen, refund_amount_fen = excluded.refund_amount_fen, refund_count = excluded.refund_count,
       topup_amount_fen = excluded.topup_amount_fen, fetched_at = excluded.fetched_at`,
  );
  sqlite.transaction(() => {
    for (const item of invalid) reject(state, 'daily_summaries', item.raw, item.reason);
    for (const summary of summaries) {
      upsert.run(
        summary.date,
        memberBalanceFen(summary.gmv),
        summary.order_count,
        memberBalanceFen(summary.paid_amount),
        memberBalanceFen(summary.refund_amount),
        summary.refund_count,
        memberBalanceFen(summary.topup_amount),
        now,
      );
    }
  })();
  state.result.daily_summaries = summaries.length;
}

/**
 * Pulls the mall incrementally and books every synced document. Each page is one transaction
 * (its documents, their entries and the checkpoint), so a crash or a kill at any instant resumes
 * with nothing lost or doubled. Throws MallRequestError (mall_unauthorized / mall_unavailable).
 */
export async function syncFromMall(workspace: Workspace, options: SyncOptions): Promise<SyncResult> {
  const connection = resolveMallConnection(workspace, { url: options.url, token: options.token });
  const client = createMallClient({ ...options.client, url: connection.url, token: connection.token, signal: options.signal });
  const booksStart = workspace.info().booksStart;
  const result: SyncResult = {
    fetched: { orders: 0, refunds: 0, topups: 0, points: 0, commissions: 0, withdrawals: 0, members: 0 },
    entries_posted: 0,
    rejected: [],
    opening_entry: null,
    daily_summaries: 0,
  };
  const state: SyncState = {
    workspace,
    client,
    options,
    booksStart,
    result,
    pageWorker: undefined,
    startPageWorker: () => startMallPageWorker(connection, options.client ?? {}, options.signal),
  };
  try {
    await loadOpeningBalances(state);
    for (const resource of syncOrder) await pullResource(state, resource);
  } finally {
    state.pageWorker?.close();
  }
  await loadDailySummaries(state);
  appendAudit(
    workspace.sqlite,
    {
      userName: options.actorName,
      action: 'mall.sync',
      objectType: 'mall',
      objectId: connection.url,
      detail: { fetched: result.fetched, entries_posted: result.entries_posted, rejected: result.rejected.length, opening_entry: result.opening_entry },
    },
    workspace.clock.now(),
  );
  options.onProgress?.({ phase: 'done', resource: null, fetched: 0, entriesPosted: result.entries_posted });
  return result;
}
