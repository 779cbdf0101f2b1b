import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { DEMO_NOW } from '../../electron/core/demo';
import { generateMallDataset, startDemoMall, writeDemoChannelFiles, type DemoMall } from '../../electron/core/mall/demo';
import { startBridge, type Bridge } from './bridge-server';
import { chooseOption } from './forms';
import { chromiumAvailable, openTestBrowser, recordPageErrors, screenshot, type TestBrowser } from './browser';

/**
 * The month-end on real data through the real UI: a demo mall started here (generated dataset)
 * and its channel files. A fresh workspace -> connect and sync -> import (one corrupted file is
 * refused with its line) -> reconcile, red rows, the raw bill line, resolve -> two-tier
 * withdrawal review -> close refused with its figures, then allowed after resolving -> trial
 * seal -> sealed audit package, listed with hashes and signatures -> settlement.
 */
const PASSPHRASE = 'month-end passphrase 2026';
const ADMIN_PASSWORD = 'admin-password-1';
const COMPANY = '示例商城（月结）有限公司';
const TOKEN = 'e2e-mall-token';

describe.skipIf(!chromiumAvailable)('month-end on the demo mall (headless Chromium, loopback bridge)', () => {
  let directory: string;
  let mall: DemoMall;
  let files: string[];
  let brokenFile: string;
  let bridge: Bridge;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-e2e-month-end-'));
    const dataset = generateMallDataset({ seed: 20261, month: '2026-10', orderCount: 300 });
    mall = await startDemoMall({ dataset, port: 0, token: TOKEN });
    files = writeDemoChannelFiles(dataset, join(directory, 'channel-files')).files;
    // A WeChat bill with one damaged amount on its third line: the whole file must be refused.
    const source = files.find((file) => file.endsWith('wechat-tradebill-ALL-20261005.csv'));
    if (!source) throw new Error('the demo wrote no WeChat bill for 2026-10-05');
    brokenFile = join(directory, 'broken-wechat-tradebill.csv');
    copyFileSync(source, brokenFile);
    const lines = readFileSync(brokenFile, 'utf8').split('\n');
    lines[2] = lines[2].replace(/`(\d+\.\d{2})/, '`12x.3');
    writeFileSync(brokenFile, lines.join('\n'));
    bridge = await startBridge({ rendererDirectory: resolve('out/renderer'), clock: fixedClock(DEMO_NOW), suggestedWorkspacePath: join(directory, 'books.ldw'), demoDirectory: join(directory, 'demo') });
    browser = await openTestBrowser();
    page = browser.page;
    recordPageErrors(page, pageErrors);
    await page.goto(bridge.url);
  });

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
    await mall?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const navigate = (label: string) => page.getByRole('menuitem', { name: label }).click();
  const openCount = async () => Number(((await page.getByTestId('reconcile-total').textContent()) ?? '').replace(/\D/g, ''));

  async function logInAs(userName: string, password: string) {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').fill(userName);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('header-user').textContent()).toContain(userName);
  }

  it('creates a workspace with books from 2026-10-01 and logs in', async () => {
    await page.getByLabel('账套文件路径').fill(join(directory, 'books.ldw'));
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
    await expect.poll(() => page.getByTestId('dashboard-company').textContent()).toBe(COMPANY);
  });

  it('connects to the demo mall (token stored, never shown) and syncs with progress and result counts', async () => {
    await navigate('商城同步');
    const form = page.locator('form#mall-connection');
    await form.getByLabel('商城地址').fill(mall.url);
    await form.getByLabel('API 令牌').fill(TOKEN);
    await form.getByRole('button', { name: '保存连接' }).click();
    await expect.poll(() => page.getByTestId('mall-connection').textContent()).toContain('令牌已加密保存');
    expect(await page.content()).not.toContain(TOKEN);
    await page.getByRole('button', { name: '开始同步' }).click();
    await expect.poll(() => page.getByTestId('sync-result').count(), { timeout: 90_000 }).toBe(1);
    const result = (await page.getByTestId('sync-result').textContent()) ?? '';
    expect(result).toContain('订单300');
    expect(await page.getByTestId('sync-gmv').textContent()).toContain('GMV 与商城一致');
    await expect.poll(() => page.getByTestId('sync-last').textContent()).toContain('最近同步');
    await screenshot(page, '20-sync');
  });

  it('imports the channel files; the damaged file is refused in red with its line number', async () => {
    await navigate('账单导入');
    await page.getByLabel('文件路径（每行一个）').fill([...files, brokenFile].join('\n'));
    await page.getByRole('button', { name: `导入 ${files.length + 1} 个文件` }).click();
    const results = page.getByTestId('import-results');
    await expect.poll(() => results.locator('tbody tr.ant-table-row').count(), { timeout: 90_000 }).toBe(files.length + 1);
    expect(await results.getByText('已导入', { exact: true }).count()).toBe(files.length);
    expect(await results.getByText('微信支付 全部交易账单').count()).toBeGreaterThan(0);
    const error = page.getByTestId('import-error');
    expect(await error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/^第 3 行：/);
    const errorRow = results.locator('tbody tr.ant-table-row', { hasText: 'broken-wechat-tradebill.csv' });
    expect(await errorRow.evaluate((element) => element.className)).toContain('discrepancy-row');
    expect(await error.evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).color)).toBe('rgb(207, 19, 34)');
    await errorRow.scrollIntoViewIfNeeded();
    await screenshot(page, '21-import');
  });

  it('reconciles: the injected discrepancies are red rows; one opens with its raw bill line and is resolved', async () => {
    await navigate('对账');
    await page.getByRole('button', { name: '运行对账' }).click();
    await expect.poll(() => page.getByTestId('reconcile-summary').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('reconcile-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('reconcile-row').first().evaluate((element) => element.className)).toContain('discrepancy-row');
    const rowCount = await page.getByTestId('reconcile-row').count();
    let withBillLine = -1;
    for (let index = 0; index < rowCount && withBillLine < 0; index += 1) {
      await page.getByTestId('reconcile-row').nth(index).click();
      await expect.poll(() => page.getByTestId('reconcile-detail').count()).toBe(1);
      await expect.poll(() => page.getByTestId('reconcile-detail').textContent()).toContain('渠道账单原始行');
      if ((await page.getByTestId('bill-line').count()) > 0) withBillLine = index;
    }
    expect(withBillLine).toBeGreaterThanOrEqual(0);
    expect(await page.getByTestId('bill-line').first().textContent()).toMatch(/wechat|alipay|\.csv|\.zip/i);
    await screenshot(page, '22-discrepancy-bill-line');
    const before = await openCount();
    const resolveOne = page.locator('form#resolve-one');
    await resolveOne.getByLabel('备注').fill('与渠道核实：次日补单（e2e）');
    await resolveOne.getByRole('button', { name: '处理' }).click();
    await expect.poll(() => page.getByTestId('resolution').textContent()).toContain('admin');
    await expect.poll(openCount).toBe(before - 1);
  });

  it('reviews a withdrawal in two tiers (operations, then a different finance user)', async () => {
    await navigate('设置');
    const addForm = page.locator('form#add-user');
    for (const [name, role] of [
      ['ops1', '运营审核'],
      ['fin1', '财务审核'],
    ]) {
      await addForm.getByLabel('用户名').fill(name);
      await chooseOption(page, addForm, '角色', role);
      await addForm.getByLabel('初始密码').fill(`${name}-password-1`);
      await addForm.getByRole('button', { name: '添加用户' }).click();
      await expect.poll(() => page.getByTestId('users-table').getByText(name, { exact: true }).count()).toBe(1);
      expect(await page.getByTestId('users-table').locator('tbody tr', { hasText: name }).textContent()).toContain(role);
    }
    await logInAs('ops1', 'ops1-password-1');
    await navigate('提现审核');
    const rows = page.getByTestId('withdrawals-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const withdrawalNo = (await rows.first().locator('td').first().textContent()) ?? '';
    await rows.first().getByRole('button', { name: '审核' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    await logInAs('fin1', 'fin1-password-1');
    await navigate('提现审核');
    await page.getByRole('tab', { name: '待二审（财务）' }).click();
    const pending = page.getByTestId('withdrawals-table').locator('tbody tr.ant-table-row', { hasText: withdrawalNo });
    await expect.poll(() => pending.count()).toBe(1);
    await pending.getByRole('button', { name: '审核' }).click();
    const dialog = page.getByRole('dialog');
    if ((await dialog.getByTestId('identity-check').count()) > 0) await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: '通过' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('tab', { name: '全部' }).click();
    await expect.poll(() => page.getByTestId('withdrawals-table').locator('tbody tr.ant-table-row', { hasText: withdrawalNo }).textContent()).toContain('fin1');
    await logInAs('admin', ADMIN_PASSWORD);
  });

  it('month-end close: refused with the discrepancy rate, allowed after the rest are resolved in bulk', async () => {
    await navigate('月末结账');
    await expect.poll(() => page.getByTestId('close-figures').count()).toBe(1);
    expect(await page.getByLabel('月份').inputValue()).toBe('2026-10');
    await page.getByRole('button', { name: '结账 2026-10' }).click();
    await expect.poll(() => page.getByTestId('close-blocker').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('close-blocker').first().textContent()).toMatch(/^差异率 [\d.]+ 未低于阈值 0\.001（\d+ 条未处理差异）/);
    await screenshot(page, '23-close-blocked');

    await page.getByRole('button', { name: '去对账页处理差异' }).click();
    await expect.poll(() => page.getByTestId('reconcile-row').count()).toBeGreaterThan(0);
    const open = await openCount();
    expect(open).toBeLessThanOrEqual(200); // one page: the header checkbox selects them all
    await page.getByLabel('选择本页全部未处理差异').check();
    const bulk = page.locator('form#resolve-bulk');
    await bulk.getByLabel('处理方式').click();
    await page.getByTitle('时间差').click();
    await bulk.getByLabel('备注').fill('月末复核：均为跨日到账（e2e）');
    await bulk.getByRole('button', { name: open > 1 ? `批量处理 ${open} 条` : '处理' }).click();
    await expect.poll(openCount).toBe(0);

    await navigate('月末结账');
    await expect.poll(() => page.getByTestId('close-ready').count()).toBe(1);
    await page.getByRole('button', { name: '结账 2026-10' }).click();
    await expect.poll(() => page.getByTestId('close-closed').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByTestId('close-closed').textContent()).toContain('admin');
    expect(await page.getByTestId('close-closed').textContent()).toContain('只有财务审核可以反结账');
    await screenshot(page, '24-close-closed');
  });

  it('settings: a trial seal in the company name, shown with subject, issuer and validity', async () => {
    await navigate('设置');
    await page.getByRole('button', { name: '创建试用印章（自签名）' }).click();
    await expect.poll(() => page.getByTestId('seal-info').count(), { timeout: 60_000 }).toBe(1);
    const info = (await page.getByTestId('seal-info').textContent()) ?? '';
    expect(info).toContain(COMPANY);
    expect(info).toContain('自签名（仅供试用）');
    expect(info).toContain('2026-11-02');
    await page.getByTestId('seal-card').scrollIntoViewIfNeeded();
    await screenshot(page, '25-settings-seal');
  });

  it('reports: overview with the six-month chart and the GMV per day; one click exports the sealed audit package', async () => {
    await navigate('报表导出');
    await expect.poll(() => page.getByTestId('report-overview').count()).toBe(1);
    expect(await page.getByTestId('net-profit-chart').locator('g[data-month]').count()).toBe(6);
    expect(await page.getByTestId('gmv-state').textContent()).toBe('每日一致');
    expect(await page.getByTestId('gmv-table').locator('tbody tr.ant-table-row').count()).toBe(31);
    expect(await page.getByTestId('report-discrepancies').textContent()).toContain('未处理 0 条');
    await screenshot(page, '26-reports');

    const out = join(directory, 'exports');
    await page.getByLabel('导出到文件夹').fill(out);
    await page.getByRole('button', { name: '一键导出审计包（签章）' }).click();
    await expect.poll(() => page.getByTestId('export-files').count(), { timeout: 120_000 }).toBe(1);
    expect(await page.getByTestId('export-verified').textContent()).toBe('审计包校验通过');
    const fileRows = page.getByTestId('export-files').locator('tbody tr.ant-table-row');
    expect(await fileRows.count()).toBe(8); // 3 PDFs (transactions, refunds, balance changes), their workbooks, the manifest and its signature
    expect(await page.getByTestId('export-files').getByText('已签章', { exact: true }).count()).toBe(5);
    expect(await fileRows.filter({ hasText: 'pdf/交易明细.pdf' }).count()).toBe(1);
    const packageDirectory = (await page.getByTestId('export-directory').textContent()) ?? '';
    expect(existsSync(join(packageDirectory, 'manifest.json'))).toBe(true);
    await page.getByTestId('export-files').scrollIntoViewIfNeeded();
    await screenshot(page, '27-audit-package');
    await page.getByRole('button', { name: '导出 Excel' }).click();
    await expect.poll(() => page.getByTestId('export-files').textContent(), { timeout: 60_000 }).toContain('月度报表.xlsx');
    await page.getByRole('button', { name: '一键导出审计包（签章）' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 60_000 }).toContain('already exists');
  });

  it('payouts: a settlement run pays each distributor with their commissions; commission basis flags mismatches', async () => {
    await navigate('佣金打款');
    await page.getByRole('button', { name: '运行结算' }).click();
    await expect.poll(() => page.getByTestId('settlement-result').count()).toBe(1);
    expect(await page.getByTestId('settlement-result').textContent()).toMatch(/结算 S\d{10}/);
    await screenshot(page, '28-settlement');
    await page.getByRole('tab', { name: '佣金核对' }).click();
    await expect.poll(() => page.getByTestId('commissions-table').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    await screenshot(page, '29-commissions');
  });

  it('the dashboard shows no open discrepancies, the month closed and the sync state', async () => {
    await navigate('总览');
    await page.getByLabel('月份').fill('2026-10');
    await expect.poll(() => page.getByTestId('dashboard-month-status').textContent()).toBe('本月已结账');
    expect(await page.getByTestId('dashboard-open-discrepancies').textContent()).toBe('0');
    expect(await page.getByTestId('dashboard-sync').textContent()).toContain('最近同步');
    await screenshot(page, '30-dashboard-month-end');
  });

  it('raised no page errors or console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
