import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { openWorkspace } from '../../electron/core/workspace';
import { putCommission, putMember } from '../integration/payouts-fixtures';
import { unnamedControls } from './a11y';
import { startBridge, type Bridge } from './bridge-server';
import { chromiumAvailable, openTestBrowser, recordPageErrors, screenshot, type TestBrowser } from './browser';

/**
 * Payout routes through the real UI on the real core: a distributor's own route, a settlement run
 * paid by bank (the route select), its Excel export and the results sheet coming back, and the
 * policy for WeChat transfers the payee has not confirmed.
 */
// A Thursday: the latest complete weekly cycle is 2026-10-05..2026-10-11 (the commissions fall in it).
const NOW = '2026-10-15T04:00:00.000Z';
const PASSPHRASE = 'payout routes passphrase 2026';
const ADMIN_PASSWORD = 'admin-password-1';
const COMPANY = '示例商城（打款方式）有限公司';

describe.skipIf(!chromiumAvailable)('payout routes, results import and the unconfirmed-transfer policy (headless Chromium, loopback bridge)', () => {
  let directory: string;
  let workspacePath: string;
  let bridge: Bridge;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-e2e-payout-routes-'));
    workspacePath = join(directory, 'books.ldw');
    bridge = await startBridge({ rendererDirectory: resolve('out/renderer'), clock: fixedClock(NOW), suggestedWorkspacePath: workspacePath, demoDirectory: join(directory, 'demo') });
    browser = await openTestBrowser();
    page = browser.page;
    recordPageErrors(page, pageErrors);
    await page.goto(bridge.url);
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const navigate = (label: string) => page.getByRole('menuitem', { name: label }).click();
  /** An option of the open antd Select (the shown value carries the same title, so the option is named by its class). */
  const chooseOption = (title: string) => page.locator(`.ant-select-item-option[title="${title}"]`).click();

  it('creates a workspace with two distributors owed ¥10.00 each', async () => {
    await page.getByLabel('账套文件路径').fill(workspacePath);
    await page.getByLabel('公司名称').fill(COMPANY);
    await page.getByLabel('账套密码（加密口令）').fill(PASSPHRASE);
    await page.getByLabel('再次输入账套密码').fill(PASSPHRASE);
    await page.getByLabel('管理员登录密码').fill(ADMIN_PASSWORD);
    await page.getByLabel('建账日期（可选，默认本月 1 日）').fill('2026-10-01');
    await page.getByRole('button', { name: '创建账套' }).click();
    await expect.poll(() => page.getByTestId('login-company').textContent()).toBe(COMPANY);
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('header-user').textContent()).toContain('admin');
    // The commissions as the mall sync stores them (a second connection, as the app's tasks use).
    const workspace = openWorkspace({ path: workspacePath, passphrase: PASSPHRASE, clock: fixedClock(NOW) });
    try {
      for (const id of ['m_1', 'm_2']) putMember(workspace, id);
      putCommission(workspace, { distributorId: 'm_1', basis: '100.00', rate: '0.1', amount: '10.00' });
      putCommission(workspace, { distributorId: 'm_2', basis: '200.00', rate: '0.05', amount: '10.00' });
    } finally {
      workspace.close();
    }
  });

  it('a distributor paid always by Alipay: the override is listed, and can go back to the default', async () => {
    await navigate('佣金打款');
    await page.getByRole('tab', { name: '分销员打款方式' }).click();
    const table = page.getByTestId('distributor-routes');
    await expect.poll(() => table.textContent()).toContain('没有单独设置的分销员');
    for (const id of ['m_9', 'm_2']) {
      await page.getByLabel('分销员编号').fill(id);
      await page.getByRole('combobox', { name: '打款方式' }).click();
      await chooseOption('支付宝（导出 Excel 手工付款）');
      await page.getByRole('button', { name: '保存打款方式' }).click();
      await expect.poll(() => table.getByText(id, { exact: true }).count()).toBe(1);
    }
    expect(await table.textContent()).toContain('支付宝（导出 Excel 手工付款）');
    await screenshot(page, '41-payouts-distributor-routes');
    await table.getByRole('row', { name: /m_9/ }).getByRole('button', { name: '恢复默认' }).click();
    await expect.poll(() => table.getByText('m_9', { exact: true }).count()).toBe(0);
    expect(await table.getByText('m_2', { exact: true }).count()).toBe(1);
  });

  it('the settlement run by bank: the override wins for m_2; the export path is shown and its results sheet books the payouts', async () => {
    await page.getByRole('tab', { name: '结算周期' }).click();
    const routeSelect = page.getByRole('combobox', { name: '打款方式' });
    // The default is the WeChat API the merchant settings name.
    expect(await page.getByTestId('settlement-route').textContent()).toContain('微信（已配置的接口）');
    await routeSelect.click();
    await chooseOption('银行转账（导出 Excel 手工付款）');
    await page.getByRole('button', { name: '运行结算' }).click();
    const result = page.getByTestId('settlement-result');
    await expect.poll(() => result.count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByTestId('settlement-result-route').textContent()).toBe('银行转账（导出 Excel 手工付款）');
    const payouts = page.getByTestId('settlement-payouts');
    await expect.poll(() => payouts.getByRole('row', { name: /m_1/ }).textContent()).toContain('银行');
    expect(await payouts.getByRole('row', { name: /m_2/ }).textContent()).toContain('支付宝');
    expect(await payouts.textContent()).toContain('待提交');

    await page.getByRole('button', { name: '提交本次结算的打款' }).click();
    const exportCard = page.getByTestId('payout-export');
    await expect.poll(() => exportCard.count(), { timeout: 60_000 }).toBe(1);
    const exportFile = ((await page.getByTestId('payout-export-file').textContent()) ?? '').trim();
    expect(exportFile).toBe(join(directory, 'payout-exports', `${exportFile.split(/[\\/]/).pop()}`));
    expect(exportFile).toMatch(/payouts-.+\.xlsx$/);
    expect(existsSync(exportFile)).toBe(true);
    await expect.poll(() => payouts.textContent()).toContain('处理中');

    // The clerk paid m_1; m_2's transfer bounced.
    const exported = new ExcelJS.Workbook();
    await exported.xlsx.readFile(exportFile);
    const outBillNos = exported.worksheets[0]
      .getColumn(5)
      .values.slice(2)
      .map((value) => String(value));
    expect(outBillNos.length).toBe(2);
    const results = new ExcelJS.Workbook();
    const sheet = results.addWorksheet('results');
    sheet.addRow(['out_bill_no', 'status', 'reason']);
    sheet.addRow([outBillNos[0], 'success', '']);
    sheet.addRow([outBillNos[1], 'failed', '账户已冻结']);
    const resultsFile = join(directory, 'results.xlsx');
    await results.xlsx.writeFile(resultsFile);

    await exportCard.getByLabel('结果表路径（.xlsx）').fill('results.xlsx');
    await exportCard.getByRole('button', { name: '导入结果表' }).click();
    await expect.poll(() => exportCard.getByRole('alert').textContent()).toContain('must be absolute');
    await exportCard.getByLabel('结果表路径（.xlsx）').fill(resultsFile);
    await exportCard.getByRole('button', { name: '导入结果表' }).click();
    await expect.poll(() => page.getByTestId('payout-results-applied').textContent(), { timeout: 60_000 }).toContain('已入账 2 笔结果');
    await expect.poll(() => payouts.textContent()).toContain('已到账');
    expect(await payouts.textContent()).toContain('失败');
    await result.scrollIntoViewIfNeeded();
    await screenshot(page, '42-payouts-route-export-results');
  });

  it('the unconfirmed-transfer policy: off at first; cancel after 90 minutes; back off', async () => {
    await navigate('设置');
    const card = page.getByTestId('unconfirmed-card');
    await expect.poll(() => page.getByTestId('unconfirmed-current').textContent()).toBe('当前：不撤销');
    expect(await card.textContent()).toContain('24 小时后自动过期');
    await card.getByLabel('发出后超过以下分钟数仍未确认则撤销').check();
    await card.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('请输入 1 至 1430 的整数分钟数');
    await card.getByRole('spinbutton', { name: '分钟数' }).fill('90');
    await card.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('unconfirmed-current').textContent()).toBe('当前：发出 90 分钟后撤销');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, '43-settings-unconfirmed-policy');
    await card.getByLabel('不撤销（由微信在 24 小时后过期）').check();
    await card.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('unconfirmed-current').textContent()).toBe('当前：不撤销');
  });

  it('accessibility and English: every control has a name; the new strings switch language', async () => {
    expect(await unnamedControls(page, page.getByTestId('unconfirmed-card'))).toEqual([]);
    await page.getByText('English', { exact: true }).click();
    await expect.poll(() => page.getByText('Unconfirmed WeChat transfers').isVisible()).toBe(true);
    expect(await page.getByTestId('unconfirmed-current').textContent()).toBe('Now: not cancelled');
    await navigate('Commission payouts');
    expect(await page.getByRole('combobox', { name: 'Payout route' }).count()).toBe(1);
    expect(await page.getByTestId('settlement-route').textContent()).toContain('WeChat (the configured API)');
    expect(await unnamedControls(page, page.getByRole('main'))).toEqual([]);
    await page.getByRole('tab', { name: 'Distributor routes' }).click();
    await expect.poll(() => page.getByTestId('distributor-routes').textContent()).toContain('Alipay (Excel export, paid by hand)');
    expect(await unnamedControls(page, page.getByRole('main'))).toEqual([]);
    await page.getByText('中文', { exact: true }).click();
    expect(pageErrors).toEqual([]);
  });
});
