import { extname, isAbsolute } from 'node:path';
import { z } from 'zod';
import { isCalendarDate } from '../core/calendar/shanghai';
import { withdrawalStatusNames, discrepancyCategoryNames, memberSubLedgers, payoutRouteNames, reconciliationStatusNames, resolutionNames, roleNames, type HandlerName, type PayoutRoute } from '../api';
import { CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX } from '../core/payouts';
import type { PayoutRoute as CorePayoutRoute } from '../core/commissions';

/**
 * Run-time validation of every IPC argument (DESIGN.md section 9): the renderer is untrusted, so
 * main parses each argument with the schema of its handler before core sees it. Objects are
 * strict: an unknown key is an error, not silently dropped.
 */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date')
  .refine((text) => isCalendarDate(text), 'not a calendar date');
const calendarMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a YYYY-MM month');
const filePath = z.string().min(1).max(4096).refine((text) => !text.includes('\u0000'), 'a path cannot contain NUL');
const shortText = z.string().max(200);
const secretText = z.string().min(1).max(1024);
const empty = z.strictObject({});
/** A decimal rate as text ("0.006"); core parses it exactly (decimal.js), never as a float. */
const rateText = z.string().trim().regex(/^\d{1,3}(\.\d{1,8})?$/, 'expected a decimal rate such as 0.006');

/** A PEM block pasted or read from a file by the renderer: bounded, and recognisably PEM. */
const pemText = z
  .string()
  .max(16_384)
  .refine((text) => /-----BEGIN [A-Z0-9 ]+-----[\s\S]+-----END [A-Z0-9 ]+-----/.test(text), 'expected a PEM block (-----BEGIN ...-----)');
/** A backup file: absolute (never resolved against main's working directory) and named .ldbak (restore also takes a .ldw). */
const backupPath = (extensions: readonly string[]) =>
  filePath
    .refine((text) => isAbsolute(text), 'the backup path must be absolute')
    .refine((text) => extensions.includes(extname(text).toLowerCase()), `the backup file must end with ${extensions.join(' or ')}`);
const httpUrl = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .refine((text) => /^https?:\/\/[^\s]+$/i.test(text), 'expected an http(s) URL');

// Compile-time: the contract's route list is core's, both ways.
type SameRoutes = [PayoutRoute] extends [CorePayoutRoute] ? ([CorePayoutRoute] extends [PayoutRoute] ? true : never) : never;
const sameRoutes: SameRoutes = true;
void sameRoutes;
const payoutRoute = z.enum(payoutRouteNames as [PayoutRoute, ...PayoutRoute[]]);
/** A results sheet: absolute (never resolved against main's working directory), an .xlsx workbook. */
const payoutResultsPath = filePath
  .refine((text) => isAbsolute(text), 'the results file path must be absolute')
  .refine((text) => extname(text).toLowerCase() === '.xlsx', 'the results file must end with .xlsx');

export const ipcSchemas = {
  appInfo: empty,
  chooseWorkspacePath: z.strictObject({ mode: z.enum(['create', 'open']) }),
  createWorkspace: z.strictObject({
    path: filePath,
    passphrase: secretText,
    companyName: z.string().min(1).max(200),
    adminName: z.string().min(1).max(64),
    adminPassword: secretText,
    booksStartDate: calendarDate.optional(),
    rememberPassphrase: z.boolean().optional(),
  }),
  openWorkspace: z.strictObject({ path: filePath, passphrase: secretText.optional(), rememberPassphrase: z.boolean().optional() }),
  closeWorkspace: empty,
  forgetPassphrase: z.strictObject({ path: filePath }),
  login: z.strictObject({ userName: z.string().min(1).max(64), password: z.string().max(1024) }),
  logout: empty,
  session: empty,
  dashboard: z.strictObject({ month: calendarMonth.optional() }),
  ledgerFind: z.strictObject({ text: z.string().min(1).max(200) }),
  trialBalance: z.strictObject({ asOfDate: calendarDate.nullable().optional() }),
  memberStatement: z.strictObject({ memberId: z.string().min(1).max(100), subLedger: z.enum(memberSubLedgers), fromDate: calendarDate, toDate: calendarDate }),
  listAudit: z.strictObject({
    userName: shortText.optional(),
    objectType: shortText.optional(),
    objectId: shortText.optional(),
    fromDate: calendarDate.optional(),
    toDate: calendarDate.optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  }),
  listUsers: empty,
  addUser: z.strictObject({ name: z.string().min(1).max(64), role: z.enum(roleNames), password: secretText }),
  verifyWorkspace: empty,
  openDemo: empty,
  reconcileRun: z.strictObject({ fromDate: calendarDate.optional(), toDate: calendarDate.optional() }),
  reconciliationPage: z.strictObject({
    page: z.number().int().min(1).max(1_000_000_000),
    pageSize: z.number().int().min(1).max(1000),
    sort: z.strictObject({ column: z.enum(['business_date', 'difference', 'mall_amount', 'channel_amount', 'id']), direction: z.enum(['asc', 'desc']) }).optional(),
    filters: z
      .strictObject({
        dateFrom: calendarDate.optional(),
        dateTo: calendarDate.optional(),
        channel: z.enum(['wechat', 'alipay']).optional(),
        category: z.enum(discrepancyCategoryNames).optional(),
        status: z.array(z.enum(reconciliationStatusNames)).max(4).optional(),
        search: z.string().min(1).max(100).optional(),
      })
      .optional(),
  }),
  // A stored item's id, or a matched pair's (its channel row's id negated).
  reconciliationDetail: z.strictObject({ id: z.number().int().refine((id) => id !== 0 && Number.isSafeInteger(id), 'not an item id') }),
  resolveDiscrepancies: z.strictObject({
    ids: z.array(z.number().int().min(1)).min(1).max(10_000),
    resolution: z.enum(resolutionNames),
    note: z.string().trim().min(1).max(2000),
  }),
  withdrawalsList: z.strictObject({ status: z.enum(withdrawalStatusNames).optional() }),
  withdrawalMemberHistory: z.strictObject({ memberId: z.string().min(1).max(100) }),
  withdrawalReview: z.strictObject({
    withdrawalNo: z.string().min(1).max(100),
    decision: z.enum(['approve', 'reject']),
    confirmIdentity: z.boolean().optional(),
    note: z.string().max(2000).optional(),
  }),
  mallConnection: empty,
  saveMallConnection: z
    .strictObject({ url: z.string().trim().min(1).max(2000).optional(), token: secretText.optional() })
    .refine((value) => value.url !== undefined || value.token !== undefined, 'give the URL, the token or both'),
  syncRun: empty,
  syncStatus: empty,
  outboxFlush: empty,
  importFiles: z.strictObject({ paths: z.array(filePath).min(1).max(200) }),
  commissionsList: z.strictObject({ flaggedOnly: z.boolean().optional(), distributorId: z.string().min(1).max(100).optional(), settlementNo: z.string().min(1).max(100).optional() }),
  settlementRun: z.strictObject({ cycleEnd: calendarDate.optional(), route: payoutRoute.optional() }),
  payoutsList: z.strictObject({ settlementNo: z.string().min(1).max(100).optional() }),
  payoutsAct: z.strictObject({ action: z.enum(['submit', 'poll']), settlementNo: z.string().min(1).max(100).optional() }),
  choosePayoutResultsFile: empty,
  importPayoutResults: z.strictObject({ path: payoutResultsPath }),
  distributorPayoutRoutes: empty,
  setDistributorPayoutRoute: z.strictObject({ distributorId: z.string().trim().min(1).max(100), route: payoutRoute.nullable() }),
  unconfirmedPolicy: empty,
  saveUnconfirmedPolicy: z.strictObject({ cancelAfterMinutes: z.number().int().min(1).max(CANCEL_UNCONFIRMED_AFTER_MINUTES_MAX).nullable() }),
  closeCheck: z.strictObject({ month: calendarMonth }),
  closeMonth: z.strictObject({ month: calendarMonth }),
  reopenMonth: z.strictObject({ month: calendarMonth, reason: z.string().trim().min(1).max(2000) }),
  monthlyOverview: z.strictObject({ month: calendarMonth }),
  chooseDirectory: empty,
  chooseFiles: z.strictObject({ purpose: z.enum(['import', 'seal']) }),
  exportMonth: z.strictObject({ month: calendarMonth, kind: z.enum(['xlsx', 'pdf', 'auditPackage']), directory: filePath }),
  verifyAuditPackage: z.strictObject({ directory: filePath }),
  sealInfo: empty,
  sealCreateTrial: z.strictObject({ validDays: z.number().int().min(1).max(3660).optional() }),
  sealImport: z.strictObject({ path: filePath, password: z.string().max(1024) }),
  workspaceSettings: empty,
  saveWorkspaceSettings: z.strictObject({
    feeRates: z.strictObject({ wechat: rateText.optional(), alipay: rateText.optional() }).optional(),
    closeThreshold: rateText.optional(),
    identityThresholdFen: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  payoutMerchantConfig: empty,
  savePayoutMerchantConfig: z.strictObject({
    baseUrl: httpUrl,
    mchid: z.string().trim().regex(/^\d{6,16}$/, 'the merchant id (mchid) is 6-16 digits'),
    appid: z.string().trim().regex(/^[0-9A-Za-z_]{1,32}$/, 'expected an app id'),
    serialNo: z.string().trim().regex(/^[0-9A-Za-z_]{1,64}$/, 'expected a certificate serial number'),
    api: z.enum(['transfer-bills', 'batches']),
    merchantPrivateKeyPem: pemText.optional(),
    platformKeyPem: pemText.optional(),
    platformSerial: z.string().trim().regex(/^[0-9A-Za-z_]{1,64}$/, 'expected a platform serial or public-key id').optional(),
  }),
  settlementSettings: empty,
  saveSettlementSettings: z
    .strictObject({
      cycle: z.discriminatedUnion('period', [z.strictObject({ period: z.literal('weekly'), weekday: z.number().int().min(1).max(7) }), z.strictObject({ period: z.literal('monthly') })]).optional(),
      minimumPayoutFen: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    })
    .refine((value) => value.cycle !== undefined || value.minimumPayoutFen !== undefined, 'give the cycle, the minimum payout or both'),
  chooseBackupPath: z.strictObject({ mode: z.enum(['save', 'open']) }),
  backupWorkspace: z.strictObject({ path: backupPath(['.ldbak']) }),
  restoreWorkspace: z.strictObject({ path: backupPath(['.ldbak', '.ldw']), password: z.string().min(1).max(1024) }),
} as const satisfies Record<HandlerName, z.ZodType>;

// Compile-time: each schema's output is exactly the contract's argument type.
export type ParsedArgs<K extends HandlerName> = z.output<(typeof ipcSchemas)[K]>;
