import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/calendar/shanghai';
import { openWorkspace } from '../core/workspace';
import { putCommission, putMember } from '../../test/integration/payouts-fixtures';
import { expectError, HANDLER_TEST_PASSPHRASE, useHandlerTestSession } from './handler-test-session';

/**
 * The payout route of a settlement run, the per-distributor overrides, the bank / Alipay export and
 * its results sheet, and the policy for unconfirmed WeChat transfers, as the window calls them.
 */
const PASSPHRASE = HANDLER_TEST_PASSPHRASE;
// A Thursday: the latest complete weekly cycle is 2026-10-05..10-11 (the fixtures' commissions fall in it).
const NOW = '2026-10-15T04:00:00.000Z';

describe('payout route, results import and unconfirmed-transfer policy handlers', () => {
  const session = useHandlerTestSession({ now: NOW, directoryPrefix: 'ledgerdesk-payout-route-handlers-' });
  const { ok, start, createAndLogin, logInAsClerk } = session;

  /** Two distributors with one settleable commission each, written as the sync writes them (a second connection, as a task uses). */
  function seedCommissions(): void {
    const workspace = openWorkspace({ path: session.path, passphrase: PASSPHRASE, clock: fixedClock(NOW) });
    try {
      for (const id of ['m_1', 'm_2']) putMember(workspace, id);
      putCommission(workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
      putCommission(workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
    } finally {
      workspace.close();
    }
  }

  async function writeResults(name: string, rows: string[][]): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('results');
    sheet.addRow(['out_bill_no', 'status', 'reason']);
    for (const row of rows) sheet.addRow(row);
    const filePath = join(session.directory, name);
    await workbook.xlsx.writeFile(filePath);
    return filePath;
  }


  describe('per-distributor payout routes', () => {
    it('lists none at first; sets, changes and clears an override, each audited', async () => {
      await createAndLogin();
      expect(await ok('distributorPayoutRoutes', {})).toEqual({ items: [] });
      expect(await ok('setDistributorPayoutRoute', { distributorId: 'm_2', route: 'alipay' })).toEqual({ items: [{ distributorId: 'm_2', route: 'alipay' }] });
      expect(await ok('setDistributorPayoutRoute', { distributorId: ' m_1 ', route: 'bank' })).toEqual({
        items: [
          { distributorId: 'm_1', route: 'bank' },
          { distributorId: 'm_2', route: 'alipay' },
        ],
      });
      await ok('setDistributorPayoutRoute', { distributorId: 'm_2', route: 'wechat-batches' });
      expect(await ok('setDistributorPayoutRoute', { distributorId: 'm_1', route: null })).toEqual({ items: [{ distributorId: 'm_2', route: 'wechat-batches' }] });
      const audit = await ok('listAudit', { objectId: 'm_2' });
      expect(audit.items.filter((item) => item.action === 'payouts.distributor_route').length).toBe(2);
    });

    it('refuses an unknown route, an empty id, extra keys, and anyone without settlement.run', async () => {
      await createAndLogin();
      expectError(await session.handlers.dispatch('setDistributorPayoutRoute', { distributorId: 'm_1', route: 'cash' }), 'invalid_input');
      expectError(await session.handlers.dispatch('setDistributorPayoutRoute', { distributorId: '   ', route: 'bank' }), 'invalid_input');
      expectError(await session.handlers.dispatch('setDistributorPayoutRoute', { distributorId: 'm_1' }), 'invalid_input');
      expectError(await session.handlers.dispatch('setDistributorPayoutRoute', { distributorId: 'm_1', route: 'bank', extra: true }), 'invalid_input');
      expectError(await session.handlers.dispatch('settlementRun', { route: 'cash' }), 'invalid_input');
      await logInAsClerk();
      expectError(await session.handlers.dispatch('setDistributorPayoutRoute', { distributorId: 'm_1', route: 'bank' }), 'forbidden');
      expect(await ok('distributorPayoutRoutes', {})).toEqual({ items: [] });
    });
  });

  describe('settlement by route, the export and its results sheet', () => {
    it('pays the run by bank and an override by Alipay; the export path comes back; the results sheet books them', async () => {
      await createAndLogin();
      seedCommissions();
      await ok('setDistributorPayoutRoute', { distributorId: 'm_2', route: 'alipay' });
      const settlement = await ok('settlementRun', { route: 'bank' });
      expect(settlement.route).toBe('bank');
      expect(settlement.payouts.map((payout) => [payout.partyId, payout.method, payout.amountFen])).toEqual([
        ['m_1', 'bank', 1000],
        ['m_2', 'alipay', 1000],
      ]);
      const submitted = await ok('payoutsAct', { action: 'submit', settlementNo: settlement.settlementNo });
      const exportFile = join(dirname(session.path), 'payout-exports', `payouts-${settlement.settlementNo}.xlsx`);
      expect(submitted.exportFiles).toEqual([exportFile]);
      expect(existsSync(exportFile)).toBe(true);
      expect(submitted.items.map((payout) => payout.state)).toEqual(['processing', 'processing']);

      const [m1, m2] = settlement.payouts.map((payout) => payout.outBillNo);
      // One bad line (an unknown number): nothing is booked.
      const bad = await writeResults('bad.xlsx', [
        [m1, 'success', ''],
        ['NOSUCHBILL0001', 'success', ''],
      ]);
      const refused = await ok('importPayoutResults', { path: bad });
      expect(refused.applied).toEqual([]);
      expect(refused.errors).toEqual([{ file: 'bad.xlsx', line: 3, reason: expect.stringMatching(/.+/) }]);
      expect((await ok('payoutsList', { settlementNo: settlement.settlementNo })).items.map((payout) => payout.state)).toEqual(['processing', 'processing']);

      const good = await writeResults('results.xlsx', [
        [m1, 'success', ''],
        [m2, 'failed', '账户已冻结'],
      ]);
      expect(await ok('importPayoutResults', { path: good })).toEqual({
        applied: [
          { outBillNo: m1, state: 'success' },
          { outBillNo: m2, state: 'failed' },
        ],
        errors: [],
      });
      const after = await ok('payoutsList', { settlementNo: settlement.settlementNo });
      expect(after.items.map((payout) => [payout.partyId, payout.state])).toEqual([
        ['m_1', 'success'],
        ['m_2', 'failed'],
      ]);
      expect((await ok('payoutsAct', { action: 'poll' })).exportFiles).toEqual([]);
      expect(session.ranTasks).toEqual(['settlement', 'payouts', 'payoutResults', 'payoutResults', 'payouts']);
      const verified = await ok('verifyWorkspace', {});
      expect(verified.ok, JSON.stringify(verified.checks.filter((check) => !check.ok))).toBe(true);
    });

    it('the default route is the configured WeChat API', async () => {
      await createAndLogin();
      seedCommissions();
      const settlement = await ok('settlementRun', {});
      expect(settlement.route).toBe('wechat');
      expect(settlement.payouts.map((payout) => payout.method)).toEqual(['wechat', 'wechat']);
    });

    it('validates the results path: absolute .xlsx that exists; settlement.run only', async () => {
      await createAndLogin();
      expectError(await session.handlers.dispatch('importPayoutResults', { path: 'relative/results.xlsx' }), 'invalid_input');
      expectError(await session.handlers.dispatch('importPayoutResults', { path: join(session.directory, 'results.csv') }), 'invalid_input');
      expectError(await session.handlers.dispatch('importPayoutResults', { path: `${session.directory}/a\u0000.xlsx` }), 'invalid_input');
      expectError(await session.handlers.dispatch('importPayoutResults', { path: join(session.directory, 'missing.xlsx') }), 'not_found');
      expectError(await session.handlers.dispatch('choosePayoutResultsFile', {}), 'usage'); // the bridge has no dialog
      await logInAsClerk();
      expectError(await session.handlers.dispatch('importPayoutResults', { path: await writeResults('clerk.xlsx', []) }), 'forbidden');
      expect(session.ranTasks).toEqual([]);
    });

    it('with a native dialog, only a results file the dialog returned is accepted, and only once', async () => {
      session.handlers.close();
      const chosen = join(session.directory, 'chosen.xlsx');
      session.handlers = start({ choosePayoutResultsFile: () => Promise.resolve(chosen) });
      await createAndLogin();
      const typed = await writeResults('typed.xlsx', []);
      expectError(await session.handlers.dispatch('importPayoutResults', { path: typed }), 'forbidden');
      await writeResults('chosen.xlsx', []);
      expect(await ok('choosePayoutResultsFile', {})).toEqual({ path: chosen });
      expect(await ok('importPayoutResults', { path: chosen })).toEqual({ applied: [], errors: [] });
      expectError(await session.handlers.dispatch('importPayoutResults', { path: chosen }), 'forbidden');
    });
  });

  describe('cancelling unconfirmed WeChat transfers', () => {
    it('is off at first; turns on for N minutes and off again, audited', async () => {
      await createAndLogin();
      expect(await ok('unconfirmedPolicy', {})).toEqual({ cancelAfterMinutes: null, maximumMinutes: 1430 });
      expect(await ok('saveUnconfirmedPolicy', { cancelAfterMinutes: 60 })).toEqual({ cancelAfterMinutes: 60, maximumMinutes: 1430 });
      expect(await ok('saveUnconfirmedPolicy', { cancelAfterMinutes: 1430 })).toEqual({ cancelAfterMinutes: 1430, maximumMinutes: 1430 });
      expect(await ok('saveUnconfirmedPolicy', { cancelAfterMinutes: null })).toEqual({ cancelAfterMinutes: null, maximumMinutes: 1430 });
      const audit = await ok('listAudit', { objectId: 'payouts.cancel_unconfirmed_after_minutes' });
      expect(audit.items.length).toBe(3);
    });

    it('refuses 0, more than 1430, fractions, text and a missing value; settings.change only', async () => {
      await createAndLogin();
      for (const cancelAfterMinutes of [0, 1431, 1.5, '60', -1]) {
        expectError(await session.handlers.dispatch('saveUnconfirmedPolicy', { cancelAfterMinutes }), 'invalid_input');
      }
      expectError(await session.handlers.dispatch('saveUnconfirmedPolicy', {}), 'invalid_input');
      await logInAsClerk();
      expect((await ok('unconfirmedPolicy', {})).cancelAfterMinutes).toBeNull();
      expectError(await session.handlers.dispatch('saveUnconfirmedPolicy', { cancelAfterMinutes: 30 }), 'forbidden');
    });
  });
});
