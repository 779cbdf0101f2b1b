import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult, HandlerName, HandlerResult } from '../api';
import { fixedClock } from '../core/calendar/shanghai';
import { DEMO_NOW } from '../core/demo';
import { generateMallDataset, startDemoMall, writeDemoChannelFiles, type DemoMall } from '../core/mall/demo';
import { createHandlerSession, type HandlerSession } from './handlers';
import { memoryRecentWorkspaceStore } from './stores';
import { inProcessTaskRunner } from './tasks';

/**
 * The month-end handlers in order on a fresh workspace and a small demo mall: connect, sync,
 * import, reconcile, a blocked close, resolve, close, seal, export and verify the audit package.
 */
const PASSPHRASE = 'correct horse battery staple';
const ADMIN_PASSWORD = 'admin-password-1';
const TOKEN = 'month-end-token';

describe('month-end handlers (sync -> import -> close -> audit package)', () => {
  let directory: string;
  let handlers: HandlerSession;
  let mall: DemoMall;
  let files: string[];

  async function ok<K extends HandlerName>(name: K, args: unknown): Promise<HandlerResult<K>> {
    const result = (await handlers.dispatch(name, args)) as ApiResult<HandlerResult<K>>;
    if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
    return result.value;
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-month-end-'));
    const dataset = generateMallDataset({ seed: 20261, month: '2026-10', orderCount: 300 });
    mall = await startDemoMall({ dataset, port: 0, token: TOKEN });
    files = writeDemoChannelFiles(dataset, join(directory, 'files')).files;
    handlers = createHandlerSession({
      appVersion: 'test',
      clock: fixedClock(DEMO_NOW),
      suggestedWorkspacePath: join(directory, 'books.ldw'),
      demoDirectory: join(directory, 'demo'),
      passphraseMemory: null,
      recentWorkspaces: memoryRecentWorkspaceStore(),
      taskRunner: inProcessTaskRunner,
      emitProgress: () => undefined,
    });
    await ok('createWorkspace', { path: join(directory, 'books.ldw'), passphrase: PASSPHRASE, companyName: '示例商城', adminName: 'admin', adminPassword: ADMIN_PASSWORD, booksStartDate: '2026-10-01' });
    await ok('login', { userName: 'admin', password: ADMIN_PASSWORD });
  });

  afterAll(async () => {
    handlers?.close();
    await mall?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('refuses to sync before a connection is stored, and never returns the token', async () => {
    const before = await handlers.dispatch('syncRun', {});
    expect(before.ok).toBe(false);
    expect(await handlers.dispatch('saveMallConnection', {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await handlers.dispatch('saveMallConnection', { url: 'ftp://mall' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const saved = await ok('saveMallConnection', { url: mall.url, token: TOKEN });
    expect(saved).toEqual({ url: mall.url, tokenStored: true });
    expect(JSON.stringify(await ok('syncStatus', {}))).not.toContain(TOKEN);
  });

  it('syncs, imports (a bad file rejected with its line), reconciles', async () => {
    const synced = await ok('syncRun', {});
    expect(synced.fetched.orders).toBe(300);
    expect(synced.entriesPosted).toBeGreaterThan(0);
    expect(synced.gmv?.ok).toBe(true);
    const status = await ok('syncStatus', {});
    expect(status.lastSyncAt).not.toBeNull();
    expect(status.documentCount).toBeGreaterThan(300);

    const imported = await ok('importFiles', { paths: [...files, join(directory, 'missing.csv')] });
    expect(imported.files.slice(0, files.length).every((file) => file.error === null && file.kind !== null)).toBe(true);
    expect(imported.files.at(-1)?.error).not.toBeNull();
    expect((await handlers.dispatch('importFiles', { paths: [] })).ok).toBe(false);

    const summary = await ok('reconcileRun', {});
    expect(summary.openDiscrepancies).toBeGreaterThan(0);
    const dashboard = await ok('dashboard', { month: '2026-10' });
    expect(dashboard.openDiscrepancies).toBe(summary.openDiscrepancies);
    expect(dashboard.sync.connected).toBe(true);
  });

  it('close is blocked by the discrepancy rate, then closes after the discrepancies are resolved', async () => {
    const check = await ok('closeCheck', { month: '2026-10' });
    expect(check.status.status).toBe('open');
    expect(check.blockers.map((blocker) => blocker.kind)).toContain('discrepancy_rate');
    const refused = await ok('closeMonth', { month: '2026-10' });
    expect(refused.closed).toBe(false);

    const page = await ok('reconciliationPage', { page: 1, pageSize: 1000, filters: { status: ['open'] } });
    await ok('resolveDiscrepancies', { ids: page.rows.map((row) => row.id), resolution: 'timing', note: 'reviewed with the channel' });
    const closed = await ok('closeMonth', { month: '2026-10' });
    expect(closed.closed).toBe(true);
    expect((await ok('closeCheck', { month: '2026-10' })).status.status).toBe('closed');
    // Reopening is finance's, with a reason.
    expect(await handlers.dispatch('reopenMonth', { month: '2026-10', reason: 'late bill' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handlers.dispatch('reopenMonth', { month: '2026-10', reason: '  ' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('the overview has six months of net profit and the GMV per day', async () => {
    const overview = await ok('monthlyOverview', { month: '2026-10' });
    expect(overview.netProfitSeries.map((point) => point.month)).toEqual(['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
    expect(overview.gmv.days).toHaveLength(31);
    expect(overview.gmv.matches).toBe(true);
  });

  it('the audit package needs a seal; with a trial seal it is written, signed and verifies', async () => {
    const out = join(directory, 'exports');
    expect(await handlers.dispatch('exportMonth', { month: '2026-10', kind: 'auditPackage', directory: out })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const seal = await ok('sealCreateTrial', { validDays: 365 });
    expect(seal.seal?.subject).toBe('示例商城');
    expect(seal.seal?.selfSigned).toBe(true);
    expect(seal.seal?.usableNow).toBe(true);
    const exported = await ok('exportMonth', { month: '2026-10', kind: 'auditPackage', directory: out });
    expect(exported.verified).toBe(true);
    const pdfs = exported.files.filter((file) => file.path.endsWith('.pdf'));
    expect(pdfs.length).toBe(3); // transactions, refunds, balance changes
    expect(exported.files).toHaveLength(8); // and their workbooks, the manifest and its signature
    expect(pdfs.every((file) => file.signed === true && /^[0-9a-f]{64}$/.test(file.sha256))).toBe(true);
    expect((await ok('verifyAuditPackage', { directory: exported.directory })).ok).toBe(true);
    const again = await handlers.dispatch('exportMonth', { month: '2026-10', kind: 'auditPackage', directory: out });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  }, 120_000);

  it('settings: rates and thresholds round-trip; bad rates are refused', async () => {
    const saved = await ok('saveWorkspaceSettings', { feeRates: { wechat: '0.0055' }, closeThreshold: '0.002', identityThresholdFen: 500_000 });
    expect(saved).toEqual({ feeRates: { wechat: '0.0055', alipay: '0.006' }, closeThreshold: '0.002', identityThresholdFen: 500_000 });
    expect((await handlers.dispatch('saveWorkspaceSettings', { closeThreshold: '0.1%' })).ok).toBe(false);
    expect((await handlers.dispatch('saveWorkspaceSettings', { identityThresholdFen: 1.5 })).ok).toBe(false);
  });

  it('settlement makes payouts per distributor with their commissions', async () => {
    const commissions = await ok('commissionsList', {});
    expect(commissions.items.length).toBeGreaterThan(0);
    const settled = await ok('settlementRun', {});
    expect(settled.settlementNo).toMatch(/^S\d{8}\d{2}$/);
    const payouts = await ok('payoutsList', { settlementNo: settled.settlementNo });
    expect(payouts.items).toHaveLength(settled.payouts.length);
    if (settled.payouts.length > 0) {
      const ofSettlement = await ok('commissionsList', { settlementNo: settled.settlementNo });
      expect(ofSettlement.items.length).toBe(settled.payouts.reduce((sum, payout) => sum + payout.commissionCount, 0));
    }
  });
});
