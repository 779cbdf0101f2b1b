/**
 * How a settlement pays, chosen per run (and per distributor): WeChat transfer-bills, the legacy
 * batches (at most 1000 details each), or the Excel export for a bank / Alipay transfer.
 */
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth/users';
import { listAudit } from '../../electron/core/audit/audit-log';
import { readDistributorPayoutRoutes, runSettlement, setDistributorPayoutRoute } from '../../electron/core/commissions';
import { chartOfAccounts } from '../../electron/core/ledger/accounts';
import { listPayouts, pollPayouts, submitPayouts } from '../../electron/core/payouts';
import { writeSetting } from '../../electron/core/workspace/secrets';
import { verifyWorkspace } from '../../electron/core/workspace';
import { balanceFen, putCommission, putMember, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const finance: Actor = { userName: 'fin', role: 'finance' };
const BANK = chartOfAccounts.bank.code;
const WECHAT_CLEARING = chartOfAccounts.wechatClearing.code;
const IN_TRANSIT = chartOfAccounts.payoutsInTransit.code;
let harness: PayoutsHarness;

afterEach(async () => {
  await harness.close();
});

async function start(api: 'transfer-bills' | 'batches' = 'transfer-bills'): Promise<void> {
  harness = await startPayoutsHarness({ api });
  for (const id of ['m_1', 'm_2', 'm_3']) {
    putMember(harness.workspace, id);
    putCommission(harness.workspace, { distributorId: id, basis: '100.00', rate: '0.1', amount: '10.00' });
  }
}

function routeColumns(): [string, string, string | null, string][] {
  return listPayouts(harness.workspace.sqlite).map((payout) => [payout.partyId, payout.method, payout.channel, payout.state]);
}

function expectVerified(): void {
  const verified = verifyWorkspace(harness.workspace.sqlite);
  expect(verified.ok, JSON.stringify(verified).slice(0, 2000)).toBe(true);
}

describe('payout route per settlement run', () => {
  beforeEach(async () => {
    await start();
  });

  it('default: the API of the merchant settings (transfer-bills here)', async () => {
    const { settlementNo } = runSettlement(harness.workspace, finance);
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(routeColumns().map(([, method, channel, state]) => [method, channel, state])).toEqual(Array(3).fill(['wechat', 'wechat-transfer-bills', 'success']));
    expect(harness.simulator.transfers.size).toBe(3);
    expect(harness.simulator.batches.size).toBe(0);
  });

  it('wechat-batches while the merchant default is transfer-bills: one batch, no single transfers, paid after the poll', async () => {
    const { settlementNo, payouts } = runSettlement(harness.workspace, finance, { payoutRoute: 'wechat-batches' });
    expect(payouts.map((payout) => payout.channel)).toEqual(Array(3).fill('wechat-transfer-batches'));
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(harness.simulator.batches.size).toBe(1);
    expect(harness.simulator.transfers.size).toBe(0);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(routeColumns().map(([, , , state]) => state)).toEqual(['success', 'success', 'success']);
    expect(balanceFen(harness.workspace, WECHAT_CLEARING)).toBe(-3000);
    expect(listAudit(harness.workspace.sqlite, { action: 'settlement.run' })[0].detail).toMatchObject({ route: 'wechat-batches', payoutsByRoute: { 'wechat-batches': 3 } });
    expectVerified();
  });

  it('bank: exported to the sheet for the clerk (no openid in the account column), paid from 1002 once the results are imported', async () => {
    const { settlementNo } = runSettlement(harness.workspace, finance, { payoutRoute: 'bank' });
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(routeColumns().map(([, method, channel, state]) => [method, channel, state])).toEqual(Array(3).fill(['bank', 'file-export', 'processing']));
    expect(harness.simulator.requestCount).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(harness.directory, 'exports', `payouts-${settlementNo}.xlsx`));
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getColumn(2).values.slice(2)).toEqual(['姓名m_1', '姓名m_2', '姓名m_3']);
    expect(sheet.getColumn(3).values.slice(2)).toEqual(['', '', '']);
    const { importPayoutResults } = await import('../../electron/core/payouts');
    const results = new ExcelJS.Workbook();
    const resultSheet = results.addWorksheet('results');
    resultSheet.addRow(['out_bill_no', 'status', 'reason']);
    for (const payout of listPayouts(harness.workspace.sqlite)) resultSheet.addRow([payout.outBillNo, 'success', '']);
    const resultsPath = join(harness.directory, 'results.xlsx');
    await results.xlsx.writeFile(resultsPath);
    await importPayoutResults(harness.workspace, finance, resultsPath);
    expect(balanceFen(harness.workspace, BANK)).toBe(-3000);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    expectVerified();
  });

  it('alipay: exported too; its paid entry will credit Alipay clearing', async () => {
    const { settlementNo } = runSettlement(harness.workspace, finance, { payoutRoute: 'alipay' });
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(routeColumns().map(([, method, channel]) => [method, channel])).toEqual(Array(3).fill(['alipay', 'file-export']));
  });

  it('refuses an unknown route before anything is written', () => {
    expect(() => runSettlement(harness.workspace, finance, { payoutRoute: 'paypal' as never })).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(listPayouts(harness.workspace.sqlite)).toEqual([]);
    expect(harness.workspace.sqlite.prepare(`SELECT count(*) AS n FROM commission_settlements`).get()).toEqual({ n: 0 });
  });
});

describe('payout route per distributor', () => {
  beforeEach(async () => {
    await start('batches');
  });

  it('a distributor set to bank is exported while the others go by the run route; clearing it restores the run route', async () => {
    setDistributorPayoutRoute(harness.workspace, finance, 'm_2', 'bank');
    setDistributorPayoutRoute(harness.workspace, finance, 'm_3', 'wechat-transfer-bills');
    expect(Object.fromEntries(readDistributorPayoutRoutes(harness.workspace.sqlite))).toEqual({ m_2: 'bank', m_3: 'wechat-transfer-bills' });
    const { settlementNo } = runSettlement(harness.workspace, finance);
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    expect(routeColumns()).toEqual([
      ['m_1', 'wechat', 'wechat-transfer-batches', 'accepted'],
      ['m_2', 'bank', 'file-export', 'processing'],
      ['m_3', 'wechat', 'wechat-transfer-bills', 'success'],
    ]);
    expect(harness.simulator.batches.size).toBe(1);
    expect(harness.simulator.transfers.size).toBe(1);

    setDistributorPayoutRoute(harness.workspace, finance, 'm_2', null);
    expect(Object.fromEntries(readDistributorPayoutRoutes(harness.workspace.sqlite))).toEqual({ m_3: 'wechat-transfer-bills' });
    expect(listAudit(harness.workspace.sqlite, { action: 'payouts.distributor_route' }).map((row) => row.detail)).toEqual([
      { previous: 'bank', route: null },
      { previous: null, route: 'wechat-transfer-bills' },
      { previous: null, route: 'bank' },
    ]);
  });

  it('only settlement roles may set a route; bad routes, empty ids and unreadable stored entries are handled', () => {
    for (const role of ['operations', 'auditor', 'clerk'] as const) {
      expect(() => setDistributorPayoutRoute(harness.workspace, { userName: role, role }, 'm_1', 'bank')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    }
    expect(() => setDistributorPayoutRoute(harness.workspace, finance, 'm_1', 'cash' as never)).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => setDistributorPayoutRoute(harness.workspace, finance, ' ', 'bank')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    writeSetting(harness.workspace.sqlite, 'payouts.distributor_routes', { m_1: 'cash', m_2: 7, m_3: 'bank' }, 'admin', harness.clock.now());
    expect(Object.fromEntries(readDistributorPayoutRoutes(harness.workspace.sqlite))).toEqual({ m_3: 'bank' });
  });

  it('1,001 distributors by batches go out as two batches of at most 1000, all paid', async () => {
    for (let index = 4; index <= 1001; index += 1) {
      putMember(harness.workspace, `m_${index}`);
      putCommission(harness.workspace, { distributorId: `m_${index}`, basis: '10.00', rate: '0.1', amount: '1.00' });
    }
    const { settlementNo } = runSettlement(harness.workspace, finance, { payoutRoute: 'wechat-batches' });
    await submitPayouts(harness.workspace, 'fin', harness.channels(), { settlementNo });
    const sizes = [...harness.simulator.batches.values()].map((batch) => batch.details.length).sort((a, b) => a - b);
    expect(sizes).toEqual([1, 1000]);
    await pollPayouts(harness.workspace, 'fin', harness.channels());
    expect(new Set(listPayouts(harness.workspace.sqlite).map((payout) => payout.state))).toEqual(new Set(['success']));
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
  });
});
