import { afterEach, describe, expect, it } from 'vitest';
import { createTempWorkspace, TEST_PASSPHRASE, type TempWorkspace } from '../../../../test/support/temp-workspace';
import { openWorkspace } from '../../workspace';
import { generateMallDataset, startDemoMall, type DemoMall } from '../demo';
import { createMallClient } from './client';
import { enqueueOutbox, flushOutbox, listOutbox } from './outbox';

const token = 'outbox-token';
const dataset = generateMallDataset({ seed: 5, month: '2026-10', orderCount: 60 });
const opened: { mall?: DemoMall; temp?: TempWorkspace }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0)) {
    await item.mall?.close();
    item.temp?.cleanup();
  }
});

async function setup() {
  const mall = await startDemoMall({ dataset, token });
  const temp = createTempWorkspace({ booksStartDate: '2026-10-01', now: '2026-11-03T02:00:00.000Z' });
  opened.push({ mall, temp });
  const client = createMallClient({ url: mall.url, token, sleep: async () => undefined, attemptsMax: 2, timeoutMs: 2000 });
  return { mall, temp, client, now: () => temp.clock.now() };
}

const submitted = dataset.withdrawals.find((withdrawal) => withdrawal.status === 'submitted')!;
const decision = { decision: 'approve', reviewed_by: ['olivia', 'fiona'], note: null, decided_at: '2026-11-03T10:00:00+08:00' };

describe('outbox', () => {
  it('sends a queued decision once with its Idempotency-Key; a repeat after a lost answer changes nothing', async () => {
    const { mall, temp, client, now } = await setup();
    const item = enqueueOutbox(temp.workspace.sqlite, { kind: 'withdrawal_decision', targetId: submitted.id, body: decision, idempotencyKey: `decision-${submitted.id}`, userName: 'fiona', now: now() });
    expect(item).toMatchObject({ state: 'pending', path: `/v1/withdrawals/${submitted.id}/decision` });
    // Enqueueing the same key again is a no-op.
    expect(enqueueOutbox(temp.workspace.sqlite, { kind: 'withdrawal_decision', targetId: submitted.id, body: decision, idempotencyKey: `decision-${submitted.id}`, userName: 'fiona', now: now() }).id).toBe(item.id);
    expect(await flushOutbox(temp.workspace.sqlite, client, { now })).toEqual({ sent: 1, failed: 0, deferred: 0 });
    const [sent] = listOutbox(temp.workspace.sqlite);
    expect(sent).toMatchObject({ state: 'sent', attempts: 1, responseStatus: 200 });
    expect((sent.response as { status: string }).status).toBe('approved');
    expect(mall.writes).toHaveLength(1);
    expect(mall.writes[0].idempotencyKey).toBe(`decision-${submitted.id}`);
    // The answer was "lost": the same request again is replayed by the mall, not applied twice.
    const replay = await client.post(sent.path, decision, sent.idempotencyKey);
    expect(replay.status).toBe(200);
    expect(mall.writes[1].replayed).toBe(true);
  });

  it('409 is recorded as failed with the mall\'s message', async () => {
    const { temp, client, now } = await setup();
    const rejectedAlready = dataset.withdrawals.find((withdrawal) => withdrawal.status === 'rejected' || withdrawal.status === 'cancelled')!;
    enqueueOutbox(temp.workspace.sqlite, { kind: 'withdrawal_payout_result', targetId: rejectedAlready.id, body: { status: 'paid', channel_ref: 'X1', paid_at: '2026-11-03T10:00:00+08:00', failure_reason: null }, userName: 'fiona', now: now() });
    expect(await flushOutbox(temp.workspace.sqlite, client, { now })).toEqual({ sent: 0, failed: 1, deferred: 0 });
    const [failed] = listOutbox(temp.workspace.sqlite, 'failed');
    expect(failed.responseStatus).toBe(409);
    expect(failed.lastError).toMatch(/^409 state_conflict: withdrawal .* not approved/);
  });

  it('an unavailable mall defers the item; it survives a restart and is sent later', async () => {
    const { mall, temp, client, now } = await setup();
    const settleable = dataset.commissions.filter((commission) => commission.status === 'settleable').slice(0, 1);
    const body = { settlement_no: 'ST-1', distributor_id: settleable[0].distributor_id, commission_ids: settleable.map((c) => c.id), amount: settleable[0].amount, status: 'paid', channel_ref: null, paid_at: null };
    enqueueOutbox(temp.workspace.sqlite, { kind: 'commission_settlement', targetId: 'ST-1', body, userName: 'fiona', now: now() });
    mall.setFaults({ serverErrorEvery: 1 });
    expect(await flushOutbox(temp.workspace.sqlite, client, { now, random: () => 0 })).toEqual({ sent: 0, failed: 0, deferred: 1 });
    const [deferred] = listOutbox(temp.workspace.sqlite, 'pending');
    expect(deferred.attempts).toBe(1);
    expect(deferred.nextAttemptAt > now().toISOString()).toBe(true);
    // Not due yet: nothing is sent.
    mall.setFaults({});
    expect(await flushOutbox(temp.workspace.sqlite, client, { now })).toEqual({ sent: 0, failed: 0, deferred: 0 });

    // Restart: the item lives in the workspace.
    temp.workspace.close();
    const reopened = openWorkspace({ path: temp.path, passphrase: TEST_PASSPHRASE });
    try {
      const later = () => new Date(now().getTime() + 3_600_000);
      expect(await flushOutbox(reopened.sqlite, client, { now: later })).toEqual({ sent: 1, failed: 0, deferred: 0 });
      expect(listOutbox(reopened.sqlite, 'sent')).toHaveLength(1);
    } finally {
      reopened.close();
    }
  });

  it('refuses an idempotency key the mall would refuse', async () => {
    const { temp, now } = await setup();
    expect(() => enqueueOutbox(temp.workspace.sqlite, { kind: 'withdrawal_decision', targetId: 'w', body: {}, idempotencyKey: 'k'.repeat(65), userName: 'a', now: now() })).toThrow(/idempotency key/);
  });
});
