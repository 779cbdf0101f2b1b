/**
 * Shared set-up for the payouts / withdrawals integration tests: a workspace, the WeChat Pay
 * simulator and the signing environment on ONE movable clock, mall records written as the sync
 * stores them (mall_documents), and commission accruals booked as the sync books them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUser } from '../../electron/core/auth/users';
import type { Role } from '../../electron/core/auth/roles';
import { accountByCode, isDebitNormal } from '../../electron/core/ledger/accounts';
import { postEntry } from '../../electron/core/ledger/post';
import { commissionAccrualEntry } from '../../electron/core/ledger/rules/commissions';
import { yuanToFen } from '../../electron/core/money';
import { refreshMallProjection } from '../../electron/core/reconcile';
import { createConfiguredPayoutChannels, saveWechatPayoutConfig, type ConfiguredPayoutChannels, type PayoutChannelOptions, type WechatPayoutApi } from '../../electron/core/payouts';
import type { WechatPaySimulator } from '../../electron/core/payouts/wechat/simulator';
import { wechatPayTestKeys } from '../../electron/core/payouts/wechat/test-keys';
import { createTestClock, startTestSimulator, type TestClock } from '../../electron/core/payouts/wechat/test-support';
import { createWorkspace, openWorkspace, type Workspace } from '../../electron/core/workspace';

export const PASSPHRASE = 'payouts test passphrase';
export const USER_PASSWORD = 'user-password-1';

export interface PayoutsHarness {
  workspace: Workspace;
  clock: TestClock;
  simulator: WechatPaySimulator;
  path: string;
  directory: string;
  channels(options?: PayoutChannelOptions): ConfiguredPayoutChannels;
  /** Closes and opens the workspace again, as a new process would. */
  reopen(): Workspace;
  close(): Promise<void>;
}

/** Thursday 2026-10-15 12:00 Shanghai: the default cycle is 2026-10-05..10-11. */
export const START = '2026-10-15T04:00:00Z';

export async function startPayoutsHarness(options: { api?: WechatPayoutApi; start?: string; booksStartDate?: string } = {}): Promise<PayoutsHarness> {
  const directory = mkdtempSync(join(tmpdir(), 'ledgerdesk-payouts-'));
  const path = join(directory, 'books.ldw');
  const clock = createTestClock(options.start ?? START);
  const simulator = await startTestSimulator(clock);
  const harness: PayoutsHarness = {
    workspace: createWorkspace({ path, passphrase: PASSPHRASE, companyName: '示例商城', adminName: 'admin', adminPassword: USER_PASSWORD, booksStartDate: options.booksStartDate ?? '2026-09-01', clock }),
    clock,
    simulator,
    path,
    directory,
    channels(channelOptions = {}) {
      let nonce = 0;
      return createConfiguredPayoutChannels(harness.workspace, {
        retryDelayMs: () => 0,
        timeoutMs: 2000,
        environment: { now: clock.now, nonce: () => `NONCE${(nonce += 1).toString().padStart(10, '0')}` },
        exportDirectory: join(directory, 'exports'),
        ...channelOptions,
      });
    },
    reopen() {
      harness.workspace.close();
      harness.workspace = openWorkspace({ path, passphrase: PASSPHRASE, clock });
      return harness.workspace;
    },
    async close() {
      harness.workspace.close();
      await simulator.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  const keys = wechatPayTestKeys();
  saveWechatPayoutConfig(harness.workspace, 'admin', {
    baseUrl: simulator.url,
    mchid: keys.merchant.mchid,
    appid: 'wx8888888888888888',
    serialNo: keys.merchant.serialNo,
    api: options.api ?? 'transfer-bills',
    merchantPrivateKeyPem: keys.merchant.privateKeyPem,
    platformKeyPem: keys.platform.publicKeyPem,
    platformSerial: keys.platform.serial,
  });
  for (const [name, role] of [['ops', 'operations'], ['ops2', 'operations'], ['fin', 'finance'], ['fin2', 'finance'], ['aud', 'auditor'], ['clerk', 'clerk']] as const) {
    createUser(harness.workspace.sqlite, { name, role: role as Role, password: USER_PASSWORD }, 'admin', clock.now());
  }
  return harness;
}

export function putMallDocument(workspace: Workspace, resource: string, body: Record<string, unknown> & { id: string }, columns: { documentNo?: string | null; partyId?: string | null; orderId?: string | null } = {}): void {
  workspace.sqlite
    .prepare(
      `INSERT INTO mall_documents (resource, id, version, updated_at, document_no, party_id, order_id, business_date, body_json, synced_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
       ON CONFLICT(resource, id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, body_json = excluded.body_json`,
    )
    .run(resource, body.id, Number(body.version ?? 1), String(body.updated_at ?? START), columns.documentNo ?? null, columns.partyId ?? null, columns.orderId ?? null, JSON.stringify(body), START);
  // The sync writes the reconciliation keys of orders, top-ups and refunds with each document.
  refreshMallProjection(workspace.sqlite);
}

export function putMember(workspace: Workspace, id: string, options: { openid?: string | null; realName?: string | null } = {}): void {
  putMallDocument(workspace, 'members', {
    id,
    nickname: id,
    real_name: options.realName === undefined ? `姓名${id}` : options.realName,
    phone_masked: null,
    wechat_openid: options.openid === undefined ? `o_${id}` : options.openid,
    is_distributor: true,
    parent_distributor_id: null,
    created_at: '2026-09-01T00:00:00+08:00',
    updated_at: '2026-09-01T00:00:00+08:00',
    version: 1,
  });
}

let commissionSequence = 0;

export interface CommissionInput {
  distributorId: string;
  basis: string;
  rate: string;
  /** Default: basis x rate, half-up (what an honest mall sends). */
  amount: string;
  settleableAt?: string;
  status?: 'pending' | 'settleable' | 'cancelled';
  id?: string;
  /** Book the accrual as the sync does (default true for settleable). */
  accrue?: boolean;
}

/** A commission as the mall sends it, stored as the sync stores it, with its accrual booked. */
export function putCommission(workspace: Workspace, input: CommissionInput): string {
  commissionSequence += 1;
  const id = input.id ?? `c_${commissionSequence.toString().padStart(6, '0')}`;
  const status = input.status ?? 'settleable';
  const body = {
    id,
    distributor_id: input.distributorId,
    order_id: `o_${id}`,
    order_no: `NO${id.replace(/\D/g, '')}`,
    line_id: `l_${id}`,
    level: 1,
    basis_amount: input.basis,
    rate: input.rate,
    amount: input.amount,
    status,
    settleable_at: status === 'pending' ? null : (input.settleableAt ?? '2026-10-08T10:00:00+08:00'),
    created_at: '2026-09-20T10:00:00+08:00',
    updated_at: input.settleableAt ?? '2026-10-08T10:00:00+08:00',
    version: 2,
  };
  putMallDocument(workspace, 'commissions', body, { partyId: input.distributorId, orderId: body.order_id, documentNo: body.order_no });
  if ((input.accrue ?? status === 'settleable') && status === 'settleable') {
    const spec = commissionAccrualEntry({ source: { resource: 'commissions', id, no: body.order_no }, distributorId: input.distributorId, settleableAt: body.settleable_at!, amountFen: yuanToFen(input.amount) });
    if (spec) postEntry(workspace.postingContext('sync'), spec);
  }
  return id;
}

/** The mall cancels a commission (a new version of the record). */
export function cancelCommission(workspace: Workspace, id: string): void {
  const row = workspace.sqlite.prepare(`SELECT body_json FROM mall_documents WHERE resource = 'commissions' AND id = ?`).get(id) as { body_json: string };
  const body = JSON.parse(row.body_json) as Record<string, unknown> & { id: string; version: number };
  putMallDocument(workspace, 'commissions', { ...body, status: 'cancelled', version: body.version + 1, updated_at: '2026-10-16T09:00:00+08:00' }, { partyId: String(body.distributor_id) });
}

/** Balance of an account (normal side positive), for one party when given. */
export function balanceFen(workspace: Workspace, accountCode: string, partyId?: string): number {
  const row = workspace.sqlite
    .prepare(
      `SELECT coalesce(sum(debit_fen), 0) AS debit, coalesce(sum(credit_fen), 0) AS credit FROM postings WHERE account_code = ? ${partyId === undefined ? '' : 'AND party_id = ?'}`,
    )
    .get(accountCode, ...(partyId === undefined ? [] : [partyId])) as { debit: number; credit: number };
  const account = accountByCode(accountCode);
  if (!account) throw new Error(`unknown account ${accountCode}`);
  return isDebitNormal(account.kind) ? row.debit - row.credit : row.credit - row.debit;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
