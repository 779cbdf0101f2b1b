/**
 * Payouts by bank / Alipay go out as an Excel export; the clerk's results sheet comes back through
 * importPayoutResults and is booked like a WeChat outcome.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../electron/core/auth/users';
import { listAudit } from '../../electron/core/audit/audit-log';
import { runSettlement } from '../../electron/core/commissions';
import { chartOfAccounts } from '../../electron/core/ledger/accounts';
import { postEntry } from '../../electron/core/ledger/post';
import { openingBalanceEntry } from '../../electron/core/ledger/rules/opening';
import { fen } from '../../electron/core/money';
import { importPayoutResults, listPayouts, readPayoutResultsWorkbook, submitPayouts, type PayoutRecord } from '../../electron/core/payouts';
import { findWithdrawal, reviewWithdrawal } from '../../electron/core/withdrawals';
import { verifyWorkspace } from '../../electron/core/workspace';
import { balanceFen, DAY_MS, putCommission, putMallDocument, putMember, startPayoutsHarness, type PayoutsHarness } from './payouts-fixtures';

const ops: Actor = { userName: 'ops', role: 'operations' };
const finance: Actor = { userName: 'fin', role: 'finance' };
const BANK = chartOfAccounts.bank.code;
const ALIPAY_CLEARING = chartOfAccounts.alipayClearing.code;
const COMMISSION_PAYABLE = chartOfAccounts.commissionPayable.code;
const MEMBER_BALANCE = chartOfAccounts.memberBalance.code;
const IN_TRANSIT = chartOfAccounts.payoutsInTransit.code;
let harness: PayoutsHarness;

beforeEach(async () => {
  harness = await startPayoutsHarness();
  for (const id of ['m_1', 'm_2', 'm_3', 'm_4']) putMember(harness.workspace, id);
  // m_3 and m_4 withdraw from their withdrawable balance (2203): ¥100.00 each at the books start.
  const opening = openingBalanceEntry(
    '2026-09-01T00:00:00+08:00',
    ['m_3', 'm_4'].map((memberId) => ({ memberId, storedValueFen: fen(0), balanceFen: fen(10_000), commissionFen: fen(0), points: 0 })),
  );
  postEntry(harness.workspace.postingContext('admin'), opening!);
});
afterEach(async () => {
  await harness.close();
});

function expectVerified(): void {
  const verified = verifyWorkspace(harness.workspace.sqlite);
  expect(verified.ok, JSON.stringify(verified).slice(0, 2000)).toBe(true);
}

/** A withdrawal as the sync stores it, approved by operations then finance: its payout is created. */
function approvedWithdrawal(memberId: string, withdrawalNo: string, method: 'bank' | 'alipay', amount: string): string {
  putMallDocument(
    harness.workspace,
    'withdrawals',
    {
      id: `w_${withdrawalNo}`,
      withdrawal_no: withdrawalNo,
      member_id: memberId,
      source: 'balance',
      amount,
      fee: '0.00',
      net_amount: amount,
      method,
      payee_openid: null,
      real_name: `姓名${memberId}`,
      status: 'submitted',
      submitted_at: '2026-10-14T10:00:00+08:00',
    },
    { documentNo: withdrawalNo, partyId: memberId },
  );
  reviewWithdrawal(harness.workspace, ops, { withdrawalNo, decision: 'approve' });
  const review = reviewWithdrawal(harness.workspace, finance, { withdrawalNo, decision: 'approve' });
  return review.outBillNo!;
}

/**
 * Two distributors' commissions settled by bank transfer (the run's payout route), and two
 * withdrawals (bank, Alipay) approved; everything exported through the file channel.
 */
async function exportedPayouts(): Promise<{ m1: string; m2: string; bankWithdrawal: string; alipayWithdrawal: string; settlementNo: string }> {
  putCommission(harness.workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
  putCommission(harness.workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
  const { settlementNo, payouts } = runSettlement(harness.workspace, finance, { payoutRoute: 'bank' });
  const bankWithdrawal = approvedWithdrawal('m_3', 'WD0001', 'bank', '50.00');
  const alipayWithdrawal = approvedWithdrawal('m_4', 'WD0002', 'alipay', '30.00');
  const submitted = await submitPayouts(harness.workspace, 'fin', harness.channels());
  expect(submitted.payouts.map((payout) => [payout.method, payout.state, payout.channel])).toEqual([
    ['bank', 'processing', 'file-export'],
    ['bank', 'processing', 'file-export'],
    ['bank', 'processing', 'file-export'],
    ['alipay', 'processing', 'file-export'],
  ]);
  const [m1, m2] = payouts.map((payout) => payout.outBillNo);
  return { m1, m2, bankWithdrawal, alipayWithdrawal, settlementNo };
}

async function writeResults(name: string, rows: (string | number)[][], header = ['out_bill_no', 'status', 'reason']): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('results');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  const filePath = join(harness.directory, name);
  await workbook.xlsx.writeFile(filePath);
  return filePath;
}

function counts(): Record<string, number> {
  const count = (table: string) => (harness.workspace.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { entries: count('journal_entries'), outbox: count('mall_outbox'), audit: count('audit_log') };
}

function payout(outBillNo: string): PayoutRecord {
  return listPayouts(harness.workspace.sqlite, { outBillNos: [outBillNo] })[0];
}

function outboxBodies(kind: string): Record<string, unknown>[] {
  const rows = harness.workspace.sqlite.prepare(`SELECT body_json FROM mall_outbox WHERE kind = ? ORDER BY id`).all(kind) as { body_json: string }[];
  return rows.map((row) => JSON.parse(row.body_json) as Record<string, unknown>);
}

describe('importing the results of a file export', () => {
  it('the export lists every payout the clerk must pay', async () => {
    const { m1, m2, bankWithdrawal, alipayWithdrawal, settlementNo } = await exportedPayouts();
    const exported = await readPayoutResultsWorkbook(join(harness.directory, 'exports', `payouts-${settlementNo}.xlsx`));
    // The export is not a results sheet (no status column): it cannot be imported by mistake.
    expect(exported).toMatchObject({ ok: false, error: { line: 1, reason: expect.stringMatching(/status/) } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(harness.directory, 'exports', `payouts-${settlementNo}.xlsx`));
    const numbers = workbook.worksheets[0].getColumn(5).values.slice(2);
    expect(numbers).toEqual([m1, m2]);
    expect(payout(bankWithdrawal).channelRef).toMatch(/\.xlsx$/);
    expect(payout(alipayWithdrawal).state).toBe('processing');
    expectVerified();
  });

  it('success posts the paid entry; failure returns the money and the commissions; a second import changes nothing', async () => {
    const { m1, m2, bankWithdrawal, alipayWithdrawal } = await exportedPayouts();
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(1000 + 1000 + 5000 + 3000);
    const m4Before = balanceFen(harness.workspace, MEMBER_BALANCE, 'm_4');
    const filePath = await writeResults('results.xlsx', [
      [m1, 'success', ''],
      [m2, '失败', '账户已销户'],
      [bankWithdrawal, '成功', ''],
      [alipayWithdrawal, 'failed', 'payee name mismatch'],
    ]);

    const result = await importPayoutResults(harness.workspace, finance, filePath);
    expect(result).toEqual({
      applied: [
        { outBillNo: m1, state: 'success' },
        { outBillNo: m2, state: 'failed' },
        { outBillNo: bankWithdrawal, state: 'success' },
        { outBillNo: alipayWithdrawal, state: 'failed' },
      ],
      errors: [],
    });
    // Paid: Dr 2206 / Cr 1002 bank for the bank payouts; nothing left in transit.
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    expect(balanceFen(harness.workspace, BANK)).toBe(-(1000 + 5000));
    expect(balanceFen(harness.workspace, ALIPAY_CLEARING)).toBe(0);
    // Failed: the commission is payable to m_2 again, the withdrawal back on m_4's balance.
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE, 'm_2')).toBe(1000);
    expect(balanceFen(harness.workspace, COMMISSION_PAYABLE, 'm_1')).toBe(0);
    expect(balanceFen(harness.workspace, MEMBER_BALANCE, 'm_4')).toBe(m4Before + 3000);
    expect(payout(m1)).toMatchObject({ state: 'success', channelRef: 'results.xlsx#2', finishedAt: expect.any(String), paidEntryId: expect.any(Number) });
    expect(payout(m2)).toMatchObject({ state: 'failed', failureReason: '账户已销户', returnEntryId: expect.any(Number) });
    expect(findWithdrawal(harness.workspace.sqlite, 'WD0001')?.status).toBe('paid');
    expect(findWithdrawal(harness.workspace.sqlite, 'WD0002')?.status).toBe('failed');
    // Write-backs queued as for WeChat results.
    expect(outboxBodies('commission_settlement')).toEqual([expect.objectContaining({ settlement_no: m1, status: 'paid', amount: '10.00', channel_ref: 'results.xlsx#2' })]);
    expect(outboxBodies('withdrawal_payout_result')).toEqual([
      expect.objectContaining({ status: 'paid', channel_ref: 'results.xlsx#4' }),
      expect.objectContaining({ status: 'failed', failure_reason: 'failed: payee name mismatch' }),
    ]);
    const audit = listAudit(harness.workspace.sqlite).filter((row) => row.action === 'payout.results.import');
    expect(audit).toEqual([expect.objectContaining({ userName: 'fin', objectId: 'results.xlsx' })]);
    expectVerified();

    // The same file again: every line is already settled, nothing is booked twice.
    const before = counts();
    const again = await importPayoutResults(harness.workspace, finance, filePath);
    expect(again.applied).toEqual([]);
    expect(again.errors.map((error) => [error.file, error.line])).toEqual([
      ['results.xlsx', 2],
      ['results.xlsx', 3],
      ['results.xlsx', 4],
      ['results.xlsx', 5],
    ]);
    expect(again.errors[0].reason).toMatch(/already settled/);
    expect(counts()).toEqual(before);
    expect(balanceFen(harness.workspace, BANK)).toBe(-6000);
    expectVerified();

    // The failed commission is paid in the next cycle.
    harness.clock.advance(7 * DAY_MS);
    const next = runSettlement(harness.workspace, finance);
    expect(next.payouts.map((item) => [item.partyId, item.amountFen])).toEqual([['m_2', 1000]]);
    expect(next.payouts[0].outBillNo).not.toBe(m2);
    expectVerified();
  });

  it('one already settled line blocks the whole file', async () => {
    const { m1, m2 } = await exportedPayouts();
    expect((await importPayoutResults(harness.workspace, finance, await writeResults('first.xlsx', [[m1, 'success', '']]))).applied).toHaveLength(1);
    const before = counts();
    const mixed = await importPayoutResults(harness.workspace, finance, await writeResults('second.xlsx', [[m2, 'success', ''], [m1, 'failed', 'bounced']]));
    expect(mixed).toEqual({ applied: [], errors: [{ file: 'second.xlsx', line: 3, reason: expect.stringMatching(/already settled/) }] });
    expect(counts()).toEqual(before);
    expect(payout(m2).state).toBe('processing');
    expect(payout(m1).state).toBe('success');
    expectVerified();
  });

  it('a bad line applies nothing and names the file and line', async () => {
    const { m1, m2, bankWithdrawal } = await exportedPayouts();
    const before = counts();
    const filePath = await writeResults('bad.xlsx', [
      [m1, 'success', ''],
      ['S2026101101DNOBODY', 'success', ''],
      [m2, 'maybe', ''],
      [bankWithdrawal, 'failed', ''],
      ['not-a-number!', 'success', ''],
      [m1, 'failed', 'twice'],
    ]);
    const result = await importPayoutResults(harness.workspace, finance, filePath);
    expect(result.applied).toEqual([]);
    expect(result.errors).toEqual([
      { file: 'bad.xlsx', line: 3, reason: expect.stringMatching(/not a payout of this export/) },
      { file: 'bad.xlsx', line: 4, reason: expect.stringMatching(/neither success nor failed/) },
      { file: 'bad.xlsx', line: 5, reason: expect.stringMatching(/needs a reason/) },
      { file: 'bad.xlsx', line: 6, reason: expect.stringMatching(/1-32 digits/) },
      { file: 'bad.xlsx', line: 7, reason: expect.stringMatching(/already reported on line 2/) },
    ]);
    expect(counts()).toEqual(before);
    expect(listPayouts(harness.workspace.sqlite).map((item) => item.state)).toEqual(['processing', 'processing', 'processing', 'processing']);
    expectVerified();
  });

  it('refuses a WeChat payout, a file without the needed columns, and a file that is not a workbook', async () => {
    await exportedPayouts();
    putCommission(harness.workspace, { distributorId: 'm_3', basis: '100.00', rate: '0.1', amount: '10.00', settleableAt: '2026-10-09T10:00:00+08:00' });
    const wechat = runSettlement(harness.workspace, finance).payouts[0].outBillNo;
    const before = counts();
    const wechatLine = await importPayoutResults(harness.workspace, finance, await writeResults('wechat.xlsx', [[wechat, 'success', '']]));
    expect(wechatLine).toEqual({ applied: [], errors: [{ file: 'wechat.xlsx', line: 2, reason: expect.stringMatching(/not a payout of this export/) }] });
    const noStatus = await importPayoutResults(harness.workspace, finance, await writeResults('columns.xlsx', [[wechat, '']], ['out_bill_no', 'remark']));
    expect(noStatus).toEqual({ applied: [], errors: [{ file: 'columns.xlsx', line: 1, reason: expect.stringMatching(/header lacks/) }] });
    const garbage = join(harness.directory, 'garbage.xlsx');
    writeFileSync(garbage, 'out_bill_no,status\n');
    expect(await importPayoutResults(harness.workspace, finance, garbage)).toEqual({ applied: [], errors: [{ file: 'garbage.xlsx', line: 0, reason: expect.stringMatching(/not a readable/) }] });
    expect(counts()).toEqual(before);
    expectVerified();
  });

  it('needs the settlement right', async () => {
    const { m1 } = await exportedPayouts();
    const filePath = await writeResults('results.xlsx', [[m1, 'success', '']]);
    for (const actor of [ops, { userName: 'aud', role: 'auditor' }, { userName: 'clerk', role: 'clerk' }] as Actor[]) {
      await expect(importPayoutResults(harness.workspace, actor, filePath)).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(payout(m1).state).toBe('processing');
  });

  it('a partial results file settles its lines; the rest stay in flight for a later file', async () => {
    const { m1, m2, bankWithdrawal, alipayWithdrawal } = await exportedPayouts();
    await importPayoutResults(harness.workspace, finance, await writeResults('monday.xlsx', [[m1, 'success', '']]));
    expect([m1, m2, bankWithdrawal, alipayWithdrawal].map((no) => payout(no).state)).toEqual(['success', 'processing', 'processing', 'processing']);
    const later = await importPayoutResults(harness.workspace, finance, await writeResults('tuesday.xlsx', [[m2, 'success', ''], [bankWithdrawal, 'success', ''], [alipayWithdrawal, 'success', '']]));
    expect(later.errors).toEqual([]);
    expect(balanceFen(harness.workspace, IN_TRANSIT)).toBe(0);
    expect(balanceFen(harness.workspace, BANK)).toBe(-7000);
    expect(balanceFen(harness.workspace, ALIPAY_CLEARING)).toBe(-3000);
    expectVerified();
  });
});
