import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_PASSWORD } from '../../electron/api';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { DEMO_MONTH, DEMO_NOW } from '../../electron/core/demo';
import { unnamedControls } from './a11y';
import { startBridge, type Bridge } from './bridge-server';
import { chooseOption } from './forms';
import { chromiumAvailable, openTestBrowser, recordPageErrors, screenshot, type TestBrowser } from './browser';

/**
 * The demo path of a first run: build the demo workspace from the embedded demo mall and its
 * channel files, reconcile, and work the red discrepancy rows in the grid.
 */
describe.skipIf(!chromiumAvailable)('demo workspace and reconciliation grid (headless Chromium, loopback bridge)', () => {
  let directory: string;
  let bridge: Bridge;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-e2e-demo-'));
    bridge = await startBridge({
      rendererDirectory: resolve('out/renderer'),
      clock: fixedClock(DEMO_NOW),
      suggestedWorkspacePath: join(directory, 'books.ldw'),
      demoDirectory: join(directory, 'demo'),
    });
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

  it('builds and opens the demo, then logs in as the demo admin', async () => {
    await page.getByRole('button', { name: '生成并打开演示账套' }).click();
    await expect.poll(() => page.getByTestId('login-company').textContent(), { timeout: 120_000 }).toBe('示例商城（演示）有限公司');
    await page.getByLabel('用户名').fill('admin');
    await page.getByLabel('密码', { exact: true }).fill(DEMO_ADMIN_PASSWORD);
    // Responsiveness (issue 8: the dashboard within 1 s of login on a demo month) is measured and
    // written to test-artifacts, never asserted: a timed assertion would fail on a busy machine.
    const answeredAt: Record<string, number> = {};
    const onResponse = (response: { url(): string }) => {
      const name = new URL(response.url()).pathname.replace('/api/', '');
      if ((name === 'login' || name === 'dashboard') && answeredAt[name] === undefined) answeredAt[name] = performance.now();
    };
    page.on('response', onResponse);
    // Also timed inside the page (click -> figures in the DOM), free of the driver's own latency.
    await page.evaluate(() => {
      type PageTiming = { clickedAt?: number; figuresAt?: number };
      const scope = globalThis as unknown as {
        __loginTiming: PageTiming;
        document: { addEventListener(type: string, listener: () => void, options: object): void; querySelector(selector: string): unknown; body: unknown };
        MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void; disconnect(): void };
      };
      const timing: PageTiming = {};
      scope.__loginTiming = timing;
      scope.document.addEventListener('click', () => (timing.clickedAt ??= performance.now()), { capture: true, once: true });
      const observer = new scope.MutationObserver(() => {
        if (timing.clickedAt === undefined || !scope.document.querySelector('[data-testid="month-debit"]')) return;
        timing.figuresAt = performance.now();
        observer.disconnect();
      });
      observer.observe(scope.document.body, { childList: true, subtree: true });
    });
    const loginStartedAt = performance.now();
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('month-debit').waitFor({ state: 'visible' });
    const loginToDashboardMs = performance.now() - loginStartedAt;
    page.off('response', onResponse);
    const inPage = await page.evaluate(() => (globalThis as unknown as { __loginTiming: { clickedAt?: number; figuresAt?: number } }).__loginTiming);
    const inPageLoginToFiguresMs = inPage.clickedAt !== undefined && inPage.figuresAt !== undefined ? Math.round(inPage.figuresAt - inPage.clickedAt) : null;
    await expect.poll(() => page.getByTestId('dashboard-company').textContent()).toBe('示例商城（演示）有限公司');
    // "Now" is 2 November (T+1 after the demo month); October holds the synced month.
    expect(await page.getByTestId('month-debit').textContent()).toBe('¥0.00');
    const monthStartedAt = performance.now();
    await page.getByLabel('月份').fill(DEMO_MONTH);
    await page.getByText(`本月（${DEMO_MONTH}）`).waitFor({ state: 'visible' });
    await page.getByTestId('month-debit').filter({ hasNotText: '¥0.00' }).waitFor({ state: 'visible' });
    const monthSwitchMs = performance.now() - monthStartedAt;
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync(
      'test-artifacts/dashboard-timing.json',
      `${JSON.stringify(
        {
          what: 'headless Chromium over the loopback bridge, demo workspace; from the login click to the dashboard figures (month-debit) visible, and from typing the demo month to its figures',
          demoMonth: DEMO_MONTH,
          loginToDashboardMs: Math.round(loginToDashboardMs),
          inPageLoginToFiguresMs,
          // Where the time went: the login answer (scrypt), then the dashboard answer, then rendering.
          loginAnsweredMs: answeredAt.login === undefined ? null : Math.round(answeredAt.login - loginStartedAt),
          dashboardAnsweredMs: answeredAt.dashboard === undefined ? null : Math.round(answeredAt.dashboard - loginStartedAt),
          demoMonthSwitchMs: Math.round(monthSwitchMs),
          targetMs: 1000,
        },
        null,
        2,
      )}\n`,
    );
    console.info(`[e2e] dashboard: login -> figures ${Math.round(loginToDashboardMs)} ms (in the page ${inPageLoginToFiguresMs} ms); switch to ${DEMO_MONTH} -> figures ${Math.round(monthSwitchMs)} ms (target 1000 ms, not asserted)`);
    await expect.poll(() => page.getByText('本月（2026-10）').count()).toBe(1);
    await expect.poll(() => page.getByTestId('month-debit').textContent()).not.toBe('¥0.00');
    expect(await page.getByTestId('month-debit').textContent()).toBe(await page.getByTestId('month-credit').textContent());
    await screenshot(page, '11-demo-dashboard');
  });

  it('runs reconciliation and shows the open discrepancies as red rows', async () => {
    await page.getByRole('menuitem', { name: '对账' }).click();
    await page.getByRole('button', { name: '运行对账' }).click();
    await expect.poll(() => page.getByTestId('reconcile-summary').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('reconcile-row').count()).toBeGreaterThan(0);
    const first = page.getByTestId('reconcile-row').first();
    expect(await first.getAttribute('data-status')).toBe('open');
    expect(await first.evaluate((element) => element.className)).toContain('discrepancy-row');
    const totalText = (await page.getByTestId('reconcile-total').textContent()) ?? '';
    expect(totalText).toMatch(/^共 \d+ 条$/);
    await screenshot(page, '12-reconcile-grid');
  });

  it('a row opens the mall document, the raw bill line and the ledger entries side by side; resolving needs a note', async () => {
    const first = page.getByTestId('reconcile-row').first();
    await first.click();
    const detail = page.getByTestId('reconcile-detail');
    await expect.poll(() => detail.count()).toBe(1);
    expect(await detail.textContent()).toContain('商城单据');
    expect(await detail.textContent()).toContain('渠道账单原始行');
    expect(await detail.textContent()).toContain('账簿分录');
    await screenshot(page, '13-reconcile-detail');
    const resolveOne = page.locator('form#resolve-one');
    await resolveOne.getByRole('button', { name: '处理' }).click();
    await expect.poll(() => resolveOne.getByText('必填').isVisible()).toBe(true);
    const openBefore = Number(((await page.getByTestId('reconcile-total').textContent()) ?? '').replace(/\D/g, ''));
    await resolveOne.getByLabel('备注').fill('商城已补录该订单（e2e）');
    await resolveOne.getByRole('button', { name: '处理' }).click();
    await expect.poll(() => page.getByTestId('resolution').textContent()).toContain('admin');
    await expect.poll(async () => Number(((await page.getByTestId('reconcile-total').textContent()) ?? '').replace(/\D/g, ''))).toBe(openBefore - 1);
  });

  it('keyboard: arrows move, Space selects, and two rows are resolved in bulk', async () => {
    const openBefore = Number(((await page.getByTestId('reconcile-total').textContent()) ?? '').replace(/\D/g, ''));
    const grid = page.getByTestId('reconcile-grid');
    await grid.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('[data-testid="reconcile-row"][aria-selected="true"]').count()).toBe(2);
    const bulk = page.locator('form#resolve-bulk');
    await bulk.getByLabel('处理方式').click();
    await page.getByTitle('时间差').click();
    await bulk.getByLabel('备注').fill('跨日到账，次日账单已包含（e2e）');
    await screenshot(page, '14-reconcile-bulk');
    await bulk.getByRole('button', { name: '批量处理 2 条' }).click();
    await expect.poll(async () => Number(((await page.getByTestId('reconcile-total').textContent()) ?? '').replace(/\D/g, ''))).toBe(openBefore - 2);
  });

  it('keyboard: End, PageUp and the arrows move the active row (announced by aria-activedescendant); Enter opens it', async () => {
    const grid = page.getByTestId('reconcile-grid');
    const rows = page.getByTestId('reconcile-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(2);
    const active = () => grid.getAttribute('aria-activedescendant');
    await grid.focus();
    await page.keyboard.press('Home');
    const firstId = await rows.first().getAttribute('id');
    await expect.poll(active).toBe(firstId);
    await page.keyboard.press('End');
    const total = Number(((await page.getByTestId('reconcile-total').textContent()) ?? '').replace(/\D/g, ''));
    const lastRowIndex = String(Math.min(total, 200) + 1); // the header is row 1
    const last = grid.locator(`[role="row"][aria-rowindex="${lastRowIndex}"]`);
    await expect.poll(() => last.count()).toBe(1);
    const lastId = await last.getAttribute('id');
    await expect.poll(active).toBe(lastId);
    expect(await last.evaluate((element) => element.className)).toContain('grid-row-active');
    await page.keyboard.press('ArrowUp');
    await expect.poll(active).not.toBe(lastId);
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await expect.poll(active).not.toBe(lastId);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const secondId = await rows.nth(1).getAttribute('id');
    await expect.poll(active).toBe(secondId);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('reconcile-detail').count()).toBe(1);
    const orderNo = (await rows.nth(1).locator('[role="gridcell"]').nth(4).textContent()) ?? '';
    if (orderNo.trim()) await expect.poll(() => page.getByTestId('reconcile-detail').textContent()).toContain(orderNo.trim());
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(total + 1));
    expect(await grid.getAttribute('aria-multiselectable')).toBe('true');
  });

  it('accessibility: every control on the reconciliation screen has a name', async () => {
    expect(await unnamedControls(page, page.getByRole('main'))).toEqual([]);
  });

  it('the resolutions are in the audit log', async () => {
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'discrepancy.resolve' }).count()).toBe(3);
  });

  async function logInAs(userName: string, password: string) {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByLabel('用户名').fill(userName);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('header-user').textContent()).toContain(userName);
  }

  it('two-tier withdrawal review: operations approves tier 1, a different finance user approves tier 2', async () => {
    await page.getByRole('menuitem', { name: '设置' }).click();
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
    await page.getByRole('menuitem', { name: '提现审核' }).click();
    const rows = page.getByTestId('withdrawals-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const withdrawalNo = (await rows.first().locator('td').first().textContent()) ?? '';
    await rows.first().getByRole('button', { name: '审核' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await screenshot(page, '15-withdrawals-tier1');

    await logInAs('fin1', 'fin1-password-1');
    await page.getByRole('menuitem', { name: '提现审核' }).click();
    await page.getByRole('tab', { name: '待二审（财务）' }).click();
    const pending = page.getByTestId('withdrawals-table').locator('tbody tr.ant-table-row', { hasText: withdrawalNo });
    await expect.poll(() => pending.count()).toBe(1);
    expect(await pending.textContent()).toContain('ops1');
    await pending.getByRole('button', { name: '审核' }).click();
    const dialog = page.getByRole('dialog');
    if ((await dialog.getByTestId('identity-check').count()) > 0) await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: '通过' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('tab', { name: '全部' }).click();
    const done = page.getByTestId('withdrawals-table').locator('tbody tr.ant-table-row', { hasText: withdrawalNo });
    await expect.poll(() => done.textContent()).toContain('fin1');
    await screenshot(page, '16-withdrawals-tier2');
  });

  it('raised no page errors or console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
