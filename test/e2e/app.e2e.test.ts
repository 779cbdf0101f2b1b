import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { postEntry } from '../../electron/core/ledger/post';
import { trialBalance } from '../../electron/core/ledger/queries';
import { openingBalanceEntry, orderPaymentEntry, pointsDeductionEntry, topupEntry } from '../../electron/core/ledger/rules';
import { fen } from '../../electron/core/money';
import { openWorkspace } from '../../electron/core/workspace';
import { formatFen } from '../../renderer/src/format';
import { startBridge, type Bridge } from './bridge-server';
import { chromiumAvailable, CHROMIUM_PATH, openTestBrowser, recordPageErrors, screenshot, type TestBrowser } from './browser';

/**
 * The real renderer (built by electron-vite) on the real core, through the same handlers the
 * Electron shell registers, in headless Chromium. One fresh workspace and a fixed clock; the
 * steps run in order like a clerk's first day.
 */
const NOW = '2026-10-15T04:00:00.000Z';
const PASSPHRASE = 'correct horse battery staple';
const ADMIN_PASSWORD = 'admin-password-1';
const COMPANY = '示例商城有限公司';
const ORDER_NO = 'SO2026101512345678';

if (!chromiumAvailable) console.warn(`[e2e] skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium fonts-noto-cjk)`);

describe.skipIf(!chromiumAvailable)('Ledgerdesk renderer end to end (headless Chromium, loopback bridge)', () => {
  let directory: string;
  let workspacePath: string;
  let bridge: Bridge;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-e2e-'));
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

  /** Posts a small, real October: opening balances, an order paid by WeChat + stored value + points, a top-up. */
  function seedLedger(): { monthDebitFen: number } {
    const workspace = openWorkspace({ path: workspacePath, passphrase: PASSPHRASE, clock: fixedClock(NOW) });
    try {
      const context = workspace.postingContext('admin');
      const order = { resource: 'orders', id: 'ord-1', no: ORDER_NO, version: 1 };
      postEntry(context, openingBalanceEntry('2026-10-01T00:00:00+08:00', [{ memberId: 'm1', storedValueFen: fen(5000), balanceFen: fen(0), commissionFen: fen(0), points: 1000 }])!);
      postEntry(context, orderPaymentEntry({ source: order, memberId: 'm1', paidAt: '2026-10-15T10:00:00+08:00', payChannel: 'wechat', channelPaidFen: fen(8000), storedValueFen: fen(2000), balanceFen: fen(0) })!);
      postEntry(context, pointsDeductionEntry({ source: order, memberId: 'm1', paidAt: '2026-10-15T10:00:00+08:00', pointsDeductionFen: fen(300), pointsUsed: 300 })!);
      postEntry(
        context,
        topupEntry({ source: { resource: 'topups', id: 'tu-1', no: 'TU2026101400001' }, memberId: 'm1', paidAt: '2026-10-14T09:00:00+08:00', channel: 'alipay', amountFen: fen(50000), bonusFen: fen(5000) })!,
      );
      return { monthDebitFen: trialBalance(workspace.sqlite, '2026-11-01T00:00:00+08:00').debitTotalFen };
    } finally {
      workspace.close();
    }
  }

  async function navigate(label: string) {
    await page.getByRole('menuitem', { name: label }).click();
  }

  it('first run: creates an encrypted workspace', async () => {
    await expect.poll(() => page.getByText('欢迎使用 Ledgerdesk').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('demo-credentials').count()).toBe(1);
    await screenshot(page, '01-first-run');
    await page.getByLabel('账套文件路径').fill(workspacePath);
    await page.getByLabel('公司名称').fill(COMPANY);
    await page.getByLabel('账套密码（加密口令）').fill(PASSPHRASE);
    await page.getByLabel('再次输入账套密码').fill('something else');
    await page.getByLabel('管理员登录密码').fill(ADMIN_PASSWORD);
    await page.getByLabel('建账日期（可选，默认本月 1 日）').fill('2026-10-01');
    await page.getByRole('button', { name: '创建账套' }).click();
    // The confirmation check runs in the form: nothing is created with mismatched passphrases.
    await expect.poll(() => page.getByText('两次输入的账套密码不一致').isVisible()).toBe(true);
    await page.getByLabel('再次输入账套密码').fill(PASSPHRASE);
    await page.getByRole('button', { name: '创建账套' }).click();
    await expect.poll(() => page.getByTestId('login-company').textContent()).toBe(COMPANY);
  });

  let monthDebitFen = 0;

  it('login: refuses a wrong password, then opens the dashboard with the workspace name and the month totals', async () => {
    monthDebitFen = seedLedger().monthDebitFen;
    await screenshot(page, '02-login');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('用户名或密码错误');
    await page.getByLabel('密码', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('dashboard-company').textContent()).toBe(COMPANY);
    expect(await page.getByTestId('header-user').textContent()).toBe('admin · 管理员');
    expect(monthDebitFen).toBe(5000 + 1000 * 0 + 10000 + 300 + 55000); // opening 5000, order 10000, points 300, top-up 55000
    expect(await page.getByTestId('month-debit').textContent()).toBe(formatFen(monthDebitFen));
    expect(await page.getByTestId('month-credit').textContent()).toBe(formatFen(monthDebitFen));
    expect(await page.getByText('借贷平衡').count()).toBe(1);
    await screenshot(page, '03-dashboard');
  });

  it('ledger search: a document number gives its entries with postings and source in one step', async () => {
    await navigate('账簿查询');
    const search = page.getByLabel('分录号或单据号');
    await search.fill(ORDER_NO);
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('ledger-entry').count()).toBe(2);
    expect(await page.getByTestId('ledger-found').textContent()).toBe(`「${ORDER_NO}」共 2 条分录`);
    const payment = page.getByTestId('ledger-entry').first();
    expect(await payment.textContent()).toContain('订单付款');
    expect(await payment.textContent()).toContain('微信支付待清算');
    expect(await payment.textContent()).toContain('¥80.00');
    expect(await payment.getByTestId('ledger-source').textContent()).toContain(`orders · ${ORDER_NO}`);
    await screenshot(page, '04-ledger-search');
    // An entry number gives the same trace (the whole source document).
    const entryNo = (await payment.locator('.ant-typography strong').first().textContent()) ?? '';
    expect(entryNo).toMatch(/^LD202610-\d{6}$/);
    await search.fill(entryNo);
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('ledger-found').textContent()).toBe(`「${entryNo}」共 2 条分录`);
    await search.fill('NO-SUCH-DOCUMENT');
    await search.press('Enter');
    await expect.poll(() => page.getByText('没有找到「NO-SUCH-DOCUMENT」的分录。').isVisible()).toBe(true);
  });

  it('trial balance: every account, totals equal', async () => {
    await navigate('试算平衡表');
    await expect.poll(() => page.getByTestId('trial-balance-state').textContent()).toBe('借贷合计相等');
    expect(await page.getByTestId('total-debit').textContent()).toBe(formatFen(monthDebitFen));
    expect(await page.getByText('会员储值').count()).toBeGreaterThan(0);
    await screenshot(page, '05-trial-balance');
    // Before the books start nothing was posted.
    await page.getByLabel('截至日期（含当日，留空为全部）').fill('2026-09-30');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.getByTestId('total-debit').textContent()).toBe('¥0.00');
  });

  it('member sub-ledgers: stored value statement with a red negative movement', async () => {
    await navigate('会员子账');
    await page.getByLabel('会员编号').fill('m1');
    await page.getByRole('button', { name: '查询' }).click();
    // 50.00 opening + 500.00 top-up + 50.00 bonus - 20.00 spent on the order = 580.00
    await expect.poll(() => page.getByTestId('statement-closing').textContent()).toBe('¥580.00');
    const negative = page.locator('.amount-negative').first();
    expect(await negative.textContent()).toBe('-¥20.00');
    expect(await negative.evaluate((element) => (globalThis as unknown as { getComputedStyle(node: unknown): { color: string } }).getComputedStyle(element).color)).toBe('rgb(207, 19, 34)');
    await screenshot(page, '06-member-stored-value');
  });

  it('settings: an admin adds a user; the audit log shows it and filters by user', async () => {
    await navigate('设置');
    const addForm = page.locator('form#add-user');
    await addForm.getByLabel('用户名').fill('clerk1');
    await addForm.getByLabel('初始密码').fill('short');
    await addForm.getByRole('button', { name: '添加用户' }).click();
    // core refuses a weak password; the UI shows the coded error, nothing is created
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('输入无效');
    await addForm.getByLabel('初始密码').fill('clerk-password-1');
    await addForm.getByRole('button', { name: '添加用户' }).click();
    await expect.poll(() => page.getByTestId('users-table').getByText('clerk1').count()).toBe(1);
    await page.getByRole('button', { name: '运行校验' }).click();
    await expect.poll(() => page.getByTestId('verify-state').textContent()).toBe('全部检查通过');
    await screenshot(page, '07-settings');

    await navigate('审计日志');
    await expect.poll(() => page.getByRole('cell', { name: 'user.create' }).count()).toBe(2);
    const filters = page.locator('form#audit-filters');
    await filters.getByLabel('对象编号').fill('clerk1');
    await filters.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.locator('tbody tr.ant-table-row').count()).toBe(1);
    expect(await page.locator('tbody tr.ant-table-row').first().textContent()).toContain('user.create');
    await filters.getByLabel('对象编号').fill('');
    await filters.getByLabel('用户').fill('admin');
    await filters.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'login.failed' }).count()).toBe(1);
    await screenshot(page, '08-audit-log');
  });

  it('every operations screen is wired: a fresh workspace says it is not connected and never synced, nothing made up', async () => {
    await navigate('商城同步');
    await expect.poll(() => page.getByTestId('mall-connection').textContent()).toContain('未连接商城');
    expect(await page.getByTestId('sync-last').textContent()).toBe('尚未同步');
    expect(await page.getByRole('button', { name: '开始同步' }).isDisabled()).toBe(true);
    await screenshot(page, '09-sync-not-connected');
    for (const name of ['账单导入', '佣金打款', '月末结账', '报表导出']) {
      await navigate(name);
      await expect.poll(() => page.getByRole('heading', { name, level: 3 }).count()).toBe(1);
      expect(await page.getByTestId('not-available').count()).toBe(0);
    }
  });

  it('switches to English from the header and from the native menu', async () => {
    await page.getByText('English', { exact: true }).click();
    await navigate('Dashboard');
    await expect.poll(() => page.getByText('Debits this month').isVisible()).toBe(true);
    await screenshot(page, '10-dashboard-english');
    await page.evaluate(() => (globalThis as unknown as { __ledgerdeskMenu(command: string): void }).__ledgerdeskMenu('language:zh'));
    await expect.poll(() => page.getByText('本月借方发生额').isVisible()).toBe(true);
  });

  it('a clerk logs in and may not add users; closing and reopening the workspace needs the passphrase', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').fill('clerk1');
    await page.getByLabel('密码', { exact: true }).fill('clerk-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('header-user').textContent()).toBe('clerk1 · 会计');
    await navigate('设置');
    await expect.poll(() => page.getByText('只有管理员可以添加用户。').isVisible()).toBe(true);

    await page.getByRole('button', { name: '关闭账套' }).click();
    await expect.poll(() => page.getByText('欢迎使用 Ledgerdesk').isVisible()).toBe(true);
    // The recent list remembers the file, not the passphrase.
    await expect.poll(() => page.getByRole('button', { name: COMPANY }).count()).toBe(1);
    const openForm = page.locator('form#open-workspace');
    await openForm.getByLabel('账套密码（加密口令）').fill('wrong passphrase');
    await openForm.getByRole('button', { name: '打开' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('账套密码错误');
    await openForm.getByLabel('账套密码（加密口令）').fill(PASSPHRASE);
    await openForm.getByRole('button', { name: '打开' }).click();
    await expect.poll(() => page.getByTestId('login-company').textContent()).toBe(COMPANY);
  });

  it('raised no page errors or console errors (CSP violations included)', () => {
    expect(pageErrors).toEqual([]);
  });
});
