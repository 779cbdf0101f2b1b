import { fixedClock } from '../../../electron/core/calendar/shanghai';
import type { EntrySpec } from '../../../electron/core/ledger/entry';
import { postEntry } from '../../../electron/core/ledger/post';
import { openingBalanceEntry, orderCompletionEntry, orderPaymentEntry, pointsDeductionEntry, topupEntry } from '../../../electron/core/ledger/rules';
import { yuanTextToFen, type MallDataset } from '../../../electron/core/mall/demo';
import { fen, type Fen } from '../../../electron/core/money';
import { createWorkspace } from '../../../electron/core/workspace';
import { mallChunks, ORDERS_PER_CHUNK_DEFAULT } from './mall-chunks';

export const BENCH_PASSPHRASE = 'bench passphrase, not a secret';
export const BENCH_ADMIN = { userName: 'admin', role: 'admin' as const };
/** The six months the ledger workspace covers; the monthly report is run for the last one. */
export const LEDGER_MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'] as const;
export const REPORT_MONTH = LEDGER_MONTHS[LEDGER_MONTHS.length - 1];
/** About five postings per generated order (payment, points, completion with cost). */
const POSTINGS_PER_ORDER_ESTIMATE = 5;

export function createBenchWorkspace(path: string, booksStartDate: string) {
  return createWorkspace({
    path,
    passphrase: BENCH_PASSPHRASE,
    companyName: '示例商城有限公司',
    adminName: BENCH_ADMIN.userName,
    adminPassword: 'bench-admin-password',
    booksStartDate,
    clock: fixedClock('2026-11-05T02:00:00.000Z'),
  });
}

/** The entries the sync would post for one chunk: opening balances, top-ups, then each order's life. */
function* entriesOf(dataset: MallDataset): Generator<EntrySpec> {
  const opening = openingBalanceEntry(
    dataset.booksStartAt,
    dataset.openingBalances.map((balance) => ({
      memberId: balance.member_id,
      storedValueFen: yuanTextToFen(balance.stored_value),
      balanceFen: yuanTextToFen(balance.balance),
      commissionFen: yuanTextToFen(balance.commission),
      points: balance.points,
    })),
  );
  if (opening) yield opening;
  // Every top-up before any order: members may spend top-ups, so any prefix of what follows
  // leaves every stored-value balance non-negative (the generator never overspends in total).
  for (const topup of dataset.topups) {
    const entry = topupEntry({
      source: { resource: 'topups', id: topup.id, no: topup.topup_no, version: topup.version },
      memberId: topup.member_id,
      paidAt: topup.paid_at,
      channel: topup.pay_channel,
      amountFen: yuanTextToFen(topup.amount),
      bonusFen: yuanTextToFen(topup.bonus_amount),
    });
    if (entry) yield entry;
  }
  for (const order of dataset.orders) {
    if (order.paid_at === null) continue;
    const source = { resource: 'orders', id: order.id, no: order.order_no, version: order.version };
    const channelPaidFen = yuanTextToFen(order.paid_amount);
    const storedValueFen = yuanTextToFen(order.stored_value_amount);
    const balanceFen = yuanTextToFen(order.balance_amount);
    const pointsFen = yuanTextToFen(order.points_deduction_amount);
    const payment = orderPaymentEntry({ source, memberId: order.member_id, paidAt: order.paid_at, payChannel: order.pay_channel, channelPaidFen, storedValueFen, balanceFen });
    if (payment) yield payment;
    const points = pointsDeductionEntry({ source, memberId: order.member_id, paidAt: order.paid_at, pointsDeductionFen: pointsFen, pointsUsed: order.points_used });
    if (points) yield points;
    if (order.completed_at !== null) {
      const costs = order.lines.map((line) => line.cost_amount);
      const costOfGoodsFen: Fen | null = costs.every((cost) => cost !== null)
        ? fen(costs.reduce((sum, cost) => sum + yuanTextToFen(cost!), 0))
        : null;
      const revenueFen = fen(channelPaidFen + storedValueFen + balanceFen + pointsFen);
      const completion = orderCompletionEntry({ source, memberId: order.member_id, completedAt: order.completed_at, revenueFen, costOfGoodsFen });
      if (completion) yield completion;
    }
  }
}

/**
 * A workspace holding at least postingCount postings over six months, every one written by
 * postEntry (numbered, hash-chained), so `verify` has a real chain to check. Setup, not measured.
 */
export function buildLedgerWorkspace(path: string, options: { seed: number; postingCount: number }): { postingCount: number; entryCount: number } {
  const workspace = createBenchWorkspace(path, `${LEDGER_MONTHS[0]}-01`);
  try {
    const context = workspace.postingContext(BENCH_ADMIN.userName);
    const ordersPerChunk = Math.min(
      ORDERS_PER_CHUNK_DEFAULT,
      Math.max(200, Math.ceil(options.postingCount / POSTINGS_PER_ORDER_ESTIMATE / LEDGER_MONTHS.length)),
    );
    let postingCount = 0;
    let entryCount = 0;
    const postBatch = workspace.sqlite.transaction((batch: EntrySpec[]) => {
      for (const spec of batch) postEntry(context, spec);
    });
    for (const { dataset } of mallChunks({ seed: options.seed, monthOfChunk: (index) => LEDGER_MONTHS[index % LEDGER_MONTHS.length], ordersPerChunk })) {
      let batch: EntrySpec[] = [];
      for (const spec of entriesOf(dataset)) {
        batch.push(spec);
        postingCount += spec.postings.length;
        entryCount += 1;
        if (batch.length === 10_000 || postingCount >= options.postingCount) {
          postBatch(batch);
          batch = [];
        }
        if (postingCount >= options.postingCount) return { postingCount, entryCount };
      }
      postBatch(batch);
    }
    throw new Error('unreachable: mallChunks is endless');
  } finally {
    workspace.close();
  }
}
