import { afterEach, describe, expect, it } from 'vitest';
import { passInputsSql, passRates, passRowsSql } from '../../electron/core/reconcile/pass';
import { createTempWorkspace, type TempWorkspace } from '../support/temp-workspace';

/*
 * Migration 0017 made the number, order-link and date indexes of the mall documents and of the
 * reconciliation items partial (IS NOT NULL): most rows have no value there, and the sync no
 * longer writes an index entry for them. A partial index serves only queries that imply its
 * condition; these are the queries that must keep using them (a lost index is a full scan per
 * row at a million rows: slow, never wrong, so only the plan shows it).
 */

let temp: TempWorkspace | undefined;
afterEach(() => {
  temp?.cleanup();
  temp = undefined;
});

function plan(sql: string, ...parameters: unknown[]): string {
  temp ??= createTempWorkspace();
  const rows = temp.workspace.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[];
  return rows.map((row) => row.detail).join('\n');
}

describe('the partial indexes of migration 0017 stay in use', () => {
  it('are partial, and hold no entry for a document without the value', () => {
    temp = createTempWorkspace();
    const sqlite = temp.workspace.sqlite;
    const partial = sqlite
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (?, ?, ?, ?, ?) AND sql LIKE '%IS NOT NULL%' ORDER BY name`)
      .all('mall_documents_order', 'mall_documents_no', 'mall_documents_business_date', 'reconcile_mall_items_trade_no', 'reconcile_mall_items_refund_no');
    expect(partial).toHaveLength(5);
    sqlite
      .prepare(`INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at) VALUES (?, ?, 1, ?, NULL, NULL, NULL, NULL, '{}', ?)`)
      .run('members', 'm1', '2026-10-01T00:00:00+08:00', '2026-10-01T00:00:00Z');
    expect(sqlite.prepare(`SELECT count(*) AS n FROM mall_documents INDEXED BY mall_documents_business_date WHERE business_date IS NOT NULL`).get()).toEqual({ n: 0 });
    expect(sqlite.prepare(`SELECT count(*) AS n FROM mall_documents`).get()).toEqual({ n: 1 });
  });

  it("a refund's order link: the sync's lookups of the refunds of orders (INDEXED BY, which would refuse to prepare otherwise)", () => {
    expect(plan(`SELECT body_json FROM mall_documents INDEXED BY mall_documents_order WHERE order_id = ? AND resource = 'refunds' ORDER BY id`, 'o1')).toContain(
      'USING INDEX mall_documents_order (order_id=? AND resource=?)',
    );
    expect(
      plan(`SELECT order_id, body_json FROM mall_documents INDEXED BY mall_documents_order WHERE order_id IN (SELECT value FROM json_each(?)) AND resource = 'refunds' ORDER BY order_id, id`, '["o1"]'),
    ).toContain('USING INDEX mall_documents_order (order_id=? AND resource=?)');
  });

  it("the paid date: the GMV cross-check's orders of a date range", () => {
    expect(plan(`SELECT id FROM mall_documents d WHERE d.resource = 'orders' AND d.business_date >= ? AND d.business_date <= ?`, '2026-10-01', '2026-10-31')).toContain(
      'USING INDEX mall_documents_business_date (resource=? AND business_date>? AND business_date<?)',
    );
  });

  it("the channel's trade and refund numbers: the matching pass's fallback probes and the grid's search", () => {
    temp = createTempWorkspace();
    temp.workspace.sqlite.exec(passInputsSql());
    temp.workspace.sqlite.exec(`CREATE TEMP TABLE rc_pass_plan (row_id INTEGER PRIMARY KEY, business_date TEXT, channel TEXT, kind TEXT, channel_amount INTEGER, category TEXT, mall_rowid INTEGER)`);
    const pass = plan(passRowsSql('temp.rc_pass_plan', passRates(temp.workspace.sqlite)).replace(/^\s*INSERT INTO \S+\s*/, ''), 1, 2);
    expect(pass).toContain('USING INDEX reconcile_mall_items_trade_no (channel_trade_no=?)');
    expect(pass).toContain('USING INDEX reconcile_mall_items_refund_no (channel_refund_no=?)');
    expect(plan(`SELECT rowid FROM reconcile_mall_items d WHERE d.channel_trade_no = ?`, '4200000001')).toMatch(/USING (COVERING )?INDEX reconcile_mall_items_trade_no \(channel_trade_no=\?\)/);
  });
});
