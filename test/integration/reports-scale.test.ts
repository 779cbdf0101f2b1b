import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../db/open';
import { monthlyOverview } from '../../electron/core/reports';
import { createTempWorkspace } from '../support/temp-workspace';

/**
 * Scale check of the monthly overview (DESIGN.md section 12: <= 2 s over 3,000,000 postings).
 * Not part of the normal run (it builds a ~1 GB workspace): set LEDGERDESK_REPORTS_SCALE=1.
 * It prints the time; it asserts only that the figures tie, never a duration (timing belongs
 * to `npm run bench`).
 *
 *   LEDGERDESK_REPORTS_SCALE=1 npx vitest run test/integration/reports-scale.test.ts
 */
const POSTING_COUNT = Number(process.env.LEDGERDESK_REPORTS_SCALE_POSTINGS ?? 3_000_000);
const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];

/**
 * Orders over six months, bare prepared inserts (no hash chain: the overview does not read it).
 * Each order: payment (Dr 1121, Dr 2202, Cr 2201) + completion (Dr 2201, Cr 6001) + a fee entry
 * (Dr 6601, Cr 1121): 7 postings per order.
 */
function generateLedger(sqlite: SqliteDatabase, postingCount: number): { revenueFenByMonth: Map<string, number> } {
  const insertEntry = sqlite.prepare(
    `INSERT INTO journal_entries (id, entry_no, entry_type, occurred_at, period, posted_at, source_resource, source_id, source_no, created_by, previous_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, 'orders', ?, ?, 'bench', '', '')`,
  );
  const insertPosting = sqlite.prepare(`INSERT INTO postings (entry_id, line_no, account_code, party_id, debit_fen, credit_fen) VALUES (?, ?, ?, ?, ?, ?)`);
  const revenueFenByMonth = new Map<string, number>();
  let entryId = 0;
  let postings = 0;
  const orderCount = Math.ceil(postingCount / 7);
  sqlite.transaction(() => {
    for (let order = 0; order < orderCount; order += 1) {
      const month = MONTHS[order % MONTHS.length];
      const day = String(1 + (order % 28)).padStart(2, '0');
      const occurredAt = `${month}-${day}T02:00:00.000Z`;
      const member = `m${order % 50_000}`;
      const channelFen = 1000 + (order % 9000);
      const storedFen = order % 3 === 0 ? 500 : 0;
      const totalFen = channelFen + storedFen;
      const orderNo = `SO${order}`;
      entryId += 1;
      insertEntry.run(entryId, `LDX-${entryId}`, 'order_payment', occurredAt, month, occurredAt, `o${order}`, orderNo);
      insertPosting.run(entryId, 1, '1121', null, channelFen, 0);
      insertPosting.run(entryId, 2, '2202', member, storedFen, 0);
      insertPosting.run(entryId, 3, '2201', member, 0, totalFen);
      entryId += 1;
      insertEntry.run(entryId, `LDX-${entryId}`, 'order_completion', occurredAt, month, occurredAt, `o${order}`, orderNo);
      insertPosting.run(entryId, 1, '2201', member, totalFen, 0);
      insertPosting.run(entryId, 2, '6001', null, 0, totalFen);
      entryId += 1;
      insertEntry.run(entryId, `LDX-${entryId}`, 'channel_fee', occurredAt, month, occurredAt, `o${order}`, orderNo);
      insertPosting.run(entryId, 1, '6601', null, 6, 0);
      insertPosting.run(entryId, 2, '1121', null, 0, 6);
      postings += 7;
      revenueFenByMonth.set(month, (revenueFenByMonth.get(month) ?? 0) + totalFen);
    }
    // Bare postings (not through postEntry): their month totals are summed once here, as migration 0008 did.
    sqlite.exec(`INSERT INTO ledger_period_totals (period, account_code, entry_type, debit_fen, credit_fen, posting_count)
      SELECT e.period, p.account_code, e.entry_type, sum(p.debit_fen), sum(p.credit_fen), count(*)
      FROM postings p JOIN journal_entries e ON e.id = p.entry_id GROUP BY 1, 2, 3`);
  })();
  expect(postings).toBeGreaterThanOrEqual(postingCount);
  return { revenueFenByMonth };
}

describe.skipIf(!process.env.LEDGERDESK_REPORTS_SCALE)('monthly overview at scale', () => {
  it(`reads ${POSTING_COUNT} postings`, { timeout: 1_800_000 }, () => {
    const temp = createTempWorkspace();
    try {
      const sqlite = temp.workspace.sqlite;
      let started = performance.now();
      const { revenueFenByMonth } = generateLedger(sqlite, POSTING_COUNT);
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      console.log(`generated ${POSTING_COUNT} postings in ${((performance.now() - started) / 1000).toFixed(1)} s (month totals summed after)`);
      for (let run = 1; run <= 3; run += 1) {
        started = performance.now();
        const cpuBefore = process.cpuUsage();
        const overview = monthlyOverview(temp.workspace, '2026-10');
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        console.log(`monthlyOverview run ${run}: ${seconds.toFixed(3)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(3)} s CPU (revenue ${overview.revenueFen} fen)`);
        expect(overview.revenueFen).toBe(revenueFenByMonth.get('2026-10'));
        expect(overview.netProfitSeries.map((point) => point.month)).toEqual(MONTHS);
      }
    } finally {
      temp.cleanup();
    }
  });
});
