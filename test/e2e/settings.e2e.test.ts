import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../electron/core/calendar/shanghai';
import { unnamedControls } from './a11y';
import { startBridge, type Bridge } from './bridge-server';
import { chromiumAvailable, openTestBrowser, recordPageErrors, screenshot, type TestBrowser } from './browser';

/**
 * The settings screens added for payouts and safety, through the real UI on the real core: the
 * WeChat Pay merchant (the private key goes in once and only its fingerprint comes back), the
 * settlement cycle and minimum payout, backup to a file and restore from it.
 */
// A Thursday: the default weekly cycle (run on Monday) last covered 2026-10-05..2026-10-11.
const NOW = '2026-10-15T04:00:00.000Z';
const PASSPHRASE = 'settings passphrase 2026';
const ADMIN_PASSWORD = 'admin-password-1';
const COMPANY = '示例商城（设置）有限公司';

function fingerprintOf(keyPem: string): string {
  const der = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

describe.skipIf(!chromiumAvailable)('settings: payout merchant, settlement cycle, backup and restore (headless Chromium, loopback bridge)', () => {
  let directory: string;
  let bridge: Bridge;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const merchantPrivateKeyPem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const platformPublicKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-e2e-settings-'));
    bridge = await startBridge({ rendererDirectory: resolve('out/renderer'), clock: fixedClock(NOW), suggestedWorkspacePath: join(directory, 'books.ldw'), demoDirectory: join(directory, 'demo') });
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

  async function logIn(userName: string, password: string) {
    await page.getByLabel('用户名').fill(userName);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByTestId('header-user').textContent()).toContain(userName);
  }

  it('creates a workspace and opens the settings', async () => {
    await page.getByLabel('账套文件路径').fill(join(directory, 'books.ldw'));
    await page.getByLabel('公司名称').fill(COMPANY);
    await page.getByLabel('账套密码（加密口令）').fill(PASSPHRASE);
    await page.getByLabel('再次输入账套密码').fill(PASSPHRASE);
    await page.getByLabel('管理员登录密码').fill(ADMIN_PASSWORD);
    await page.getByLabel('建账日期（可选，默认本月 1 日）').fill('2026-10-01');
    await page.getByRole('button', { name: '创建账套' }).click();
    await expect.poll(() => page.getByTestId('login-company').textContent()).toBe(COMPANY);
    await logIn('admin', ADMIN_PASSWORD);
    await navigate('设置');
    await expect.poll(() => page.getByTestId('merchant-none').count()).toBe(1);
  });

  it('payout merchant: a bad merchant id is refused in plain words; the key is stored and only its fingerprint shown', async () => {
    const form = page.locator('form#payout-merchant');
    await form.getByLabel('商户号（mchid）').fill('abc123');
    await form.getByLabel('AppID').fill('wx8888888888888888');
    await form.getByLabel('商户 API 证书序列号').fill('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
    await form.getByLabel('商户 API 私钥（apiclient_key.pem）').fill(merchantPrivateKeyPem);
    await form.getByLabel('微信支付平台公钥或平台证书（PEM）').fill(platformPublicKeyPem);
    await form.getByLabel('平台证书序列号 / 公钥 ID').fill('PUB_KEY_ID_0119000001092026');
    await form.getByRole('button', { name: '保存商户配置' }).click();
    const card = page.getByTestId('merchant-card');
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('输入无效');
    expect(await card.getByRole('alert').textContent()).toContain('mchid');

    await form.getByLabel('商户号（mchid）').fill('1900000109');
    await form.getByRole('button', { name: '保存商户配置' }).click();
    await expect.poll(() => page.getByTestId('merchant-info').count()).toBe(1);
    const info = (await page.getByTestId('merchant-info').textContent()) ?? '';
    expect(info).toContain('1900000109');
    expect(info).toContain('已加密保存');
    expect(info).toContain('PUB_KEY_ID_0119000001092026');
    expect(info).toContain(fingerprintOf(platformPublicKeyPem));
    expect(await page.getByTestId('merchant-key-fingerprint').textContent()).toContain(fingerprintOf(merchantPrivateKeyPem));
    // The key text is gone from the form and appears nowhere in the page.
    expect(await form.getByLabel('商户 API 私钥（apiclient_key.pem）').inputValue()).toBe('');
    const html = await page.content();
    expect(html).not.toContain('PRIVATE KEY-----\n');
    expect(html).not.toContain(merchantPrivateKeyPem.split('\n')[1]);
    expect(await form.getByText('已加密保存一把私钥：留空则保留，填写则替换。').count()).toBe(1);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, '31-settings-merchant');
  });

  it('settlement cycle: weekly on Wednesday with a ¥50.00 minimum, then monthly; a minimum below the channel minimum is refused', async () => {
    const card = page.getByTestId('cycle-card');
    await expect.poll(() => page.getByTestId('cycle-info').textContent()).toContain('每周一结算上一周（7 天）');
    expect(await page.getByTestId('cycle-minimum').textContent()).toBe('¥0.10');
    expect(await page.getByTestId('cycle-latest').textContent()).toBe('2026-10-05 至 2026-10-11');
    const form = page.locator('form#settlement-settings');
    await form.getByLabel('结算日').click();
    await page.getByTitle('周三').click();
    await form.getByLabel('起付金额（元）').fill('0.05');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('起付金额须为金额（最多两位小数）且不低于 ¥0.10');
    await form.getByLabel('起付金额（元）').fill('50');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('cycle-minimum').textContent()).toBe('¥50.00');
    expect(await page.getByTestId('cycle-latest').textContent()).toBe('2026-10-07 至 2026-10-13');
    expect(await page.getByTestId('cycle-info').textContent()).toContain('每周三结算上一周（7 天）');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, '32-settings-cycle');
    await form.getByLabel('每月').check();
    await expect.poll(() => form.getByLabel('结算日').count()).toBe(0);
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByTestId('cycle-latest').textContent()).toBe('2026-09-01 至 2026-09-30');
    expect(await page.getByTestId('cycle-info').textContent()).toContain('每月结算上一个自然月');
  });

  it('backup: a relative path is refused; an absolute .ldbak path gets an encrypted copy with its SHA-256', async () => {
    const card = page.getByTestId('backup-card');
    await card.getByLabel('备份文件路径（.ldbak）').fill('books.ldbak');
    await card.getByRole('button', { name: '立即备份' }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('must be absolute');
    mkdirSync(join(directory, 'backups'));
    const backupFile = join(directory, 'backups', 'books-20261015.ldbak');
    await card.getByLabel('备份文件路径（.ldbak）').fill(backupFile);
    await card.getByRole('button', { name: '立即备份' }).click();
    await expect.poll(() => page.getByTestId('backup-result').count(), { timeout: 60_000 }).toBe(1);
    const sha256 = createHash('sha256').update(readFileSync(backupFile)).digest('hex');
    expect(await page.getByTestId('backup-sha256').textContent()).toBe(sha256);
    expect(await page.getByTestId('backup-result').textContent()).toContain(backupFile);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, '33-settings-backup');
  });

  it('restore: a wrong password is refused and nothing changes; then the backup replaces later changes and asks for a new login', async () => {
    const addForm = page.locator('form#add-user');
    await addForm.getByLabel('用户名').fill('after-backup');
    await addForm.getByLabel('初始密码').fill('after-backup-password-1');
    await addForm.getByRole('button', { name: '添加用户' }).click();
    await expect.poll(() => page.getByTestId('users-table').getByText('after-backup', { exact: true }).count()).toBe(1);

    const backupFile = join(directory, 'backups', 'books-20261015.ldbak');
    const card = page.getByTestId('backup-card');
    await card.getByLabel('要恢复的备份文件路径').fill(backupFile);
    await card.getByLabel('你的登录密码（按备份中的用户核对）').fill('not-the-password');
    await card.getByRole('button', { name: '恢复' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '恢复' }).click();
    // Refused before anything was replaced: the error in plain words, still logged in, nothing changed.
    await expect.poll(() => card.getByRole('alert').textContent(), { timeout: 60_000 }).toContain('用户名或密码错误');
    expect(await page.getByTestId('header-user').textContent()).toContain('admin');
    await navigate('总览');
    await navigate('设置');
    await expect.poll(() => page.getByTestId('users-table').getByText('after-backup', { exact: true }).count()).toBe(1);

    await card.getByLabel('要恢复的备份文件路径').fill(backupFile);
    await card.getByLabel('你的登录密码（按备份中的用户核对）').fill(ADMIN_PASSWORD);
    await card.getByRole('button', { name: '恢复' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('用备份替换当前账套？');
    await screenshot(page, '34-settings-restore-confirm');
    await dialog.getByRole('button', { name: '恢复' }).click();
    await expect.poll(() => page.getByTestId('login-company').textContent(), { timeout: 60_000 }).toBe(COMPANY);
    await logIn('admin', ADMIN_PASSWORD);
    await navigate('设置');
    await expect.poll(() => page.getByTestId('users-table').getByText('admin', { exact: true }).count()).toBe(1);
    expect(await page.getByTestId('users-table').getByText('after-backup', { exact: true }).count()).toBe(0);
    // The settings saved before the backup came back with it.
    await expect.poll(() => page.getByTestId('merchant-info').textContent()).toContain('1900000109');
    expect(await page.getByTestId('cycle-minimum').textContent()).toBe('¥50.00');
  });

  it('accessibility: every control of the settings screen has a name; English switches every new card', async () => {
    expect(await unnamedControls(page, page.getByRole('main'))).toEqual([]);
    // The check itself finds an unnamed control when there is one.
    await page.getByRole('main').evaluate((main) => main.insertAdjacentHTML('beforeend', '<input id="unnamed-probe">'));
    expect(await unnamedControls(page, page.getByRole('main'))).toEqual(['<input id="unnamed-probe">']);
    await page.locator('#unnamed-probe').evaluate((probe) => probe.remove());
    await page.getByText('English', { exact: true }).click();
    await expect.poll(() => page.getByText('WeChat Pay merchant (payouts)').isVisible()).toBe(true);
    expect(await page.getByText('Settlement cycle and minimum payout').count()).toBe(1);
    expect(await page.getByText('Backup and restore').count()).toBe(1);
    expect(await page.getByTestId('cycle-info').textContent()).toContain('Monthly, settling the previous calendar month');
    await page.getByTestId('merchant-card').scrollIntoViewIfNeeded();
    await screenshot(page, '35-settings-english');
    await page.getByText('中文', { exact: true }).click();
    await expect.poll(() => page.getByText('微信支付商户（打款）').isVisible()).toBe(true);
  });

  it('a clerk sees the settings but may change none of them', async () => {
    const addForm = page.locator('form#add-user');
    await addForm.getByLabel('用户名').fill('clerk1');
    await addForm.getByLabel('初始密码').fill('clerk-password-1');
    await addForm.getByRole('button', { name: '添加用户' }).click();
    await expect.poll(() => page.getByTestId('users-table').getByText('clerk1', { exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: '退出登录' }).click();
    await logIn('clerk1', 'clerk-password-1');
    await navigate('设置');
    await expect.poll(() => page.getByTestId('merchant-info').count()).toBe(1);
    expect(await page.locator('form#payout-merchant').count()).toBe(0);
    expect(await page.getByTestId('backup-card').textContent()).toContain('只有管理员和财务审核可以备份。');
    expect(await page.getByTestId('backup-card').textContent()).toContain('只有管理员可以恢复备份。');
    expect(await page.locator('form#settlement-settings').getByRole('button', { name: '保存' }).count()).toBe(0);
  });

  it('raised no page errors or console errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
