import Decimal from 'decimal.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Actor } from '../auth';
import { createUser } from '../auth';
import { closeMonth } from '../close';
import { runSettlement } from '../commissions';
import { LedgerdeskError } from '../errors';
import { exportAuditPackage } from '../exports/audit-export';
import { verifyAuditPackage } from '../exports/audit-package';
import { renderMonthPdf } from '../exports/month-pdf';
import { writeMonthWorkbook } from '../exports/month-workbook';
import { createTrialSeal } from '../exports/workspace-seal';
import { fen, formatFenForDisplay } from '../money';
import { createConfiguredPayoutChannels, flushPendingMallWrites, listPayouts, pollPayouts, saveWechatPayoutConfig, submitPayouts } from '../payouts';
import { startWechatPaySimulator } from '../payouts/wechat/simulator';
import { wechatPayTestKeys } from '../payouts/wechat/test-keys';
import { listDiscrepancies, resolveDiscrepancies, runReconciliation, type DiscrepancyCategory, type Resolution } from '../reconcile';
import { monthlyOverview } from '../reports';
import { listWithdrawals, reviewWithdrawal } from '../withdrawals';
import type { Workspace } from '../workspace';
import type { DemoStepResult } from './run-demo';

export interface DemoActors {
  admin: Actor;
  clerk: Actor;
  operations: Actor;
  finance: Actor;
}

type Record = (result: DemoStepResult) => void;

/** The demo's people: two-person review needs an operations and a finance user besides the admin. */
export function createDemoUsers(workspace: Workspace, password: string): DemoActors {
  const now = workspace.clock.now();
  const clerk = createUser(workspace.sqlite, { name: 'clerk', role: 'clerk', password }, 'admin', now);
  const operations = createUser(workspace.sqlite, { name: 'ops', role: 'operations', password }, 'admin', now);
  const finance = createUser(workspace.sqlite, { name: 'finance', role: 'finance', password }, 'admin', now);
  return { admin: { userName: 'admin', role: 'admin' }, clerk, operations, finance };
}

/** A ratio such as "0.00116828" as "0.1168%" (decimal.js, half-up to four places). */
function percentText(rate: string): string {
  return `${new Decimal(rate).times(100).toFixed(4, Decimal.ROUND_HALF_UP)}%`;
}

export function reconcileStep(workspace: Workspace, actors: DemoActors, expectedInjected: number, record: Record): void {
  const summary = runReconciliation(workspace, actors.clerk);
  const categories = Object.entries(summary.byCategory)
    .filter(([, count]) => count > 0)
    .map(([category, count]) => `${category} ${count}`)
    .join(', ');
  record({
    step: 'reconcile',
    ok: summary.openDiscrepancies === expectedInjected,
    summary: `${summary.matched} matched, ${summary.pending} pending, ${summary.openDiscrepancies} discrepancies flagged red (${categories}); ${expectedInjected} were injected; discrepancy rate ${percentText(summary.discrepancyRate)}`,
    figures: { matched: summary.matched, pending: summary.pending, open: summary.openDiscrepancies, by_category: summary.byCategory },
  });
}

export function closeBlockedStep(workspace: Workspace, actors: DemoActors, month: string, record: Record): void {
  try {
    closeMonth(workspace, actors.finance, month);
    record({ step: 'close_check', ok: false, summary: `${month} closed although discrepancies were open` });
  } catch (error) {
    if (!(error instanceof LedgerdeskError) || error.code !== 'close_blocked') throw error;
    record({ step: 'close_check', ok: true, summary: `close of ${month} refused as it should be: ${error.message}` });
  }
}

/** How a reviewer would settle each kind of difference in the demo data. */
const demoResolution: { [category in DiscrepancyCategory]: Resolution } = {
  missing_in_channel: 'channel_corrected',
  missing_in_mall: 'mall_corrected',
  amount_mismatch: 'write_off',
  duplicate_in_channel: 'channel_corrected',
  status_mismatch: 'mall_corrected',
  refund_missing_in_channel: 'channel_corrected',
  refund_missing_in_mall: 'mall_corrected',
  refund_amount_mismatch: 'write_off',
  fee_mismatch: 'write_off',
};

export function reviewStep(workspace: Workspace, actors: DemoActors, record: Record): void {
  const open = listDiscrepancies(workspace.sqlite, { status: 'open' });
  let adjustments = 0;
  for (const category of Object.keys(demoResolution) as DiscrepancyCategory[]) {
    const ids = open.filter((item) => item.category === category).map((item) => item.id);
    if (ids.length === 0) continue;
    const resolved = resolveDiscrepancies(workspace, actors.finance, ids, {
      resolution: demoResolution[category],
      note: `演示：${category} 已核对（demo review）`,
    });
    adjustments += resolved.filter((item) => item.adjustmentEntryNo).length;
  }
  const left = listDiscrepancies(workspace.sqlite, { status: 'open' }).length;
  record({
    step: 'review',
    ok: left === 0,
    summary: `finance reviewed ${open.length} discrepancies (${adjustments} write-offs posted as adjustment entries); ${left} left open`,
  });
}

export async function withdrawalsStep(workspace: Workspace, actors: DemoActors, record: Record): Promise<void> {
  const submitted = listWithdrawals(workspace.sqlite, { status: 'submitted' });
  let approved = 0;
  let rejected = 0;
  let identityConfirmed = 0;
  for (const [index, withdrawal] of submitted.entries()) {
    // One in four is turned down at the first tier, to show the money going back.
    const decision = index % 4 === 3 ? 'reject' : 'approve';
    reviewWithdrawal(workspace, actors.operations, { withdrawalNo: withdrawal.withdrawalNo, decision, note: decision === 'reject' ? '演示：资料不全' : '演示：一审通过' });
    if (decision === 'reject') {
      rejected += 1;
      continue;
    }
    const large = withdrawal.amountFen >= 1_000_000;
    reviewWithdrawal(workspace, actors.finance, { withdrawalNo: withdrawal.withdrawalNo, decision: 'approve', confirmIdentity: large, note: '演示：二审通过' });
    approved += 1;
    if (large) identityConfirmed += 1;
  }
  const writeBack = await flushPendingMallWrites(workspace);
  record({
    step: 'withdrawals',
    ok: true,
    summary: `${submitted.length} withdrawals reviewed in two tiers (operations, then finance): ${approved} approved (${identityConfirmed} at or above ¥10,000 with the payee's real name confirmed), ${rejected} rejected; decisions written back to the mall (${JSON.stringify(writeBack)})`,
  });
}

export async function settlementStep(workspace: Workspace, actors: DemoActors, record: Record): Promise<void> {
  const keys = wechatPayTestKeys();
  const simulator = await startWechatPaySimulator({
    port: 0,
    merchant: { mchid: keys.merchant.mchid, merchantPublicKeyPem: keys.merchant.publicKeyPem, serial: keys.merchant.serialNo },
    platformPrivateKeyPem: keys.platform.privateKeyPem,
    platformSerial: keys.platform.serial,
    // WeChat Pay signs with real timestamps (checked within 5 minutes), whatever the books' clock says.
  });
  try {
    saveWechatPayoutConfig(workspace, actors.admin.userName, {
      baseUrl: simulator.url,
      mchid: keys.merchant.mchid,
      appid: 'wx8888888888888888',
      serialNo: keys.merchant.serialNo,
      api: 'transfer-bills',
      merchantPrivateKeyPem: keys.merchant.privateKeyPem,
      platformKeyPem: keys.platform.publicKeyPem,
      platformSerial: keys.platform.serial,
    });
    simulator.setBehaviour({ outcome: 'success', queriesBeforeOutcome: 0 });
    const settlement = runSettlement(workspace, actors.finance);
    const channels = createConfiguredPayoutChannels(workspace, { exportDirectory: join(workspace.path, '..', 'payout-exports') });
    await submitPayouts(workspace, actors.finance.userName, channels);
    await pollPayouts(workspace, actors.finance.userName, channels);
    await flushPendingMallWrites(workspace);
    const allPayouts = listPayouts(workspace.sqlite, {});
    const total = settlement.payouts.reduce((sum, payout) => sum + payout.amountFen, 0);
    const states = new Map<string, number>();
    for (const payout of allPayouts) states.set(payout.state, (states.get(payout.state) ?? 0) + 1);
    record({
      step: 'settlement',
      ok: true,
      summary: `settlement ${settlement.settlementNo} (${settlement.cycle.start}..${settlement.cycle.end}): ${settlement.payouts.length} payouts, ${formatFenForDisplay(fen(total))}, ${settlement.carriedOver.length} distributors carried over under the minimum, ${settlement.held.length} commissions held; commission and withdrawal payouts sent signed to the WeChat Pay simulator (other methods exported to a file): ${[...states].map(([state, count]) => `${state} ${count}`).join(', ')}`,
    });
  } finally {
    await simulator.close();
  }
}

export function closeStep(workspace: Workspace, actors: DemoActors, month: string, record: Record): void {
  const result = closeMonth(workspace, actors.finance, month);
  record({
    step: 'close',
    ok: result.closed,
    summary: `${month} closed by finance: discrepancy rate ${percentText(result.discrepancyRate)} (threshold ${percentText(result.threshold)}), GMV difference ${formatFenForDisplay(result.gmvDifferenceFen)}; the month is locked`,
  });
}

export async function reportStep(workspace: Workspace, month: string, outDirectory: string, record: Record): Promise<void> {
  const overview = monthlyOverview(workspace, month);
  const now = workspace.clock.now();
  const workbookPath = join(outDirectory, `月报-${month}.xlsx`);
  const pdfPath = join(outDirectory, `月报-${month}.pdf`);
  await writeMonthWorkbook(workspace, month, workbookPath, { createdAt: now });
  const { pdf } = await renderMonthPdf(workspace, month, { generatedAt: now });
  await writeFile(pdfPath, pdf);
  record({
    step: 'report',
    ok: true,
    summary: `${month}: revenue ${formatFenForDisplay(overview.revenueFen)}, returns ${formatFenForDisplay(overview.returnsFen)}, channel fees ${formatFenForDisplay(overview.channelFeesFen)}, commission ${formatFenForDisplay(overview.commissionExpenseFen)}, points ${formatFenForDisplay(overview.pointsCostFen)}, net profit ${formatFenForDisplay(overview.netProfitFen)}; wrote ${workbookPath} and ${pdfPath}`,
  });
}

export async function auditPackageStep(workspace: Workspace, actors: DemoActors, month: string, lastDay: string, outDirectory: string, record: Record): Promise<void> {
  const seal = createTrialSeal(workspace, workspace.info().companyName, actors.admin);
  const directory = join(outDirectory, `audit-package-${month}`);
  // The package folder must start empty; a previous demo's package is ours to replace.
  rmSync(directory, { recursive: true, force: true });
  const exported = await exportAuditPackage(workspace, actors.admin, { from: `${month}-01`, to: lastDay, outDir: directory });
  const check = await verifyAuditPackage(directory);
  record({
    step: 'audit_package',
    ok: check.ok,
    summary: `sealed audit package in ${directory}: ${exported.files.filter((file) => file.signed).length} signed PDFs + Excel + manifest, seal "${seal.subject}"; re-verified: ${check.ok ? 'hashes and signatures intact' : 'FAILED'}`,
  });
}
