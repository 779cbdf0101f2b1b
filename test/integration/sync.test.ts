import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { trialBalance } from '../../electron/core/ledger/queries';
import { traceEntries } from '../../electron/core/ledger/read';
import { validateResponse } from '../../electron/core/mall/contract';
import { generateMallDataset, startDemoMall, type DemoMall, type MallDataset } from '../../electron/core/mall/demo';
import { gmvCrossCheck, listRejectedRecords, mallDocumentsCompleteCheck, syncFromMall } from '../../electron/core/mall/sync';
import { projectionStaleCount, refreshMallProjection } from '../../electron/core/reconcile';
import { verifyWorkspace } from '../../electron/core/workspace';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

const token = 'demo-token-for-tests';
const instantSleep = async () => undefined;

let dataset: MallDataset;
const opened: { mall?: DemoMall; temp?: TempWorkspace }[] = [];

beforeAll(() => {
  dataset = generateMallDataset({ seed: 20261, month: '2026-10', orderCount: 400 });
});

afterEach(async () => {
  for (const item of opened.splice(0)) {
    await item.mall?.close();
    item.temp?.cleanup();
  }
});

async function setup(faults = {}) {
  const mall = await startDemoMall({ dataset, token, faults });
  const temp = createTempWorkspace({ booksStartDate: '2026-10-01', now: '2026-11-03T02:00:00.000Z' });
  opened.push({ mall, temp });
  return { mall, temp, workspace: temp.workspace };
}

function sync(temp: TempWorkspace, url: string, extra: Record<string, unknown> = {}) {
  return syncFromMall(temp.workspace, { url, token, actorName: 'admin', pageSize: 100, client: { sleep: instantSleep, timeoutMs: 2000 }, ...extra });
}

function entryCount(temp: TempWorkspace): number {
  return (temp.workspace.sqlite.prepare(`SELECT count(*) AS n FROM journal_entries`).get() as { n: number }).n;
}

function balances(temp: TempWorkspace) {
  return trialBalance(temp.workspace.sqlite).lines.map((line) => `${line.accountCode} ${line.debitFen} ${line.creditFen}`);
}

describe('sync from the demo mall', () => {
  it('books every document, and ledger find ORDER_NO shows all entries of an order', async () => {
    const { mall, temp, workspace } = await setup();
    const result = await sync(temp, mall.url);
    expect(result.fetched.orders).toBe(dataset.orders.length);
    expect(result.fetched.refunds).toBe(dataset.refunds.length);
    expect(result.fetched.members).toBe(dataset.members.length);
    expect(result.rejected).toEqual([]);
    expect(result.opening_entry).toMatch(/^LD202610-/);
    expect(result.entries_posted).toBeGreaterThan(dataset.orders.length);

    // A completed order with points and cost: payment, points deduction, completion.
    const completed = dataset.orders.find((order) => order.status === 'completed' && order.points_used > 0)!;
    const entries = traceEntries(workspace.sqlite, completed.order_no);
    // Points earned on completion come from the points resource and carry the order number too.
    expect(entries.map((entry) => `${entry.source.resource}:${entry.entryType}`).sort()).toEqual(
      ['orders:order_completion', 'orders:order_payment', 'orders:points_deduction', 'points:points_movement'],
    );
    expect(entries.filter((entry) => entry.source.resource === 'orders').every((entry) => entry.source.id === completed.id)).toBe(true);

    // An order closed after a full refund never reaches revenue; its refund empties 2201.
    const closed = dataset.orders.find((order) => order.status === 'closed' && order.paid_at !== null)!;
    expect(traceEntries(workspace.sqlite, closed.order_no).map((entry) => entry.entryType)).not.toContain('order_completion');
    const refund = dataset.refunds.find((candidate) => candidate.order_id === closed.id)!;
    expect(traceEntries(workspace.sqlite, refund.refund_no).map((entry) => entry.entryType)).toEqual(
      closed.points_used > 0 ? ['refund_approved', 'refund_succeeded', 'points_return'] : ['refund_approved', 'refund_succeeded'],
    );
    const advances = workspace.sqlite
      .prepare(
        `SELECT sum(p.credit_fen) - sum(p.debit_fen) AS net FROM postings p JOIN journal_entries e ON e.id = p.entry_id
         WHERE p.account_code = '2201' AND ((e.source_resource = 'orders' AND e.source_id = ?) OR (e.source_resource = 'refunds' AND e.source_id = ?))`,
      )
      .get(closed.id, refund.id) as { net: number };
    expect(advances.net).toBe(0);

    // GMV from the books equals the mall's daily summaries on every date.
    const gmv = gmvCrossCheck(workspace.sqlite, '2026-10-01', '2026-10-31');
    expect(gmv.differences).toEqual([]);
    expect(gmv.ok).toBe(true);
    expect(gmv.days.some((day) => day.booksGmvFen > 0)).toBe(true);

    const report = verifyWorkspace(workspace.sqlite);
    expect(report.checks.filter((check) => !check.ok)).toEqual([]);
    expect(mallDocumentsCompleteCheck(workspace.sqlite)[0].ok).toBe(true);
  });

  it('a second sync is a no-op', async () => {
    const { mall, temp } = await setup();
    await sync(temp, mall.url);
    const before = { count: entryCount(temp), balances: balances(temp) };
    const again = await sync(temp, mall.url);
    expect(again.entries_posted).toBe(0);
    expect(again.opening_entry).toBeNull();
    expect(entryCount(temp)).toBe(before.count);
    expect(balances(temp)).toEqual(before.balances);
  });

  it('a changed record posts only the difference: one reversal and one new entry', async () => {
    const { mall, temp, workspace } = await setup();
    await sync(temp, mall.url);
    const topup = dataset.topups.find((candidate) => candidate.bonus_amount !== '0.00')!;
    const before = traceEntries(workspace.sqlite, topup.topup_no);
    expect(before.map((entry) => entry.entryType)).toEqual(['topup']);
    mall.mutate('topups', topup.id, { bonus_amount: '1.00' });
    const result = await sync(temp, mall.url);
    expect(result.entries_posted).toBe(2);
    const after = traceEntries(workspace.sqlite, topup.topup_no);
    expect(after.map((entry) => entry.entryType)).toEqual(['topup', 'reversal', 'topup']);
    expect(after[1].reversesEntryId).toBe(before[0].id);
    expect(after[2].postings.find((posting) => posting.accountCode === '6604')?.debitFen).toBe(100);
    expect(after[2].source.version).toBe(topup.version + 1);
    expect(verifyWorkspace(workspace.sqlite).ok).toBe(true);
  });

  it('writes the reconciliation keys of every order, top-up and refund exactly as the SQL projection computes them, also after changes', async () => {
    const { mall, temp, workspace } = await setup();
    const sqlite = workspace.sqlite;
    const projected = () => sqlite.prepare(`SELECT * FROM reconcile_mall_items ORDER BY resource, id`).all();
    const fromSql = () => {
      const written = projected();
      sqlite.exec(`DELETE FROM reconcile_mall_items`);
      refreshMallProjection(sqlite);
      const reference = projected();
      return { written, reference };
    };
    await sync(temp, mall.url);
    const first = fromSql();
    expect(first.written.length).toBe(dataset.orders.filter((order) => order.order_no).length + dataset.topups.length + dataset.refunds.length);
    expect(first.written).toEqual(first.reference);
    // Changed documents: an order paid and completed, a refund that succeeded, a top-up's amount.
    const paid = dataset.orders.find((order) => order.status === 'paid' || order.status === 'shipped')!;
    mall.mutate('orders', paid.id, { status: 'completed', completed_at: '2026-10-31T20:00:00+08:00' });
    const refund = dataset.refunds.find((candidate) => candidate.status !== 'succeeded') ?? dataset.refunds[0];
    mall.mutate('refunds', refund.id, { status: 'succeeded', succeeded_at: '2026-10-31T21:00:00+08:00' });
    await sync(temp, mall.url);
    const second = fromSql();
    expect(second.written).toEqual(second.reference);
    expect(second.written).not.toEqual(first.written);
    expect(projectionStaleCount(sqlite)).toBe(0);
  });

  it('an order completing between syncs adds only its completion; a refund after completion is a sales return', async () => {
    const { mall, temp, workspace } = await setup();
    const paid = dataset.orders.find((order) => order.status === 'paid' || order.status === 'shipped')!;
    await sync(temp, mall.url);
    expect(traceEntries(workspace.sqlite, paid.order_no).map((entry) => entry.entryType)).not.toContain('order_completion');
    mall.mutate('orders', paid.id, { status: 'completed', completed_at: '2026-10-31T20:00:00+08:00' });
    const result = await sync(temp, mall.url);
    expect(result.entries_posted).toBe(1);
    const completion = traceEntries(workspace.sqlite, paid.order_no).find((entry) => entry.entryType === 'order_completion')!;
    expect(completion.postings[0]).toMatchObject({ accountCode: '2201', partyId: paid.member_id });
    expect(verifyWorkspace(workspace.sqlite).ok).toBe(true);
  });

  it('a withdrawal approved then rejected is reversed back to the member', async () => {
    const { mall, temp, workspace } = await setup();
    const submitted = dataset.withdrawals.find((withdrawal) => withdrawal.status === 'submitted')!;
    mall.mutate('withdrawals', submitted.id, { status: 'approved' });
    await sync(temp, mall.url);
    expect(traceEntries(workspace.sqlite, submitted.withdrawal_no).map((entry) => entry.entryType)).toEqual(['withdrawal_approved']);
    mall.mutate('withdrawals', submitted.id, { status: 'failed' });
    const result = await sync(temp, mall.url);
    expect(result.entries_posted).toBe(1);
    expect(traceEntries(workspace.sqlite, submitted.withdrawal_no).map((entry) => entry.entryType)).toEqual(['withdrawal_approved', 'reversal']);
    expect(verifyWorkspace(workspace.sqlite).ok).toBe(true);
  });

  it('a commission cancelled after accrual is reversed', async () => {
    const { mall, temp, workspace } = await setup();
    const settleable = dataset.commissions.find((commission) => commission.status === 'settleable')!;
    await sync(temp, mall.url);
    mall.mutate('commissions', settleable.id, { status: 'cancelled' });
    await sync(temp, mall.url);
    const types = workspace.sqlite
      .prepare(`SELECT entry_type FROM journal_entries WHERE source_resource = 'commissions' AND source_id = ? ORDER BY id`)
      .all(settleable.id)
      .map((row) => (row as { entry_type: string }).entry_type);
    expect(types).toEqual(['commission_accrual', 'reversal']);
  });

  it('survives 429 with Retry-After, 500s, malformed JSON and timeouts with the same books', async () => {
    const clean = await setup();
    await sync(clean.temp, clean.mall.url);
    const faulty = await setup({ rateLimitEvery: 3, retryAfterSeconds: 2, serverErrorEvery: 5, malformedJsonEvery: 7, hangEvery: 11 });
    const delays: number[] = [];
    const result = await syncFromMall(faulty.workspace, {
      url: faulty.mall.url,
      token,
      actorName: 'admin',
      pageSize: 100,
      client: { sleep: instantSleep, timeoutMs: 300, attemptsMax: 8, onRetry: (event) => delays.push(event.delayMs) },
    });
    expect(result.rejected).toEqual([]);
    expect(delays).toContain(2000); // Retry-After honoured
    expect(entryCount(faulty.temp)).toBe(entryCount(clean.temp));
    expect(balances(faulty.temp)).toEqual(balances(clean.temp));
  });

  it('a record that breaks an amount identity is rejected, listed and not booked', async () => {
    const order = dataset.orders.find((candidate) => candidate.status === 'completed')!;
    const { mall, temp, workspace } = await setup({ breakIdentity: { resource: 'orders', id: order.id } });
    const result = await sync(temp, mall.url);
    expect(result.rejected).toEqual([{ resource: 'orders', id: order.id, reason: expect.stringContaining('paid_amount') }]);
    expect(traceEntries(workspace.sqlite, order.order_no).filter((entry) => entry.source.resource === 'orders')).toEqual([]);
    expect(listRejectedRecords(workspace.sqlite)[0]).toMatchObject({ resource: 'orders', recordId: order.id, version: order.version });
    // The GMV cross-check shows the gap on the order's paid date.
    const gmv = gmvCrossCheck(workspace.sqlite, '2026-10-01', '2026-10-31');
    expect(gmv.differences.map((day) => day.date)).toEqual([order.paid_at!.slice(0, 10)]);
    // Seen again: not listed a second time.
    expect((await sync(temp, mall.url)).rejected).toEqual([]);
  });

  it('an unknown enum value is a rejected record, not a crash', async () => {
    const { mall, temp } = await setup();
    const refund = dataset.refunds[0];
    mall.mutate('refunds', refund.id, { status: 'disputed' as never });
    const result = await sync(temp, mall.url);
    expect(result.rejected).toEqual([{ resource: 'refunds', id: refund.id, reason: expect.stringContaining('status') }]);
  });

  it('401 stops with mall_unauthorized and a clear message', async () => {
    const { mall, temp } = await setup();
    await expect(syncFromMall(temp.workspace, { url: mall.url, token: 'wrong', actorName: 'admin', client: { sleep: instantSleep } })).rejects.toMatchObject({
      code: 'mall_unauthorized',
      message: expect.stringContaining('401'),
    });
  });

  it('an unreachable mall is mall_unavailable after the retries', async () => {
    const { mall, temp } = await setup();
    const url = mall.url;
    await mall.close();
    opened[opened.length - 1].mall = undefined;
    await expect(syncFromMall(temp.workspace, { url, token, actorName: 'admin', client: { sleep: instantSleep, attemptsMax: 3 } })).rejects.toMatchObject({
      code: 'mall_unavailable',
    });
  });

  it('posts a correction for a closed month into the open month, naming the closed one', async () => {
    const { mall, temp, workspace } = await setup();
    await sync(temp, mall.url);
    workspace.sqlite.prepare(`INSERT INTO periods (month, status, closed_at, closed_by) VALUES ('2026-10', 'closed', ?, 'admin')`).run('2026-11-02T00:00:00Z');
    const topup = dataset.topups[0];
    mall.mutate('topups', topup.id, { amount: '1.00', bonus_amount: '0.00' });
    await sync(temp, mall.url);
    const entries = traceEntries(workspace.sqlite, topup.topup_no);
    expect(entries.map((entry) => [entry.entryType, entry.period])).toEqual([
      ['topup', '2026-10'],
      ['reversal', '2026-11'],
      ['topup', '2026-11'],
    ]);
    expect(entries[2].memo).toContain('closed month 2026-10');
  });

  it('every demo-mall response the sync reads is valid against the OpenAPI contract', async () => {
    const { mall } = await setup();
    const paths = ['/v1/ping', '/v1/members', '/v1/orders', '/v1/refunds', '/v1/topups', '/v1/points', '/v1/commissions', '/v1/withdrawals'];
    for (const path of paths) {
      let cursor: string | null = null;
      do {
        const url = new URL(path, mall.url);
        url.searchParams.set('limit', '1000');
        if (cursor) url.searchParams.set('cursor', cursor);
        const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { next_cursor?: string | null };
        expect(validateResponse(path, 'GET', response.status, body)).toEqual({ ok: true });
        cursor = body.next_cursor ?? null;
      } while (cursor);
    }
    for (const path of ['/v1/member-balances?as_of=2026-10-01T00:00:00%2B08:00', '/v1/daily-summaries?from=2026-10-01&to=2026-10-31']) {
      const response = await fetch(new URL(path, mall.url), { headers: { authorization: `Bearer ${token}` } });
      expect(validateResponse(path, 'GET', response.status, await response.json())).toEqual({ ok: true });
    }
    const unauthorized = await fetch(new URL('/v1/orders', mall.url));
    expect(validateResponse('/v1/orders', 'GET', unauthorized.status, await unauthorized.json())).toEqual({ ok: true });
  });
});
