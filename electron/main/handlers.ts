import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEMO_ADMIN_PASSWORD, DEMO_PASSPHRASE } from '../api';
import type {
  AccountLine,
  ApiResult,
  DistributorPayoutRoute,
  UnconfirmedPolicyInfo,
  AppInfo,
  Capability,
  MallConnectionInfo,
  PayoutMerchantInfo,
  SettlementSettingsResult,
  SealInfoResult,
  WorkspaceSettingsResult,
  HandlerName,
  HandlerResult,
  LedgerEntry,
  ProgressEvent,
  ReconciliationRow,
  RecentWorkspace,
  SessionState,
  SessionUser,
  WorkspaceSummary,
} from '../api';
import { handlerNames } from '../api';
import { listAudit } from '../core/audit';
import { authenticate, createUser, listUsers, permissions, requirePermission, type Actor, type Permission } from '../core/auth';
import { addDays, isCalendarDate, nextMonth, shanghaiDate, shanghaiMonth, startOfShanghaiDay, type Clock } from '../core/calendar/shanghai';
import { LedgerdeskError, toErrorData, type ErrorData } from '../core/errors';
import { accountByCode } from '../core/ledger/accounts';
import { memberStatement, trialBalance, type TrialBalanceLine } from '../core/ledger/queries';
import { traceEntries, type StoredEntry } from '../core/ledger/read';
import { listReconciliationResults, reconciliationDetail, resolveDiscrepancies, type ReconciliationResult } from '../core/reconcile';
import { identityThresholdFen, IDENTITY_THRESHOLD_SETTING, listWithdrawals, memberHistory, reviewWithdrawal } from '../core/withdrawals';
import { acquireWorkspaceLock, createWorkspace, openWorkspace, readSecret, readSetting, writeSetting, type Workspace, type WorkspaceLock } from '../core/workspace';
import { appendAudit } from '../core/audit/audit-log';
import { closeFigures, monthStatus, reopenMonth } from '../core/close';
import { listCommissionBasis, payoutMinimumFen, PAYOUT_MINIMUM_SETTING, readCycleConfig, readDistributorPayoutRoutes, setDistributorPayoutRoute, settlementCycle, writeCycleConfig } from '../core/commissions';
import { listOutbox, listRejectedRecords, MALL_TOKEN_SECRET, MALL_URL_SETTING, saveMallConnection } from '../core/mall/sync';
import {
  CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX,
  flushPendingMallWrites,
  listPayouts,
  readCancelUnconfirmedAfterMinutes,
  MERCHANT_PRIVATE_KEY_SECRET,
  readWechatPayoutSettings,
  saveWechatPayoutConfig,
  TRANSFER_AMOUNT_MIN_FEN,
  writeCancelUnconfirmedAfterMinutes,
} from '../core/payouts';
import { closeThreshold, feeRate, writeReconcileSettings } from '../core/reconcile';
import { discrepancySummary, monthlyOverview } from '../core/reports';
import { sealInfo, type SealSummary } from '../core/exports/workspace-seal';
import { ipcSchemas, type ParsedArgs } from './ipc-schemas';
import { closeBlockers, closeFiguresInfo, payoutRowOf } from './result-shapes';
import { createHash, createPublicKey } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import type { TaskInputs, TaskName, TaskOutputs, TaskRunner } from './tasks';

/**
 * The IPC handlers, free of Electron: each one validates its argument (zod), calls core and
 * returns plain data. The Electron shell registers them with ipcMain; the end-to-end tests serve
 * the same handlers over a loopback HTTP bridge, so the UI is tested against this exact code.
 */

/** Remembers workspace passphrases in the OS key store (Electron safeStorage); null where there is none. */
export interface PassphraseMemory {
  remember(path: string, passphrase: string): void;
  recall(path: string): string | null;
  forget(path: string): boolean;
  has(path: string): boolean;
}

export interface RecentWorkspaceStore {
  list(): Omit<RecentWorkspace, 'passphraseRemembered'>[];
  touch(entry: Omit<RecentWorkspace, 'passphraseRemembered'>): void;
}

export interface ShellServices {
  appVersion: string;
  clock: Clock;
  suggestedWorkspacePath: string;
  /** Where the demo workspace and its channel files are written (replaced on each demo run). */
  demoDirectory: string;
  passphraseMemory: PassphraseMemory | null;
  recentWorkspaces: RecentWorkspaceStore;
  /** A native file dialog; absent in the test bridge. */
  chooseWorkspacePath?: (mode: 'create' | 'open') => Promise<string | null>;
  /** Native folder and file pickers; absent in the test bridge (paths are typed in there). */
  chooseDirectory?: () => Promise<string | null>;
  chooseFiles?: (purpose: 'import' | 'seal') => Promise<string[] | null>;
  /**
   * Native save / open dialog for a workspace backup; absent in the test bridge. Where present,
   * backup and restore accept only a path it returned (the renderer cannot name other files).
   */
  chooseBackupPath?: (mode: 'save' | 'open', suggestedName: string) => Promise<string | null>;
  /**
   * Native open dialog for a bank / Alipay payout results sheet; absent in the test bridge. Where
   * present, importPayoutResults accepts only a path it returned.
   */
  choosePayoutResultsFile?: () => Promise<string | null>;
  taskRunner: TaskRunner;
  emitProgress(event: ProgressEvent): void;
}

/** Which engines this build wires to the UI. Update as core capabilities land. */
export const buildCapabilities: Record<Capability, boolean> = {
  ledger: true,
  audit: true,
  users: true,
  verify: true,
  demo: true,
  sync: true,
  import: true,
  reconcile: true,
  withdrawals: true,
  payouts: true,
  close: true,
  reports: true,
  auditPackage: true,
};

interface OpenSession {
  workspace: Workspace;
  passphrase: string;
  actor: Actor | null;
  /** The workspace file's lock: a second app (or a CLI writer) is refused while we hold it. */
  lock: WorkspaceLock;
}

type Implementation<K extends HandlerName> = (args: ParsedArgs<K>) => HandlerResult<K> | Promise<HandlerResult<K>>;

export interface HandlerSession {
  dispatch(name: string, rawArgs: unknown): Promise<ApiResult<unknown>>;
  /** Closes the open workspace (app quit, window closed). */
  close(): void;
}

function summaryOf(workspace: Workspace): WorkspaceSummary {
  const info = workspace.info();
  return { path: info.path, companyName: info.companyName, booksStart: info.booksStart, createdAt: info.createdAt };
}

function userOf(actor: Actor): SessionUser {
  const granted = (Object.keys(permissions) as Permission[]).filter((permission) => (permissions[permission] as readonly string[]).includes(actor.role));
  return { userName: actor.userName, role: actor.role, permissions: granted };
}

function accountLineOf(line: TrialBalanceLine): AccountLine {
  return {
    accountCode: line.accountCode,
    accountName: line.accountName,
    accountNameZh: line.accountNameZh,
    kind: line.kind,
    debitFen: line.debitFen,
    creditFen: line.creditFen,
    balanceFen: line.balanceFen,
  };
}

function entryOf(entry: StoredEntry, entryNoById: Map<number, string>): LedgerEntry {
  return {
    entryNo: entry.entryNo,
    entryType: entry.entryType,
    occurredAt: entry.occurredAt,
    postedAt: entry.postedAt,
    period: entry.period,
    source: { resource: entry.source.resource, id: entry.source.id, no: entry.source.no ?? null, version: entry.source.version ?? null },
    reversesEntryNo: entry.reversesEntryId === null ? null : (entryNoById.get(entry.reversesEntryId) ?? `#${entry.reversesEntryId}`),
    reversedByEntryNo: entry.reversedByEntryNo,
    memo: entry.memo,
    createdBy: entry.createdBy,
    postings: entry.postings.map((posting) => {
      const account = accountByCode(posting.accountCode);
      return {
        lineNo: posting.lineNo,
        accountCode: posting.accountCode,
        accountName: account?.name ?? posting.accountCode,
        accountNameZh: account?.nameZh ?? posting.accountCode,
        partyId: posting.partyId,
        debitFen: posting.debitFen,
        creditFen: posting.creditFen,
      };
    }),
    pointsMovements: entry.pointsMovements.map((movement) => ({ memberId: movement.memberId, changePoints: movement.changePoints, movementKind: movement.movementKind })),
  };
}

function reconciliationRowOf(result: ReconciliationResult): ReconciliationRow {
  return {
    id: result.id,
    kind: result.kind,
    channel: result.channel,
    status: result.status,
    category: result.category,
    orderNo: result.orderNo,
    refundNo: result.refundNo,
    channelTradeNo: result.channelTradeNo,
    mallAmountFen: result.mallAmountFen,
    channelAmountFen: result.channelAmountFen,
    differenceFen: result.differenceFen,
    expectedFeeFen: result.expectedFeeFen,
    channelFeeFen: result.channelFeeFen,
    businessDate: result.businessDate,
    assignedTo: result.assignedTo,
    resolution: result.resolution,
    resolutionNote: result.resolutionNote,
    resolvedBy: result.resolvedBy,
    resolvedAt: result.resolvedAt,
    adjustmentEntryNo: result.adjustmentEntryNo,
  };
}

function sealInfoResult(summary: SealSummary | null): SealInfoResult {
  return { seal: summary ? { ...summary } : null };
}

function mallConnectionInfo(workspace: Workspace): MallConnectionInfo {
  return {
    url: readSetting<string | null>(workspace.sqlite, MALL_URL_SETTING, null),
    tokenStored: readSecret(workspace.sqlite, workspace.secrets, MALL_TOKEN_SECRET) !== null,
  };
}

function lastSyncAt(sqlite: Workspace['sqlite']): string | null {
  return (sqlite.prepare(`SELECT max(updated_at) AS at FROM mall_checkpoints`).get() as { at: string | null }).at;
}

function workspaceSettingsOf(sqlite: Workspace['sqlite']): WorkspaceSettingsResult {
  return {
    feeRates: { wechat: feeRate(sqlite, 'wechat').text, alipay: feeRate(sqlite, 'alipay').text },
    closeThreshold: closeThreshold(sqlite).text,
    identityThresholdFen: identityThresholdFen(sqlite),
  };
}

/** SHA-256 of a key's SubjectPublicKeyInfo DER as 'ab:cd:...': what the user compares with the merchant platform. */
function publicKeyFingerprint(keyPem: string): string | null {
  try {
    const der = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
  } catch {
    return null;
  }
}

function payoutMerchantInfo(workspace: Workspace): PayoutMerchantInfo {
  const settings = readWechatPayoutSettings(workspace);
  // The private key stays in main: only the fingerprint of its public half leaves.
  const privateKeyPem = readSecret(workspace.sqlite, workspace.secrets, MERCHANT_PRIVATE_KEY_SECRET);
  return {
    configured: settings !== null,
    baseUrl: settings?.baseUrl ?? null,
    mchid: settings?.mchid ?? null,
    appid: settings?.appid ?? null,
    serialNo: settings?.serialNo ?? null,
    api: settings?.api ?? null,
    platformSerial: settings?.platformSerial ?? null,
    platformKeyFingerprintSha256: settings ? publicKeyFingerprint(settings.platformPublicKeyPem) : null,
    merchantKeyStored: privateKeyPem !== null,
    merchantKeyFingerprintSha256: privateKeyPem ? publicKeyFingerprint(privateKeyPem) : null,
  };
}

function distributorPayoutRoutesOf(sqlite: Workspace['sqlite']): { items: DistributorPayoutRoute[] } {
  const items = [...readDistributorPayoutRoutes(sqlite)].map(([distributorId, route]) => ({ distributorId, route }));
  return { items: items.sort((a, b) => a.distributorId.localeCompare(b.distributorId)) };
}

function unconfirmedPolicyOf(sqlite: Workspace['sqlite']): UnconfirmedPolicyInfo {
  return { cancelAfterMinutes: readCancelUnconfirmedAfterMinutes(sqlite), maximumMinutes: CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX };
}

function settlementSettingsOf(sqlite: Workspace['sqlite'], now: Date): SettlementSettingsResult {
  const cycle = readCycleConfig(sqlite);
  const latest = settlementCycle(cycle, now);
  // Without a cycle end the core always answers; a refusal here is our bug.
  if (!latest.ok) throw new Error(latest.error);
  return {
    cycle: cycle.period === 'weekly' ? { period: 'weekly', weekday: cycle.weekday } : { period: 'monthly' },
    minimumPayoutFen: payoutMinimumFen(sqlite),
    channelMinimumFen: TRANSFER_AMOUNT_MIN_FEN,
    latestCycle: { start: latest.value.start, end: latest.value.end },
  };
}

/** 'YYYY-MM-DD' inclusive end date -> the exclusive instant after it. */
function endOfShanghaiDay(date: string): string {
  return startOfShanghaiDay(addDays(date, 1));
}

function zodMessage(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** What crosses the bridge on failure: code and message only (details may hold non-plain data). */
function plainError(error: unknown): ErrorData {
  const data = toErrorData(error);
  return { code: data.code, message: data.message };
}

export function createHandlerSession(services: ShellServices): HandlerSession {
  let session: OpenSession | null = null;
  let taskSequence = 0;
  /** Paths the native backup dialog returned, by dialog kind, each usable once (see ShellServices.chooseBackupPath). */
  const grantedBackupPaths = { save: new Set<string>(), open: new Set<string>() };
  /** Results sheets the native dialog returned, each usable once (see ShellServices.choosePayoutResultsFile). */
  const grantedResultsPaths = new Set<string>();

  /** In a shell with a dialog, the renderer may only use a path the dialog gave it for this purpose. */
  function checkBackupPathGranted(path: string, mode: 'save' | 'open'): string {
    const resolved = resolvePath(path);
    if (!services.chooseBackupPath) return resolved;
    if (!grantedBackupPaths[mode].delete(resolved)) throw new LedgerdeskError('forbidden', 'choose the backup file with the dialog');
    return resolved;
  }

  function taskBase(open: OpenSession, actor: Actor): { path: string; passphrase: string; actor: Actor; now: string } {
    return { path: open.workspace.path, passphrase: open.passphrase, actor: { userName: actor.userName, role: actor.role }, now: services.clock.now().toISOString() };
  }

  function requireWorkspace(): OpenSession {
    if (!session) throw new LedgerdeskError('usage', 'no workspace is open');
    return session;
  }

  function requireActor(permission: Permission): { open: OpenSession; actor: Actor } {
    const open = requireWorkspace();
    if (!open.actor) throw new LedgerdeskError('authentication_failed', 'log in first');
    requirePermission(open.actor, permission);
    return { open, actor: open.actor };
  }

  function sessionState(): SessionState {
    return { workspace: session ? summaryOf(session.workspace) : null, user: session?.actor ? userOf(session.actor) : null };
  }

  function closeCurrent(): void {
    session?.workspace.close();
    session?.lock.release();
    session = null;
  }

  function adopt(workspace: Workspace, passphrase: string, remember: boolean | undefined): WorkspaceSummary {
    closeCurrent();
    let lock: WorkspaceLock;
    try {
      lock = acquireWorkspaceLock(workspace.path, services.clock.now());
    } catch (error) {
      workspace.close();
      throw error;
    }
    session = { workspace, passphrase, actor: null, lock };
    const summary = summaryOf(workspace);
    services.recentWorkspaces.touch({ path: summary.path, companyName: summary.companyName, lastOpenedAt: services.clock.now().toISOString() });
    if (remember && services.passphraseMemory) services.passphraseMemory.remember(summary.path, passphrase);
    return summary;
  }

  async function runTask<K extends TaskName>(name: K, input: TaskInputs[K]): Promise<TaskOutputs[K]> {
    taskSequence += 1;
    const taskId = `${name}-${taskSequence}`;
    try {
      return await services.taskRunner.run(name, input, (label, done, total) => services.emitProgress({ taskId, label, done, total, finished: false }));
    } finally {
      services.emitProgress({ taskId, label: name, done: 1, total: 1, finished: true });
    }
  }

  function recentWorkspaces(): RecentWorkspace[] {
    return services.recentWorkspaces.list().map((entry) => ({ ...entry, passphraseRemembered: services.passphraseMemory?.has(entry.path) ?? false }));
  }

  const implementations: { [K in HandlerName]: Implementation<K> } = {
    appInfo(): AppInfo {
      return {
        version: services.appVersion,
        capabilities: { ...buildCapabilities },
        recentWorkspaces: recentWorkspaces(),
        passphraseMemoryAvailable: services.passphraseMemory !== null,
        fileDialogAvailable: services.chooseWorkspacePath !== undefined,
        suggestedWorkspacePath: services.suggestedWorkspacePath,
        today: shanghaiDate(services.clock.now()),
      };
    },

    async chooseWorkspacePath(args) {
      if (!services.chooseWorkspacePath) throw new LedgerdeskError('usage', 'this shell has no file dialog: type the path');
      return { path: await services.chooseWorkspacePath(args.mode) };
    },

    createWorkspace(args) {
      if (existsSync(args.path)) throw new LedgerdeskError('workspace_exists', `${args.path} already exists: open it instead`);
      mkdirSync(dirname(args.path), { recursive: true });
      const workspace = createWorkspace({
        path: args.path,
        passphrase: args.passphrase,
        companyName: args.companyName,
        adminName: args.adminName,
        adminPassword: args.adminPassword,
        booksStartDate: args.booksStartDate,
        clock: services.clock,
      });
      return adopt(workspace, args.passphrase, args.rememberPassphrase);
    },

    openWorkspace(args) {
      const passphrase = args.passphrase ?? services.passphraseMemory?.recall(args.path) ?? null;
      if (passphrase === null) throw new LedgerdeskError('wrong_passphrase', 'enter the workspace passphrase (none is remembered for this file)');
      if (!existsSync(args.path)) throw new LedgerdeskError('workspace_not_found', `no workspace at ${args.path}`);
      const workspace = openWorkspace({ path: args.path, passphrase, clock: services.clock });
      return adopt(workspace, passphrase, args.rememberPassphrase);
    },

    closeWorkspace() {
      closeCurrent();
      return sessionState();
    },

    forgetPassphrase(args) {
      return { forgotten: services.passphraseMemory?.forget(args.path) ?? false };
    },

    login(args) {
      const open = requireWorkspace();
      const actor = authenticate(open.workspace.sqlite, args.userName, args.password, services.clock.now());
      open.actor = actor;
      return userOf(actor);
    },

    logout() {
      if (session) session.actor = null;
      return sessionState();
    },

    session() {
      return sessionState();
    },

    dashboard(args) {
      const { open } = requireActor('ledger.read');
      const sqlite = open.workspace.sqlite;
      const month = args.month ?? shanghaiMonth(services.clock.now());
      const monthStart = startOfShanghaiDay(`${month}-01`);
      const monthEnd = startOfShanghaiDay(`${nextMonth(month)}-01`);
      const before = trialBalance(sqlite, monthStart);
      const through = trialBalance(sqlite, monthEnd);
      const beforeByCode = new Map(before.lines.map((line) => [line.accountCode, line]));
      // The month's movement is the difference of two cumulative trial balances.
      const monthLines = through.lines
        .map((line) => {
          const earlier = beforeByCode.get(line.accountCode);
          return accountLineOf({
            ...line,
            debitFen: (line.debitFen - (earlier?.debitFen ?? 0)) as TrialBalanceLine['debitFen'],
            creditFen: (line.creditFen - (earlier?.creditFen ?? 0)) as TrialBalanceLine['creditFen'],
            balanceFen: (line.balanceFen - (earlier?.balanceFen ?? 0)) as TrialBalanceLine['balanceFen'],
          });
        })
        .filter((line) => line.debitFen !== 0 || line.creditFen !== 0);
      const all = trialBalance(sqlite, null);
      const discrepancies = discrepancySummary(sqlite, `${month}-01`, `${nextMonth(month)}-01`);
      const withdrawals = listWithdrawals(sqlite, {});
      const outbox = sqlite.prepare(`SELECT coalesce(sum(state = 'pending'), 0) AS pending, coalesce(sum(state = 'failed'), 0) AS failed FROM mall_outbox`).get() as { pending: number; failed: number };
      const rejectedCount = (sqlite.prepare(`SELECT count(*) AS n FROM mall_rejected_records`).get() as { n: number }).n;
      return {
        openDiscrepancies: discrepancies.available ? discrepancies.openCount : null,
        pendingWithdrawals: {
          tier1: withdrawals.filter((item) => item.status === 'submitted').length,
          tier2: withdrawals.filter((item) => item.status === 'tier1_approved').length,
        },
        sync: { lastSyncAt: lastSyncAt(sqlite), rejectedCount, outboxPending: outbox.pending, outboxFailed: outbox.failed, connected: mallConnectionInfo(open.workspace).url !== null },
        monthStatus: monthStatus(sqlite, month).status,
        workspace: summaryOf(open.workspace),
        month,
        monthLines,
        monthDebitTotalFen: through.debitTotalFen - before.debitTotalFen,
        monthCreditTotalFen: through.creditTotalFen - before.creditTotalFen,
        balances: all.lines.map(accountLineOf),
        capabilities: { ...buildCapabilities },
      };
    },

    ledgerFind(args) {
      const { open } = requireActor('ledger.read');
      const entries = traceEntries(open.workspace.sqlite, args.text);
      const entryNoById = new Map(entries.map((entry) => [entry.id, entry.entryNo]));
      return { text: args.text.trim(), entries: entries.map((entry) => entryOf(entry, entryNoById)) };
    },

    trialBalance(args) {
      const { open } = requireActor('ledger.read');
      const asOfDate = args.asOfDate ?? null;
      if (asOfDate !== null && !isCalendarDate(asOfDate)) throw new LedgerdeskError('invalid_input', `${asOfDate} is not a date`);
      const result = trialBalance(open.workspace.sqlite, asOfDate === null ? null : endOfShanghaiDay(asOfDate));
      return { asOfDate, lines: result.lines.map(accountLineOf), debitTotalFen: result.debitTotalFen, creditTotalFen: result.creditTotalFen };
    },

    memberStatement(args) {
      const { open } = requireActor('ledger.read');
      if (!isCalendarDate(args.fromDate) || !isCalendarDate(args.toDate)) throw new LedgerdeskError('invalid_input', 'from and to must be calendar dates');
      if (args.toDate < args.fromDate) throw new LedgerdeskError('invalid_input', 'the end date is before the start date');
      const statement = memberStatement(open.workspace.sqlite, args.memberId.trim(), args.subLedger, startOfShanghaiDay(args.fromDate), endOfShanghaiDay(args.toDate));
      return {
        memberId: statement.memberId,
        subLedger: statement.subLedger,
        unit: statement.unit,
        fromDate: args.fromDate,
        toDate: args.toDate,
        opening: statement.opening,
        lines: statement.lines.map((line) => ({ ...line, source: { ...line.source } })),
        closing: statement.closing,
      };
    },

    listAudit(args) {
      const { open } = requireActor('ledger.read');
      const rows = listAudit(open.workspace.sqlite, {
        userName: args.userName?.trim() || undefined,
        objectType: args.objectType?.trim() || undefined,
        objectId: args.objectId?.trim() || undefined,
        // Stored instants are UTC ISO strings, so Shanghai day bounds are converted the same way.
        from: args.fromDate ? new Date(startOfShanghaiDay(args.fromDate)).toISOString() : undefined,
        to: args.toDate ? new Date(endOfShanghaiDay(args.toDate)).toISOString() : undefined,
        limit: args.limit,
      });
      return {
        items: rows.map((row) => ({ id: row.id, at: row.at, userName: row.userName, action: row.action, objectType: row.objectType, objectId: row.objectId, detail: row.detail, hash: row.hash })),
      };
    },

    listUsers() {
      const { open } = requireActor('ledger.read');
      return { items: listUsers(open.workspace.sqlite) };
    },

    addUser(args) {
      const { open, actor } = requireActor('users.manage');
      const now = services.clock.now();
      createUser(open.workspace.sqlite, { name: args.name.trim(), role: args.role, password: args.password }, actor.userName, now);
      const created = listUsers(open.workspace.sqlite).find((user) => user.name === args.name.trim());
      if (!created) throw new Error(`user ${args.name} vanished after creation`);
      return created;
    },

    async verifyWorkspace() {
      const { open } = requireActor('ledger.read');
      return runTask('verify', { path: open.workspace.path, passphrase: open.passphrase });
    },

    async openDemo() {
      // The demo replaces its own folder: close it first if it is the open workspace.
      closeCurrent();
      const demo = await runTask('demo', { outDirectory: services.demoDirectory, passphrase: DEMO_PASSPHRASE, adminPassword: DEMO_ADMIN_PASSWORD });
      const workspace = openWorkspace({ path: demo.workspacePath, passphrase: DEMO_PASSPHRASE, clock: services.clock });
      return { workspace: adopt(workspace, DEMO_PASSPHRASE, false), steps: demo.steps, ok: demo.ok };
    },

    async reconcileRun(args) {
      const { open, actor } = requireActor('reconcile.run');
      return runTask('reconcile', {
        path: open.workspace.path,
        passphrase: open.passphrase,
        actor: { userName: actor.userName, role: actor.role },
        now: services.clock.now().toISOString(),
        fromDate: args.fromDate,
        toDate: args.toDate,
      });
    },

    reconciliationPage(args) {
      const { open } = requireActor('ledger.read');
      const page = listReconciliationResults(open.workspace.sqlite, {
        page: args.page,
        pageSize: args.pageSize,
        sort: args.sort,
        filters: args.filters ? { ...args.filters, search: args.filters.search?.trim() || undefined } : undefined,
      });
      return { total: page.total, page: page.page, pageSize: page.pageSize, rows: page.rows.map(reconciliationRowOf) };
    },

    reconciliationDetail(args) {
      const { open } = requireActor('ledger.read');
      const detail = reconciliationDetail(open.workspace.sqlite, args.id);
      if (!detail) throw new LedgerdeskError('not_found', `no reconciliation result ${args.id}`);
      const entryNoById = new Map(detail.entries.map((entry) => [entry.id, entry.entryNo]));
      return {
        result: reconciliationRowOf(detail.result),
        mallDocument: detail.mallDocument,
        channelRows: detail.channelRows.map((row) => ({ ...row })),
        entries: detail.entries.map((entry) => entryOf(entry, entryNoById)),
        comments: detail.comments.map((comment) => ({ ...comment })),
      };
    },

    resolveDiscrepancies(args) {
      const { open, actor } = requireActor('discrepancy.review');
      const items = resolveDiscrepancies(open.workspace, actor, args.ids, { resolution: args.resolution, note: args.note });
      return { items: items.map((item) => ({ id: item.id, resolution: item.resolution, adjustmentEntryNo: item.adjustmentEntryNo })) };
    },

    withdrawalsList(args) {
      const { open } = requireActor('ledger.read');
      const sqlite = open.workspace.sqlite;
      const items = listWithdrawals(sqlite, { status: args.status }).map((item) => ({
        withdrawalNo: item.withdrawalNo,
        memberId: item.memberId,
        source: item.source,
        amountFen: item.amountFen,
        feeFen: item.feeFen,
        netFen: item.netFen,
        method: item.method,
        realName: item.realName,
        submittedAt: item.submittedAt,
        status: item.status,
        tier1By: item.tier1By,
        tier2By: item.tier2By,
        rejectReason: item.rejectReason,
      }));
      return { items, identityThresholdFen: identityThresholdFen(sqlite) };
    },

    withdrawalMemberHistory(args) {
      const { open } = requireActor('ledger.read');
      const history = memberHistory(open.workspace.sqlite, args.memberId);
      return {
        memberId: history.memberId,
        commissionCount: history.commissionCount,
        commissionTotalFen: history.commissionTotalFen,
        commissionPaidCount: history.commissionPaidCount,
        commissionFlaggedCount: history.commissionFlaggedCount,
        commissionCancelledCount: history.commissionCancelledCount,
        withdrawals: history.withdrawals.map((withdrawal) => ({ ...withdrawal })),
      };
    },

    async withdrawalReview(args) {
      const { open, actor } = requireActor('ledger.read');
      // core decides the tier from the role and enforces permissions and segregation of duties
      const result = reviewWithdrawal(open.workspace, actor, { withdrawalNo: args.withdrawalNo, decision: args.decision, confirmIdentity: args.confirmIdentity, note: args.note ?? null });
      // The decision goes back to the mall now when it can; otherwise it waits in the outbox (Sync screen).
      await flushPendingMallWrites(open.workspace);
      return { withdrawalNo: result.withdrawalNo, status: result.status, tier: result.tier, outBillNo: result.outBillNo };
    },

    mallConnection() {
      const { open } = requireActor('ledger.read');
      return mallConnectionInfo(open.workspace);
    },

    saveMallConnection(args) {
      const { open, actor } = requireActor('sync.run');
      saveMallConnection(open.workspace, { url: args.url, token: args.token }, actor.userName);
      return mallConnectionInfo(open.workspace);
    },

    async syncRun() {
      const { open, actor } = requireActor('sync.run');
      return runTask('sync', { path: open.workspace.path, passphrase: open.passphrase, actor: { userName: actor.userName, role: actor.role }, now: services.clock.now().toISOString() });
    },

    syncStatus() {
      const { open } = requireActor('ledger.read');
      const sqlite = open.workspace.sqlite;
      return {
        connection: mallConnectionInfo(open.workspace),
        lastSyncAt: lastSyncAt(sqlite),
        documentCount: (sqlite.prepare(`SELECT count(*) AS n FROM mall_documents`).get() as { n: number }).n,
        rejected: listRejectedRecords(sqlite, 500).map((row) => ({ ...row })),
        outbox: listOutbox(sqlite).map((item) => ({
          id: item.id,
          kind: item.kind,
          path: item.path,
          state: item.state,
          attempts: item.attempts,
          nextAttemptAt: item.nextAttemptAt,
          lastError: item.lastError,
          responseStatus: item.responseStatus,
        })),
      };
    },

    async outboxFlush() {
      const { open } = requireActor('sync.run');
      return flushPendingMallWrites(open.workspace);
    },

    async importFiles(args) {
      const { open, actor } = requireActor('import.run');
      return runTask('import', {
        path: open.workspace.path,
        passphrase: open.passphrase,
        actor: { userName: actor.userName, role: actor.role },
        now: services.clock.now().toISOString(),
        files: args.paths,
      });
    },

    commissionsList(args) {
      const { open } = requireActor('ledger.read');
      const rows = listCommissionBasis(open.workspace.sqlite, { flaggedOnly: args.flaggedOnly, distributorId: args.distributorId?.trim() || undefined });
      const filtered = args.settlementNo ? rows.filter((row) => row.payout?.settlementNo === args.settlementNo) : rows;
      return {
        items: filtered.map((row) => ({
          commissionId: row.commissionId,
          distributorId: row.distributorId,
          orderNo: row.orderNo,
          lineId: row.lineId,
          level: row.level,
          basisFen: row.basisFen,
          rate: row.rate,
          mallAmountFen: row.mallAmountFen,
          computedAmountFen: row.computedAmountFen,
          differenceFen: row.differenceFen,
          flagged: row.flagged,
          flagReason: row.flagReason,
          status: row.status,
          settleableAt: row.settleableAt,
          payout: row.payout ? { ...row.payout } : null,
        })),
      };
    },

    async settlementRun(args) {
      const { open, actor } = requireActor('settlement.run');
      return runTask('settlement', { ...taskBase(open, actor), cycleEnd: args.cycleEnd, route: args.route });
    },

    payoutsList(args) {
      const { open } = requireActor('ledger.read');
      return { items: listPayouts(open.workspace.sqlite, args.settlementNo ? { settlementNo: args.settlementNo } : {}).map(payoutRowOf) };
    },

    async payoutsAct(args) {
      const { open, actor } = requireActor('settlement.run');
      // Signing, HTTP with retries and the bookings run in a worker; the window keeps answering.
      return runTask('payouts', { ...taskBase(open, actor), action: args.action, settlementNo: args.settlementNo });
    },

    async choosePayoutResultsFile() {
      if (!services.choosePayoutResultsFile) throw new LedgerdeskError('usage', 'this shell has no file dialog: type the path');
      requireActor('settlement.run');
      const chosen = await services.choosePayoutResultsFile();
      if (chosen === null) return { path: null };
      const resolved = resolvePath(chosen);
      grantedResultsPaths.add(resolved);
      return { path: resolved };
    },

    async importPayoutResults(args) {
      const { open, actor } = requireActor('settlement.run');
      const resultsFile = resolvePath(args.path);
      // In a shell with a dialog, the renderer may only name a file the dialog gave it.
      if (services.choosePayoutResultsFile && !grantedResultsPaths.delete(resultsFile)) throw new LedgerdeskError('forbidden', 'choose the results file with the dialog');
      if (!existsSync(resultsFile)) throw new LedgerdeskError('not_found', `no results file at ${resultsFile}`);
      return runTask('payoutResults', { ...taskBase(open, actor), resultsFile });
    },

    distributorPayoutRoutes() {
      const { open } = requireActor('ledger.read');
      return distributorPayoutRoutesOf(open.workspace.sqlite);
    },

    setDistributorPayoutRoute(args) {
      const { open, actor } = requireActor('settlement.run');
      setDistributorPayoutRoute(open.workspace, actor, args.distributorId, args.route);
      return distributorPayoutRoutesOf(open.workspace.sqlite);
    },

    unconfirmedPolicy() {
      const { open } = requireActor('ledger.read');
      return unconfirmedPolicyOf(open.workspace.sqlite);
    },

    saveUnconfirmedPolicy(args) {
      const { open, actor } = requireActor('settings.change');
      writeCancelUnconfirmedAfterMinutes(open.workspace, actor, args.cancelAfterMinutes);
      return unconfirmedPolicyOf(open.workspace.sqlite);
    },

    closeCheck(args) {
      const { open } = requireActor('ledger.read');
      const sqlite = open.workspace.sqlite;
      const figures = closeFiguresInfo(closeFigures(sqlite, args.month));
      return { status: { ...monthStatus(sqlite, args.month) }, figures, blockers: closeBlockers(sqlite, figures) };
    },

    async closeMonth(args) {
      const { open, actor } = requireActor('period.close');
      // Closing reconciles the whole books again first: a worker does it (tasks.ts closeTask);
      // a refusal comes back as an answer with its figures, not as a failure of the call.
      return runTask('close', { ...taskBase(open, actor), month: args.month });
    },

    reopenMonth(args) {
      const { open, actor } = requireActor('ledger.read');
      // core allows finance only and requires the reason
      return { ...reopenMonth(open.workspace, actor, args.month, args.reason) };
    },

    monthlyOverview(args) {
      const { open } = requireActor('ledger.read');
      const overview = monthlyOverview(open.workspace, args.month);
      const discrepancies = overview.discrepancies;
      return {
        month: overview.month,
        revenueFen: overview.revenueFen,
        returnsFen: overview.returnsFen,
        refundsPaidFen: overview.refundsPaidFen,
        channelFeesFen: overview.channelFeesFen,
        commissionExpenseFen: overview.commissionExpenseFen,
        commissionPayoutsFen: overview.commissionPayoutsFen,
        pointsCostFen: overview.pointsCostFen,
        storedValueBonusFen: overview.storedValueBonusFen,
        otherIncomeFen: overview.otherIncomeFen,
        costOfGoodsFen: overview.costOfGoodsFen,
        netProfitFen: overview.netProfitFen,
        storedValue: {
          openingFen: overview.storedValue.openingFen,
          topUpsFen: overview.storedValue.topUpsFen,
          consumptionFen: overview.storedValue.consumptionFen,
          refundedFen: overview.storedValue.refundedFen,
          closingFen: overview.storedValue.closingFen,
        },
        netProfitSeries: overview.netProfitSeries.map((point) => ({ ...point })),
        gmv: {
          days: overview.gmv.days.map((day) => ({ date: day.date, booksGmvFen: day.booksGmvFen, mallGmvFen: day.mallGmvFen, differenceFen: day.differenceFen })),
          booksGmvFen: overview.gmv.booksGmvFen,
          mallGmvFen: overview.gmv.mallGmvFen,
          differenceFen: overview.gmv.differenceFen,
          daysWithDifference: overview.gmv.daysWithDifference,
          matches: overview.gmv.matches,
        },
        discrepancies: discrepancies.available
          ? {
              available: true,
              openCount: discrepancies.openCount,
              resolvedCount: discrepancies.resolvedCount,
              openDifferenceFen: discrepancies.openDifferenceFen,
              discrepancyRate: discrepancies.discrepancyRate,
              byCategory: discrepancies.byCategory.map((entry) => ({ ...entry })),
            }
          : { available: false },
      };
    },

    async chooseDirectory() {
      if (!services.chooseDirectory) throw new LedgerdeskError('usage', 'this shell has no folder dialog: type the path');
      return { path: await services.chooseDirectory() };
    },

    async chooseFiles(args) {
      if (!services.chooseFiles) throw new LedgerdeskError('usage', 'this shell has no file dialog: type the paths');
      return { paths: await services.chooseFiles(args.purpose) };
    },

    async exportMonth(args) {
      const { open, actor } = requireActor('report.export');
      const result = await runTask('export', {
        path: open.workspace.path,
        passphrase: open.passphrase,
        actor: { userName: actor.userName, role: actor.role },
        now: services.clock.now().toISOString(),
        month: args.month,
        kind: args.kind,
        directory: args.directory,
      });
      // core audits the audit package itself (audit.export); the workbook and the PDF are audited here.
      if (args.kind !== 'auditPackage') appendAudit(
        open.workspace.sqlite,
        { userName: actor.userName, action: 'report.export', objectType: 'period', objectId: args.month, detail: { kind: args.kind, files: result.files.map((file) => ({ path: file.path, sha256: file.sha256 })) } },
        services.clock.now(),
      );
      return result;
    },

    async verifyAuditPackage(args) {
      requireActor('ledger.read');
      return runTask('verifyPackage', { directory: args.directory });
    },

    sealInfo() {
      const { open } = requireActor('ledger.read');
      return sealInfoResult(sealInfo(open.workspace));
    },

    async sealCreateTrial(args) {
      const { open, actor } = requireActor('ledger.read');
      return runTask('sealTrial', { ...taskBase(open, actor), companyName: open.workspace.info().companyName, validDays: args.validDays });
    },

    async sealImport(args) {
      const { open, actor } = requireActor('ledger.read');
      return runTask('sealImport', { ...taskBase(open, actor), p12File: args.path, password: args.password });
    },

    workspaceSettings() {
      const { open } = requireActor('ledger.read');
      return workspaceSettingsOf(open.workspace.sqlite);
    },

    saveWorkspaceSettings(args) {
      const { open, actor } = requireActor('settings.change');
      const sqlite = open.workspace.sqlite;
      const now = services.clock.now();
      sqlite.transaction(() => {
        if (args.feeRates || args.closeThreshold !== undefined) writeReconcileSettings(sqlite, actor, { feeRates: args.feeRates, closeThreshold: args.closeThreshold }, now);
        if (args.identityThresholdFen !== undefined) {
          writeSetting(sqlite, IDENTITY_THRESHOLD_SETTING, args.identityThresholdFen, actor.userName, now);
          appendAudit(sqlite, { userName: actor.userName, action: 'settings.change', objectType: 'settings', objectId: 'withdrawals', detail: { [IDENTITY_THRESHOLD_SETTING]: args.identityThresholdFen } }, now);
        }
      })();
      return workspaceSettingsOf(sqlite);
    },

    payoutMerchantConfig() {
      const { open } = requireActor('ledger.read');
      return payoutMerchantInfo(open.workspace);
    },

    savePayoutMerchantConfig(args) {
      const { open, actor } = requireActor('settings.change');
      const workspace = open.workspace;
      const stored = readWechatPayoutSettings(workspace);
      // Leaving a key field empty keeps what is stored, so a URL change needs no key file again.
      const merchantPrivateKeyPem = args.merchantPrivateKeyPem ?? readSecret(workspace.sqlite, workspace.secrets, MERCHANT_PRIVATE_KEY_SECRET);
      if (!merchantPrivateKeyPem) throw new LedgerdeskError('invalid_input', 'the merchant private key (apiclient_key.pem) is required');
      const platformKeyPem = args.platformKeyPem ?? stored?.platformPublicKeyPem;
      if (!platformKeyPem) throw new LedgerdeskError('invalid_input', 'the platform public key or certificate is required');
      const platformSerial = args.platformSerial ?? (args.platformKeyPem === undefined ? stored?.platformSerial : undefined);
      saveWechatPayoutConfig(workspace, actor.userName, {
        baseUrl: args.baseUrl,
        mchid: args.mchid,
        appid: args.appid,
        serialNo: args.serialNo,
        api: args.api,
        merchantPrivateKeyPem,
        platformKeyPem,
        platformSerial,
        transferSceneId: stored?.transferSceneId,
        sceneReportInfos: stored?.sceneReportInfos,
      });
      return payoutMerchantInfo(workspace);
    },

    settlementSettings() {
      const { open } = requireActor('ledger.read');
      return settlementSettingsOf(open.workspace.sqlite, services.clock.now());
    },

    saveSettlementSettings(args) {
      const { open, actor } = requireActor('settings.change');
      const sqlite = open.workspace.sqlite;
      const now = services.clock.now();
      if (args.minimumPayoutFen !== undefined && args.minimumPayoutFen < TRANSFER_AMOUNT_MIN_FEN) {
        throw new LedgerdeskError('invalid_input', `the minimum payout cannot be below the channel's minimum transfer of ${TRANSFER_AMOUNT_MIN_FEN} fen`);
      }
      sqlite.transaction(() => {
        if (args.cycle) writeCycleConfig(sqlite, args.cycle, actor.userName, now);
        if (args.minimumPayoutFen !== undefined) writeSetting(sqlite, PAYOUT_MINIMUM_SETTING, args.minimumPayoutFen, actor.userName, now);
        appendAudit(sqlite, { userName: actor.userName, action: 'settings.change', objectType: 'settings', objectId: 'settlement', detail: { cycle: args.cycle ?? null, minimumPayoutFen: args.minimumPayoutFen ?? null } }, now);
      })();
      return settlementSettingsOf(sqlite, now);
    },

    async chooseBackupPath(args) {
      if (!services.chooseBackupPath) throw new LedgerdeskError('usage', 'this shell has no file dialog: type the path');
      requireWorkspace();
      const suggestedName = `workspace-${shanghaiDate(services.clock.now()).replace(/-/g, '')}.ldbak`;
      const chosen = await services.chooseBackupPath(args.mode, suggestedName);
      if (chosen === null) return { path: null };
      const resolved = resolvePath(chosen);
      grantedBackupPaths[args.mode].add(resolved);
      return { path: resolved };
    },

    async backupWorkspace(args) {
      const { open, actor } = requireActor('backup.run');
      const outFile = checkBackupPathGranted(args.path, 'save');
      if (!existsSync(dirname(outFile))) throw new LedgerdeskError('not_found', `the folder ${dirname(outFile)} does not exist`);
      return runTask('backup', { ...taskBase(open, actor), outFile });
    },

    async restoreWorkspace(args) {
      const { open, actor } = requireActor('backup.restore');
      const backupFile = checkBackupPathGranted(args.path, 'open');
      const { path, passphrase } = { path: open.workspace.path, passphrase: open.passphrase };
      if (backupFile === resolvePath(path)) throw new LedgerdeskError('invalid_input', 'the backup and the open workspace are the same file');
      // The restore replaces the file: our connection and lock go first, and the workspace is
      // opened again afterwards whatever happened (restored, or untouched after a refusal).
      closeCurrent();
      const reopen = () => adopt(openWorkspace({ path, passphrase, clock: services.clock }), passphrase, false);
      let restored: TaskOutputs['restore'];
      try {
        restored = await runTask('restore', { path, passphrase, now: services.clock.now().toISOString(), backupFile, userName: actor.userName, password: args.password });
      } catch (error) {
        // Refused before anything was replaced: the same file, the same user, still logged in.
        reopen();
        if (session) session.actor = actor;
        throw error;
      }
      // A restored workspace has the backup's users: whoever continues logs in again.
      reopen();
      return { ...restored, session: sessionState() };
    },
  };

  return {
    async dispatch(name, rawArgs) {
      if (!(handlerNames as readonly string[]).includes(name)) {
        return { ok: false, error: { code: 'usage', message: `unknown handler "${name}"` } };
      }
      const handlerName = name as HandlerName;
      const parsed = ipcSchemas[handlerName].safeParse(rawArgs ?? {});
      if (!parsed.success) {
        return { ok: false, error: { code: 'invalid_input', message: `${handlerName}: ${zodMessage(parsed.error.issues)}` } };
      }
      try {
        const implementation = implementations[handlerName] as Implementation<HandlerName>;
        const value = await implementation(parsed.data as ParsedArgs<HandlerName>);
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error: plainError(error) };
      }
    },
    close() {
      closeCurrent();
    },
  };
}
