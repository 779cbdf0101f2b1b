import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth';
import { listReconciliationResults, refreshMallProjection, runReconciliation } from '../../electron/core/reconcile';
import { createTempWorkspace } from '../support/temp-workspace';

/**
 * A by-hand measurement, not a timed test: LEDGERDESK_RECONCILE_SCALE=1000000 npx vitest run
 * test/integration/reconcile-scale.test.ts prints the reconcile time beside a bare indexed join of
 * the same keys, and the grid page query times. Rows go straight into the tables with prepared
 * statements. Skipped unless the variable is set.
 */
const scale = Number(process.env.LEDGERDESK_RECONCILE_SCALE ?? '0');
const admin: Actor = { userName: 'admin', role: 'admin' };

function seconds(work: () => unknown): { seconds: number; value: unknown } {
  const started = performance.now();
  const value = work();
  return { seconds: (performance.now() - started) / 1000, value };
}

describe.skipIf(!(scale > 0))('reconcile at scale (by hand)', () => {
  it(`reconciles ${scale} orders against ${scale} channel rows`, () => {
    const temp = createTempWorkspace({ now: '2026-11-03T02:00:00.000Z' });
    const sqlite = temp.workspace.sqlite;
    // LEDGERDESK_RECONCILE_CACHE_MB: measure with a larger page cache than the connection default (2 MB).
    const cacheMegabytes = Number(process.env.LEDGERDESK_RECONCILE_CACHE_MB ?? '0');
    if (cacheMegabytes > 0) sqlite.pragma(`cache_size = ${-cacheMegabytes * 1024}`);
    try {
      const load = seconds(() => {
        sqlite.transaction(() => {
          const fileId = Number(
            sqlite
              .prepare(
                `INSERT INTO import_files (file_name, content_sha256, kind, channel, encoding, row_count, inserted_count, overlapping_count,
                   totals_checked, first_business_date, last_business_date, imported_at, imported_by)
                 VALUES ('scale.csv', 'scale', 'wechat_trade_all', 'wechat', 'utf-8', ?, ?, 0, 1, '2026-10-01', '2026-10-31', '2026-11-01T00:00:00Z', 'admin')`,
              )
              .run(scale, scale).lastInsertRowid,
          );
          const insertDocument = sqlite.prepare(
            `INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at)
             VALUES ('orders', ?, 1, ?, ?, ?, NULL, ?, ?, '2026-11-01T00:00:00Z')`,
          );
          const insertRow = sqlite.prepare(
            `INSERT INTO channel_transactions (file_id, line_number, raw_line, natural_key, channel, kind, merchant_order_no, channel_trade_no,
               amount_fen, order_amount_fen, fee_fen, currency, occurred_at, business_date, status)
             VALUES (?, ?, ?, ?, 'wechat', 'payment', ?, ?, ?, ?, ?, 'CNY', ?, ?, 'SUCCESS')`,
          );
          for (let index = 0; index < scale; index += 1) {
            const day = 1 + (index % 28);
            const date = `2026-10-${String(day).padStart(2, '0')}`;
            const orderNo = `SO${date.replace(/-/g, '')}${String(index).padStart(8, '0')}`;
            const tradeNo = `4200${String(index).padStart(24, '0')}`;
            const amountFen = 1000 + (index % 50_000);
            const amountText = `${Math.floor(amountFen / 100)}.${String(amountFen % 100).padStart(2, '0')}`;
            const paidAt = `${date}T12:${String(index % 60).padStart(2, '0')}:00+08:00`;
            const body = JSON.stringify({
              id: `o${index}`, order_no: orderNo, member_id: `m${index % 5000}`, status: 'completed', created_at: paidAt, paid_at: paidAt,
              completed_at: paidAt, closed_at: null, currency: 'CNY', goods_amount: amountText, shipping_amount: '0.00', coupon_discount: '0.00',
              points_used: 0, points_deduction_amount: '0.00', stored_value_amount: '0.00', balance_amount: '0.00', paid_amount: amountText,
              pay_channel: 'wechat', channel_trade_no: tradeNo, distributor_id: null,
              lines: [{ line_id: `l${index}`, sku: 'SKU-1', name: '商品', quantity: 1, unit_price: amountText, amount: amountText, cost_amount: null }],
              updated_at: paidAt, version: 1,
            });
            insertDocument.run(`o${index}`, paidAt, orderNo, `m${index % 5000}`, date, body);
            // One row in a thousand is missing, one differs by a fen; the rest match.
            if (index % 1000 === 7) continue;
            const channelAmount = index % 1000 === 11 ? amountFen - 1 : amountFen;
            const feeFen = Math.floor((channelAmount * 6 * 2 + 1000) / 2000);
            insertRow.run(fileId, index + 2, `line ${index}`, `wechat:pay:${tradeNo}`, orderNo, tradeNo, channelAmount, channelAmount, feeFen, `${date}T04:00:00.000Z`, date);
          }
        })();
        // The sync writes the reconciliation keys with each document; these bare rows get theirs here.
        refreshMallProjection(sqlite);
      });
      const bareJoin = seconds(
        () =>
          sqlite
            .prepare(`SELECT count(*) AS n FROM mall_documents m JOIN channel_transactions c ON c.merchant_order_no = m.document_no WHERE m.resource = 'orders'`)
            .get() as { n: number },
      );
      const steps: Record<string, string[]> = { first: [], repeat: [] };
      const first = seconds(() => runReconciliation(temp.workspace, admin, { onStep: (step, ms) => steps.first.push(`${step} ${Math.round(ms)} ms`) }));
      const second = seconds(() => runReconciliation(temp.workspace, admin, { onStep: (step, ms) => steps.repeat.push(`${step} ${Math.round(ms)} ms`) }));
      const pageTimes: Record<string, number> = {};
      const pages: [string, Parameters<typeof listReconciliationResults>[1]][] = [
        ['first page', { page: 1, pageSize: 200 }],
        ['middle page', { page: Math.floor(scale / 400), pageSize: 200 }],
        ['last page', { page: Math.ceil(scale / 200), pageSize: 200 }],
        ['open, by difference', { page: 2, pageSize: 200, filters: { status: 'open' }, sort: { column: 'difference', direction: 'desc' } }],
        ['matched, one week', { page: 50, pageSize: 200, filters: { status: 'matched', dateFrom: '2026-10-08', dateTo: '2026-10-14' } }],
        ['category', { page: 1, pageSize: 200, filters: { category: 'missing_in_channel' } }],
        ['channel', { page: 100, pageSize: 200, filters: { channel: 'wechat' } }],
      ];
      for (const [label, request] of pages) {
        listReconciliationResults(sqlite, request);
        pageTimes[label] = seconds(() => listReconciliationResults(sqlite, request)).seconds * 1000;
      }
      const summary = first.value as ReturnType<typeof runReconciliation>;
      console.log(
        JSON.stringify(
          {
            scale,
            cache_size: sqlite.pragma('cache_size', { simple: true }),
            load_seconds: load.seconds,
            bare_join_seconds: bareJoin.seconds,
            reconcile_first_seconds: first.seconds,
            ratio_to_bare_join: first.seconds / bareJoin.seconds,
            reconcile_repeat_seconds: second.seconds,
            page_ms: pageTimes,
            steps,
            matched: summary.matched,
            open: summary.openDiscrepancies,
            by_category: summary.byCategory,
          },
          null,
          2,
        ),
      );
      expect(summary.matched + summary.openDiscrepancies + summary.pending).toBe(scale);
    } finally {
      temp.cleanup();
    }
  }, 600_000);
});
