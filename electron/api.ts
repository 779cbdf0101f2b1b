/**
 * The contract between the renderer and the engine (DESIGN.md section 1).
 *
 * The renderer sees one object, `window.ledgerdesk: LedgerdeskApi`. Every method takes one plain
 * argument object and resolves to an `ApiResult`: `{ ok: true, value }` or
 * `{ ok: false, error: { code, message } }` with a code from the fixed set in
 * electron/core/errors.ts. Methods never reject for an expected failure; a rejection means the
 * bridge itself broke.
 *
 * Conventions for everything that crosses the bridge:
 * - Plain JSON data only (no Dates, no class instances, no functions).
 * - Amounts are integer fen (0.01 CNY) in fields named `...Fen`: safe integers, never floats.
 *   The renderer formats them with its own pure integer formatter (renderer/src/format.ts).
 * - Points are integer point counts in fields named `...Points` (or `unit: 'points'`).
 * - Instants are ISO 8601 strings; business dates are 'YYYY-MM-DD' in Asia/Shanghai and months
 *   'YYYY-MM'.
 *
 * Main validates every argument at run time with the zod schemas in electron/main/ipc-schemas.ts
 * (one per handler below); a bad argument comes back as error code 'invalid_input'.
 *
 * This file holds types and one constant list only: it is imported by the renderer (web tsconfig),
 * the preload and main, so it must stay free of Node and Electron imports.
 */
import type { ErrorCode } from './core/errors';

export type { ErrorCode };

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Integer fen. A type alias (not the core brand) because the renderer cannot import core. */
export type AmountFen = number;

export type Role = 'admin' | 'clerk' | 'operations' | 'finance' | 'auditor';
export const roleNames: readonly Role[] = ['admin', 'clerk', 'operations', 'finance', 'auditor'];

/**
 * Engines the UI can drive. A capability that is false is not in this build yet: its screen
 * says so and offers nothing that pretends to work.
 */
export type Capability = 'ledger' | 'audit' | 'users' | 'verify' | 'demo' | 'sync' | 'import' | 'reconcile' | 'withdrawals' | 'payouts' | 'close' | 'reports' | 'auditPackage';

export interface RecentWorkspace {
  path: string;
  companyName: string;
  lastOpenedAt: string;
  passphraseRemembered: boolean;
}

export interface AppInfo {
  version: string;
  capabilities: Record<Capability, boolean>;
  recentWorkspaces: RecentWorkspace[];
  /** Whether the shell can remember a passphrase with the OS key store (Electron safeStorage). */
  passphraseMemoryAvailable: boolean;
  /** Whether the shell can show a native file dialog (chooseWorkspacePath). */
  fileDialogAvailable: boolean;
  /** A suggested path for a new workspace. */
  suggestedWorkspacePath: string;
  /** Today in Asia/Shanghai by the app's clock ('YYYY-MM-DD'). */
  today: string;
}

export interface WorkspaceSummary {
  path: string;
  companyName: string;
  /** The instant the books start (RFC 3339, +08:00). */
  booksStart: string;
  createdAt: string;
}

export interface SessionUser {
  userName: string;
  role: Role;
  /** Permission names from core/auth roles (e.g. 'users.manage'): the UI hides what it may not do; core still checks. */
  permissions: string[];
}

export interface SessionState {
  workspace: WorkspaceSummary | null;
  user: SessionUser | null;
}

export interface AccountLine {
  accountCode: string;
  accountName: string;
  accountNameZh: string;
  kind: 'asset' | 'liability' | 'equity' | 'income' | 'contra_income' | 'expense';
  debitFen: AmountFen;
  creditFen: AmountFen;
  /** Signed by the account's normal side. */
  balanceFen: AmountFen;
}

export interface TrialBalanceResult {
  /** 'YYYY-MM-DD': totals over every entry before the end of that day (Asia/Shanghai); null = all entries. */
  asOfDate: string | null;
  lines: AccountLine[];
  debitTotalFen: AmountFen;
  creditTotalFen: AmountFen;
}

export interface DashboardResult {
  workspace: WorkspaceSummary;
  /** 'YYYY-MM' the figures cover. */
  month: string;
  /** Debit and credit movement per account within the month (accounts with movement only). */
  monthLines: AccountLine[];
  monthDebitTotalFen: AmountFen;
  monthCreditTotalFen: AmountFen;
  /** Balances of every account over all entries up to now. */
  balances: AccountLine[];
  capabilities: Record<Capability, boolean>;
  /** Open reconciliation discrepancies of the month; null before reconciliation has run. */
  openDiscrepancies: number | null;
  /** Withdrawals waiting for tier 1 (operations) and tier 2 (finance). */
  pendingWithdrawals: { tier1: number; tier2: number };
  sync: { lastSyncAt: string | null; rejectedCount: number; outboxPending: number; outboxFailed: number; connected: boolean };
  monthStatus: 'open' | 'closed';
}

export interface LedgerPosting {
  lineNo: number;
  accountCode: string;
  accountNameZh: string;
  accountName: string;
  partyId: string | null;
  debitFen: AmountFen;
  creditFen: AmountFen;
}

export interface LedgerEntry {
  entryNo: string;
  entryType: string;
  occurredAt: string;
  postedAt: string;
  period: string;
  source: { resource: string; id: string; no: string | null; version: number | null };
  reversesEntryNo: string | null;
  reversedByEntryNo: string | null;
  memo: string | null;
  createdBy: string;
  postings: LedgerPosting[];
  pointsMovements: { memberId: string; changePoints: number; movementKind: string }[];
}

export interface LedgerFindResult {
  text: string;
  entries: LedgerEntry[];
}

export type MemberSubLedger = 'stored_value' | 'balance' | 'commission' | 'points';
export const memberSubLedgers: readonly MemberSubLedger[] = ['stored_value', 'balance', 'commission', 'points'];

export interface MemberStatementResult {
  memberId: string;
  subLedger: MemberSubLedger;
  /** 'fen' for the money sub-ledgers, 'points' for points. */
  unit: 'fen' | 'points';
  fromDate: string;
  toDate: string;
  opening: number;
  lines: { entryNo: string; entryType: string; occurredAt: string; source: { resource: string; id: string; no: string | null }; change: number; runningBalance: number }[];
  closing: number;
}

export interface AuditItem {
  id: number;
  at: string;
  userName: string;
  action: string;
  objectType: string;
  objectId: string | null;
  detail: Record<string, unknown>;
  hash: string;
}

export interface UserItem {
  name: string;
  role: Role;
  createdAt: string;
  locked: boolean;
}

export interface VerifyResult {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** The demo workspace (DESIGN.md section 5): built from the embedded demo mall; its secrets are public on purpose. */
export const DEMO_PASSPHRASE = 'ledgerdesk-demo-2026';
export const DEMO_ADMIN_NAME = 'admin';
export const DEMO_ADMIN_PASSWORD = 'demo-admin-2026';

export interface DemoResult {
  workspace: WorkspaceSummary;
  steps: { step: string; ok: boolean; summary: string }[];
  ok: boolean;
}

export type DiscrepancyCategory =
  | 'missing_in_channel'
  | 'missing_in_mall'
  | 'amount_mismatch'
  | 'duplicate_in_channel'
  | 'status_mismatch'
  | 'refund_missing_in_channel'
  | 'refund_missing_in_mall'
  | 'refund_amount_mismatch'
  | 'fee_mismatch';
export const discrepancyCategoryNames: readonly DiscrepancyCategory[] = [
  'missing_in_channel',
  'missing_in_mall',
  'amount_mismatch',
  'duplicate_in_channel',
  'status_mismatch',
  'refund_missing_in_channel',
  'refund_missing_in_mall',
  'refund_amount_mismatch',
  'fee_mismatch',
];
export type ReconciliationStatus = 'matched' | 'pending' | 'open' | 'resolved';
export const reconciliationStatusNames: readonly ReconciliationStatus[] = ['matched', 'pending', 'open', 'resolved'];
export type Resolution = 'mall_corrected' | 'channel_corrected' | 'write_off' | 'timing';
export const resolutionNames: readonly Resolution[] = ['mall_corrected', 'channel_corrected', 'write_off', 'timing'];
export type ReconciliationSortColumn = 'business_date' | 'difference' | 'mall_amount' | 'channel_amount' | 'id';

export interface ReconcileSummaryResult {
  fromDate: string | null;
  toDate: string | null;
  matched: number;
  pending: number;
  openDiscrepancies: number;
  resolvedDiscrepancies: number;
  byCategory: Record<DiscrepancyCategory, number>;
  openDifferenceFen: AmountFen;
  channelPaymentFen: AmountFen;
  /** Decimal string ratio, e.g. "0.000123". */
  discrepancyRate: string;
}

export interface ReconciliationRow {
  id: number;
  kind: 'payment' | 'refund';
  channel: 'wechat' | 'alipay';
  status: ReconciliationStatus;
  category: DiscrepancyCategory | null;
  orderNo: string | null;
  refundNo: string | null;
  channelTradeNo: string | null;
  mallAmountFen: AmountFen | null;
  channelAmountFen: AmountFen | null;
  differenceFen: AmountFen;
  expectedFeeFen: AmountFen | null;
  channelFeeFen: AmountFen | null;
  businessDate: string;
  assignedTo: string | null;
  resolution: Resolution | null;
  resolutionNote: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  adjustmentEntryNo: string | null;
}

export interface ReconciliationPageArgs {
  /** 1-based. */
  page: number;
  pageSize: number;
  sort?: { column: ReconciliationSortColumn; direction: 'asc' | 'desc' };
  filters?: {
    dateFrom?: string;
    dateTo?: string;
    channel?: 'wechat' | 'alipay';
    category?: DiscrepancyCategory;
    status?: ReconciliationStatus[];
    /** Exact order, refund or channel trade number. */
    search?: string;
  };
}

export interface ReconciliationPage {
  total: number;
  page: number;
  pageSize: number;
  rows: ReconciliationRow[];
}

export interface ReconciliationDetailResult {
  result: ReconciliationRow;
  mallDocument: { resource: string; id: string; version: number; body: Record<string, unknown> } | null;
  channelRows: { id: number; fileName: string; lineNumber: number; rawLine: string; kind: string; amountFen: AmountFen; feeFen: AmountFen; occurredAt: string; businessDate: string }[];
  entries: LedgerEntry[];
  comments: { at: string; userName: string; text: string }[];
}

export type WithdrawalStatus = 'submitted' | 'tier1_approved' | 'approved' | 'rejected' | 'paid' | 'failed' | 'cancelled';
export const withdrawalStatusNames: readonly WithdrawalStatus[] = ['submitted', 'tier1_approved', 'approved', 'rejected', 'paid', 'failed', 'cancelled'];

export interface WithdrawalRow {
  withdrawalNo: string;
  memberId: string;
  source: 'balance' | 'commission';
  amountFen: AmountFen;
  feeFen: AmountFen;
  netFen: AmountFen;
  method: 'wechat' | 'alipay' | 'bank';
  realName: string | null;
  submittedAt: string;
  status: WithdrawalStatus;
  tier1By: string | null;
  tier2By: string | null;
  rejectReason: string | null;
}

export interface MemberHistoryResult {
  memberId: string;
  commissionCount: number;
  commissionTotalFen: AmountFen;
  commissionPaidCount: number;
  commissionFlaggedCount: number;
  commissionCancelledCount: number;
  withdrawals: { withdrawalNo: string; amountFen: AmountFen; status: string; submittedAt: string }[];
}

export interface GmvDayRow {
  date: string;
  booksGmvFen: AmountFen;
  /** Null when the mall sent no daily summary for the date. */
  mallGmvFen: AmountFen | null;
  differenceFen: AmountFen | null;
}

export interface MallConnectionInfo {
  url: string | null;
  /** The token itself never crosses the bridge; only whether one is stored (encrypted in the workspace). */
  tokenStored: boolean;
}

export type MallResource = 'members' | 'orders' | 'refunds' | 'topups' | 'points' | 'commissions' | 'withdrawals';

export interface SyncRunResult {
  fetched: Record<MallResource, number>;
  entriesPosted: number;
  rejected: { resource: string; id: string; reason: string }[];
  openingEntryNo: string | null;
  dailySummaries: number;
  /** From the books start to the last synced daily summary; null when the mall sent none. */
  gmv: { fromDate: string; toDate: string; ok: boolean; absoluteDifferenceFen: AmountFen; differingDays: GmvDayRow[] } | null;
}

export type OutboxState = 'pending' | 'sent' | 'failed';

export interface OutboxRow {
  id: number;
  kind: string;
  path: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  responseStatus: number | null;
}

export interface SyncStatusResult {
  connection: MallConnectionInfo;
  /** The latest checkpoint write of any resource; null before the first sync. */
  lastSyncAt: string | null;
  documentCount: number;
  rejected: { resource: string; recordId: string; version: number | null; reason: string; seenAt: string }[];
  outbox: OutboxRow[];
}

export interface ImportFileResult {
  file: string;
  kind: string | null;
  channel: string | null;
  rows: number;
  overlappingRows: number;
  skippedDuplicate: boolean;
  /** A rejected file: nothing from it was written. `line` is 1-based, null for a whole-file problem. */
  error: { file: string; line: number | null; reason: string } | null;
}

export interface CommissionRow {
  commissionId: string;
  distributorId: string;
  orderNo: string;
  lineId: string;
  level: number;
  basisFen: AmountFen | null;
  rate: string;
  mallAmountFen: AmountFen | null;
  computedAmountFen: AmountFen | null;
  differenceFen: AmountFen | null;
  flagged: boolean;
  flagReason: string | null;
  status: string;
  settleableAt: string | null;
  payout: { outBillNo: string; settlementNo: string; state: string; amountFen: AmountFen } | null;
}

export interface PayoutRow {
  outBillNo: string;
  kind: 'commission' | 'withdrawal';
  settlementNo: string;
  partyId: string;
  withdrawalId: string | null;
  amountFen: AmountFen;
  commissionCount: number;
  method: 'wechat' | 'alipay' | 'bank';
  state: string;
  channelRef: string | null;
  failureReason: string | null;
  attemptCount: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * How a settlement pays: 'wechat' through the API the merchant settings name, or explicitly through
 * WeChat transfer-bills / the legacy batches; 'bank' / 'alipay' through an Excel export paid by hand
 * and settled later by importing the results sheet (importPayoutResults). Same list as core's PAYOUT_ROUTES.
 */
export type PayoutRoute = 'wechat' | 'wechat-transfer-bills' | 'wechat-batches' | 'bank' | 'alipay';
export const payoutRouteNames: readonly PayoutRoute[] = ['wechat', 'wechat-transfer-bills', 'wechat-batches', 'bank', 'alipay'];

/** A distributor paid always through its own route, whatever each run's route. */
export interface DistributorPayoutRoute {
  distributorId: string;
  route: PayoutRoute;
}

/** The results sheet of a bank / Alipay export: all lines booked, or (one bad line) none and the errors. */
export interface PayoutResultsImportInfo {
  applied: { outBillNo: string; state: 'success' | 'failed' }[];
  errors: { file: string; line: number; reason: string }[];
}

/** Whether polling cancels WeChat transfers still unconfirmed N minutes after sending (null: off, WeChat expires them after 24 h). */
export interface UnconfirmedPolicyInfo {
  cancelAfterMinutes: number | null;
  /** The largest accepted value (a cancel must reach WeChat before its 24 h expiry). */
  maximumMinutes: number;
}

export interface SettlementRunResult {
  settlementNo: string;
  /** The run's route (a distributor's own route still wins for that distributor). */
  route: PayoutRoute;
  cycle: { start: string; end: string };
  payouts: PayoutRow[];
  carriedOver: { distributorId: string; amountFen: AmountFen; commissionCount: number }[];
  held: { commissionId: string; distributorId: string; reason: string }[];
  clawbacks: number;
}

export interface CloseFiguresInfo {
  month: string;
  discrepancyRate: string;
  threshold: string;
  openDiscrepancies: number;
  openDifferenceFen: AmountFen;
  channelPaymentFen: AmountFen;
  gmvDifferenceFen: AmountFen;
  gmvDaysDiffering: { date: string; booksGmvFen: AmountFen; mallGmvFen: AmountFen | null }[];
}

export interface MonthStatusInfo {
  month: string;
  status: 'open' | 'closed';
  closedAt: string | null;
  closedBy: string | null;
  reopenedAt: string | null;
  reopenedBy: string | null;
  reopenReason: string | null;
}

export interface CloseCheckResult {
  status: MonthStatusInfo;
  /** The figures as of the last reconciliation run (closing reconciles again first). */
  figures: CloseFiguresInfo;
  /** Why the close would be refused now, as figures (empty = it may close). */
  blockers: CloseBlocker[];
}

export type CloseBlocker =
  | { kind: 'discrepancy_rate'; rate: string; threshold: string; openDiscrepancies: number; openDifferenceFen: AmountFen; channelPaymentFen: AmountFen }
  | { kind: 'gmv'; days: number; differenceFen: AmountFen };

export type CloseMonthResult = { closed: true; figures: CloseFiguresInfo; status: MonthStatusInfo } | { closed: false; figures: CloseFiguresInfo; blockers: CloseBlocker[]; message: string };

export interface MonthlyOverviewResult {
  month: string;
  revenueFen: AmountFen;
  returnsFen: AmountFen;
  refundsPaidFen: AmountFen;
  channelFeesFen: AmountFen;
  commissionExpenseFen: AmountFen;
  commissionPayoutsFen: AmountFen;
  pointsCostFen: AmountFen;
  storedValueBonusFen: AmountFen;
  otherIncomeFen: AmountFen;
  costOfGoodsFen: AmountFen;
  netProfitFen: AmountFen;
  storedValue: { openingFen: AmountFen; topUpsFen: AmountFen; consumptionFen: AmountFen; refundedFen: AmountFen; closingFen: AmountFen };
  netProfitSeries: { month: string; netProfitFen: AmountFen }[];
  gmv: { days: GmvDayRow[]; booksGmvFen: AmountFen; mallGmvFen: AmountFen | null; differenceFen: AmountFen | null; daysWithDifference: number; matches: boolean };
  discrepancies:
    | { available: false }
    | { available: true; openCount: number; resolvedCount: number; openDifferenceFen: AmountFen; discrepancyRate: string; byCategory: { category: string; openCount: number }[] };
}

export type ExportKind = 'xlsx' | 'pdf' | 'auditPackage';

export interface ExportedFile {
  /** Absolute path. */
  path: string;
  bytes: number;
  sha256: string;
  /** True for a PDF carrying a valid seal signature (and the signed manifest); null where signing does not apply. */
  signed: boolean | null;
}

export interface ExportResult {
  kind: ExportKind;
  directory: string;
  files: ExportedFile[];
  /** Audit package only: the package re-verified right after writing. */
  verified: boolean | null;
}

export interface AuditPackageVerifyResult {
  ok: boolean;
  files: { path: string; ok: boolean; detail: string }[];
}

export interface SealInfoResult {
  /** Null when no seal certificate is stored. */
  seal: { subject: string; issuer: string; notBefore: string; notAfter: string; fingerprintSha256: string; selfSigned: boolean; usableNow: boolean } | null;
}

export interface WorkspaceSettingsResult {
  feeRates: { wechat: string; alipay: string };
  closeThreshold: string;
  identityThresholdFen: AmountFen;
}

export type PayoutApiKind = 'transfer-bills' | 'batches';

/**
 * The WeChat Pay merchant configuration for payouts. The merchant private key never crosses the
 * bridge back: only whether one is stored and the SHA-256 fingerprint of its public half.
 */
export interface PayoutMerchantInfo {
  configured: boolean;
  baseUrl: string | null;
  mchid: string | null;
  appid: string | null;
  /** Merchant API certificate serial. */
  serialNo: string | null;
  api: PayoutApiKind | null;
  /** Platform certificate serial or WeChat Pay public-key id. */
  platformSerial: string | null;
  /** SHA-256 of the platform public key (SubjectPublicKeyInfo DER), hex pairs joined by ':'. */
  platformKeyFingerprintSha256: string | null;
  merchantKeyStored: boolean;
  /** SHA-256 of the merchant key's public half (SubjectPublicKeyInfo DER). */
  merchantKeyFingerprintSha256: string | null;
}

export interface SavePayoutMerchantArgs {
  baseUrl: string;
  mchid: string;
  appid: string;
  serialNo: string;
  api: PayoutApiKind;
  /** PEM (apiclient_key.pem). Optional when a key is already stored: the stored one is kept. */
  merchantPrivateKeyPem?: string;
  /** PEM public key or X.509 certificate. Optional when already configured: the stored one is kept. */
  platformKeyPem?: string;
  /** Needed with a bare public key; taken from a certificate otherwise. */
  platformSerial?: string;
}

/** weekday: the run day, 1 = Monday ... 7 = Sunday; the cycle is the 7 days before it. Monthly: the previous calendar month. */
export type SettlementCycleInfo = { period: 'weekly'; weekday: number } | { period: 'monthly' };

export interface SettlementSettingsResult {
  cycle: SettlementCycleInfo;
  /** Distributors owed less than this are carried over to the next cycle. */
  minimumPayoutFen: AmountFen;
  /** The channel's own minimum transfer: the minimum payout is never below it. */
  channelMinimumFen: AmountFen;
  /** The latest complete cycle as of today (what a settlement run would cover). */
  latestCycle: { start: string; end: string };
}

export interface BackupInfo {
  /** Absolute path of the encrypted copy (same passphrase as the workspace). */
  file: string;
  sha256: string;
  bytes: number;
  /** Audit rows in the copy: keep with the backup to detect a shortened log later. */
  auditRowCount: number;
}

export interface RestoreInfo {
  file: string;
  sha256: string;
  checks: { name: string; ok: boolean; detail: string }[];
  /** The restored workspace, open again, nobody logged in. */
  session: SessionState;
}

/** Progress of a long operation, pushed to the window while it runs in a worker thread. */
export interface ProgressEvent {
  taskId: string;
  label: string;
  done: number;
  total: number | null;
  finished: boolean;
}

/** Commands the native menu sends to the window. */
export type MenuCommand = 'navigate:dashboard' | 'navigate:ledger' | 'navigate:audit' | 'navigate:settings' | 'language:zh' | 'language:en' | 'logout' | 'closeWorkspace';

export type EmptyArgs = Record<string, never>;

/** Every handler: its argument object and its result value. */
export interface ApiContract {
  appInfo: { args: EmptyArgs; result: AppInfo };
  /** Native "save as"/"open" dialog; null when cancelled. Error 'usage' when the shell has no dialog. */
  chooseWorkspacePath: { args: { mode: 'create' | 'open' }; result: { path: string | null } };
  createWorkspace: {
    args: { path: string; passphrase: string; companyName: string; adminName: string; adminPassword: string; booksStartDate?: string; rememberPassphrase?: boolean };
    result: WorkspaceSummary;
  };
  /** Without a passphrase the remembered one (OS key store) is used. */
  openWorkspace: { args: { path: string; passphrase?: string; rememberPassphrase?: boolean }; result: WorkspaceSummary };
  closeWorkspace: { args: EmptyArgs; result: SessionState };
  forgetPassphrase: { args: { path: string }; result: { forgotten: boolean } };
  login: { args: { userName: string; password: string }; result: SessionUser };
  logout: { args: EmptyArgs; result: SessionState };
  session: { args: EmptyArgs; result: SessionState };
  dashboard: { args: { month?: string }; result: DashboardResult };
  ledgerFind: { args: { text: string }; result: LedgerFindResult };
  trialBalance: { args: { asOfDate?: string | null }; result: TrialBalanceResult };
  memberStatement: { args: { memberId: string; subLedger: MemberSubLedger; fromDate: string; toDate: string }; result: MemberStatementResult };
  listAudit: { args: { userName?: string; objectType?: string; objectId?: string; fromDate?: string; toDate?: string; limit?: number }; result: { items: AuditItem[] } };
  listUsers: { args: EmptyArgs; result: { items: UserItem[] } };
  addUser: { args: { name: string; role: Role; password: string }; result: UserItem };
  /** Runs in a worker thread with progress events; the window stays responsive. */
  verifyWorkspace: { args: EmptyArgs; result: VerifyResult };
  /** Builds the demo workspace (demo mall sync + channel files import) in a worker, then opens it. */
  openDemo: { args: EmptyArgs; result: DemoResult };
  /** Matches mall documents against the imported channel rows (worker thread). */
  reconcileRun: { args: { fromDate?: string; toDate?: string }; result: ReconcileSummaryResult };
  reconciliationPage: { args: ReconciliationPageArgs; result: ReconciliationPage };
  reconciliationDetail: { args: { id: number }; result: ReconciliationDetailResult };
  /** All or none; a write-off posts an adjustment entry. */
  resolveDiscrepancies: { args: { ids: number[]; resolution: Resolution; note: string }; result: { items: { id: number; resolution: Resolution; adjustmentEntryNo: string | null }[] } };
  /** Withdrawals synced from the mall; amounts at or above the threshold need identity confirmation at tier 2. */
  withdrawalsList: { args: { status?: WithdrawalStatus }; result: { items: WithdrawalRow[]; identityThresholdFen: AmountFen } };
  /** The member's commission and withdrawal record the finance reviewer sees before a large approval. */
  withdrawalMemberHistory: { args: { memberId: string }; result: MemberHistoryResult };
  /** The acting user's role decides the tier (operations, then finance; never the same person). */
  withdrawalReview: {
    args: { withdrawalNo: string; decision: 'approve' | 'reject'; confirmIdentity?: boolean; note?: string };
    result: { withdrawalNo: string; status: WithdrawalStatus; tier: 1 | 2; outBillNo: string | null };
  };
  /** The remembered mall connection (URL; whether a token is stored). */
  mallConnection: { args: EmptyArgs; result: MallConnectionInfo };
  /** Stores the URL and/or token (token encrypted in the workspace); admin/clerk/finance. */
  saveMallConnection: { args: { url?: string; token?: string }; result: MallConnectionInfo };
  /** Pulls from the mall with the remembered connection (worker thread, progress events). */
  syncRun: { args: EmptyArgs; result: SyncRunResult };
  syncStatus: { args: EmptyArgs; result: SyncStatusResult };
  /** Sends the pending write-backs to the mall now. */
  outboxFlush: { args: EmptyArgs; result: { attempted: boolean; sent: number; failed: number; deferred: number; error: string | null } };
  /** Imports channel / bank files by path (worker thread). Paths come from drag and drop (preload) or typed in. */
  importFiles: { args: { paths: string[] }; result: { files: ImportFileResult[] } };
  commissionsList: { args: { flaggedOnly?: boolean; distributorId?: string; settlementNo?: string }; result: { items: CommissionRow[] } };
  /** One settlement cycle: one payout per distributor (not sent; the payout channel sends them). */
  settlementRun: { args: { cycleEnd?: string; route?: PayoutRoute }; result: SettlementRunResult };
  payoutsList: { args: { settlementNo?: string }; result: { items: PayoutRow[] } };
  /**
   * Submits unsent payouts or polls the channel for their states, then flushes the mall write-backs.
   * exportFiles: the bank / Alipay sheets (absolute paths) of payouts still waiting for their results.
   */
  payoutsAct: { args: { action: 'submit' | 'poll'; settlementNo?: string }; result: { items: PayoutRow[]; exportFiles: string[] } };
  /**
   * Native open dialog in main for a payout results sheet (.xlsx); null when cancelled. In a shell
   * with dialogs, importPayoutResults only accepts a path this dialog returned. 'usage' without one.
   */
  choosePayoutResultsFile: { args: EmptyArgs; result: { path: string | null } };
  /** Books a bank / Alipay results sheet (worker thread; settlement.run); one bad line and nothing is booked. */
  importPayoutResults: { args: { path: string }; result: PayoutResultsImportInfo };
  distributorPayoutRoutes: { args: EmptyArgs; result: { items: DistributorPayoutRoute[] } };
  /** route null: back to each run's route (settlement.run); answers the whole list. */
  setDistributorPayoutRoute: { args: { distributorId: string; route: PayoutRoute | null }; result: { items: DistributorPayoutRoute[] } };
  unconfirmedPolicy: { args: EmptyArgs; result: UnconfirmedPolicyInfo };
  /** null turns the policy off (settings.change). */
  saveUnconfirmedPolicy: { args: { cancelAfterMinutes: number | null }; result: UnconfirmedPolicyInfo };
  closeCheck: { args: { month: string }; result: CloseCheckResult };
  /** Reconciles, then closes when nothing blocks; a refusal comes back as `closed: false` with its figures. */
  closeMonth: { args: { month: string }; result: CloseMonthResult };
  /** Finance only, with a reason. */
  reopenMonth: { args: { month: string; reason: string }; result: MonthStatusInfo };
  monthlyOverview: { args: { month: string }; result: MonthlyOverviewResult };
  /** Native folder picker; null when cancelled. Error 'usage' when the shell has no dialog (type the path). */
  chooseDirectory: { args: EmptyArgs; result: { path: string | null } };
  /** Native file picker for import / seal files; null when cancelled. */
  chooseFiles: { args: { purpose: 'import' | 'seal' }; result: { paths: string[] | null } };
  /** Writes the month's Excel workbook, PDF, or the sealed audit package into a folder (worker thread). */
  exportMonth: { args: { month: string; kind: ExportKind; directory: string }; result: ExportResult };
  verifyAuditPackage: { args: { directory: string }; result: AuditPackageVerifyResult };
  sealInfo: { args: EmptyArgs; result: SealInfoResult };
  /** A self-signed seal certificate for trials, stored encrypted in the workspace (admin). */
  sealCreateTrial: { args: { validDays?: number }; result: SealInfoResult };
  /** Imports a .p12/.pfx: stored with its password encrypted in the workspace (admin). */
  sealImport: { args: { path: string; password: string }; result: SealInfoResult };
  workspaceSettings: { args: EmptyArgs; result: WorkspaceSettingsResult };
  /** Rates are decimal strings ("0.006" = 0.6 %); the identity threshold is integer fen (admin). */
  saveWorkspaceSettings: { args: { feeRates?: { wechat?: string; alipay?: string }; closeThreshold?: string; identityThresholdFen?: AmountFen }; result: WorkspaceSettingsResult };
  payoutMerchantConfig: { args: EmptyArgs; result: PayoutMerchantInfo };
  /** Checks the keys, stores the private key encrypted in the workspace (admin). */
  savePayoutMerchantConfig: { args: SavePayoutMerchantArgs; result: PayoutMerchantInfo };
  settlementSettings: { args: EmptyArgs; result: SettlementSettingsResult };
  /** Cycle and/or minimum payout (admin). */
  saveSettlementSettings: { args: { cycle?: SettlementCycleInfo; minimumPayoutFen?: AmountFen }; result: SettlementSettingsResult };
  /**
   * Native save ('save': where to write a backup) or open ('open': a backup to restore) dialog in
   * main; null when cancelled. In a shell with dialogs, backupWorkspace / restoreWorkspace only
   * accept a path this dialog returned. Error 'usage' when the shell has no dialog.
   */
  chooseBackupPath: { args: { mode: 'save' | 'open' }; result: { path: string | null } };
  /** An encrypted copy of the open workspace to a new .ldbak file (worker thread; admin/finance). */
  backupWorkspace: { args: { path: string }; result: BackupInfo };
  /**
   * Verifies the backup, then replaces the open workspace with it (worker thread; admin). The
   * password is checked against the backup's users; afterwards the workspace is open again and
   * nobody is logged in.
   */
  restoreWorkspace: { args: { path: string; password: string }; result: RestoreInfo };
}

export type HandlerName = keyof ApiContract;
export type HandlerArgs<K extends HandlerName> = ApiContract[K]['args'];
export type HandlerResult<K extends HandlerName> = ApiContract[K]['result'];

/** The runtime list of handler names; the preload builds window.ledgerdesk from it. */
export const handlerNames = [
  'appInfo',
  'chooseWorkspacePath',
  'createWorkspace',
  'openWorkspace',
  'closeWorkspace',
  'forgetPassphrase',
  'login',
  'logout',
  'session',
  'dashboard',
  'ledgerFind',
  'trialBalance',
  'memberStatement',
  'listAudit',
  'listUsers',
  'addUser',
  'verifyWorkspace',
  'openDemo',
  'reconcileRun',
  'reconciliationPage',
  'reconciliationDetail',
  'resolveDiscrepancies',
  'withdrawalsList',
  'withdrawalMemberHistory',
  'withdrawalReview',
  'mallConnection',
  'saveMallConnection',
  'syncRun',
  'syncStatus',
  'outboxFlush',
  'importFiles',
  'commissionsList',
  'settlementRun',
  'payoutsList',
  'payoutsAct',
  'choosePayoutResultsFile',
  'importPayoutResults',
  'distributorPayoutRoutes',
  'setDistributorPayoutRoute',
  'unconfirmedPolicy',
  'saveUnconfirmedPolicy',
  'closeCheck',
  'closeMonth',
  'reopenMonth',
  'monthlyOverview',
  'chooseDirectory',
  'chooseFiles',
  'exportMonth',
  'verifyAuditPackage',
  'sealInfo',
  'sealCreateTrial',
  'sealImport',
  'workspaceSettings',
  'saveWorkspaceSettings',
  'payoutMerchantConfig',
  'savePayoutMerchantConfig',
  'settlementSettings',
  'saveSettlementSettings',
  'chooseBackupPath',
  'backupWorkspace',
  'restoreWorkspace',
] as const satisfies readonly HandlerName[];

// Compile-time check that handlerNames lists every handler of the contract.
type MissingHandlerNames = Exclude<HandlerName, (typeof handlerNames)[number]>;
const everyHandlerListed: MissingHandlerNames extends never ? true : false = true;
void everyHandlerListed;

/** IPC channel names (main <-> preload). */
export const IPC_INVOKE_PREFIX = 'ledgerdesk:';
export const IPC_PROGRESS_CHANNEL = 'ledgerdesk-event:progress';
export const IPC_MENU_CHANNEL = 'ledgerdesk-event:menu';

export type LedgerdeskApi = {
  [K in HandlerName]: (args: HandlerArgs<K>) => Promise<ApiResult<HandlerResult<K>>>;
} & {
  /** Subscribes to progress of long operations; returns the unsubscribe function. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  /** Subscribes to native menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /**
   * The file-system path of a dropped file (Electron webUtils.getPathForFile, in the preload);
   * null where the shell cannot tell (the test bridge: paths are typed in instead).
   */
  pathForFile(file: Blob): string | null;
};
