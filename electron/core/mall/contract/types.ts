/**
 * The mall's records exactly as the API sends them (openapi.yaml, components/schemas):
 * money and rates are decimal strings, times RFC 3339 with offset. These types describe the wire
 * shape only; validateMallRecord decides whether a value really is one.
 */

export type MoneyText = string;
export type RateText = string;
export type DateTimeText = string;

export interface MallMember {
  id: string;
  nickname: string;
  real_name: string | null;
  phone_masked: string | null;
  wechat_openid: string | null;
  is_distributor: boolean;
  parent_distributor_id: string | null;
  created_at: DateTimeText;
  updated_at: DateTimeText;
  version: number;
}

export interface MallOrderLine {
  line_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price: MoneyText;
  amount: MoneyText;
  cost_amount: MoneyText | null;
}

export type MallOrderStatus = 'unpaid' | 'paid' | 'shipped' | 'completed' | 'closed';
export type MallPayChannel = 'wechat' | 'alipay' | 'none';

export interface MallOrder {
  id: string;
  order_no: string;
  member_id: string;
  status: MallOrderStatus;
  created_at: DateTimeText;
  paid_at: DateTimeText | null;
  completed_at: DateTimeText | null;
  closed_at: DateTimeText | null;
  currency: string;
  goods_amount: MoneyText;
  shipping_amount: MoneyText;
  coupon_discount: MoneyText;
  points_used: number;
  points_deduction_amount: MoneyText;
  stored_value_amount: MoneyText;
  balance_amount: MoneyText;
  paid_amount: MoneyText;
  pay_channel: MallPayChannel;
  channel_trade_no: string | null;
  distributor_id: string | null;
  lines: MallOrderLine[];
  updated_at: DateTimeText;
  version: number;
}

export interface MallRefundLine {
  line_id: string;
  quantity: number;
  amount: MoneyText;
}

export type MallRefundStatus = 'requested' | 'approved' | 'processing' | 'succeeded' | 'failed' | 'rejected';

export interface MallRefund {
  id: string;
  refund_no: string;
  order_id: string;
  order_no: string;
  amount: MoneyText;
  channel_amount: MoneyText;
  stored_value_amount: MoneyText;
  balance_amount: MoneyText;
  points_returned: number;
  channel: MallPayChannel;
  channel_refund_no: string | null;
  status: MallRefundStatus;
  reason: string | null;
  requested_at: DateTimeText;
  succeeded_at: DateTimeText | null;
  lines: MallRefundLine[];
  updated_at: DateTimeText;
  version: number;
}

export interface MallTopup {
  id: string;
  topup_no: string;
  member_id: string;
  amount: MoneyText;
  bonus_amount: MoneyText;
  pay_channel: 'wechat' | 'alipay';
  channel_trade_no: string | null;
  status: 'paid' | 'refunded';
  paid_at: DateTimeText;
  updated_at: DateTimeText;
  version: number;
}

export type MallPointsKind = 'earn' | 'deduct' | 'return' | 'expire' | 'adjust';

export interface MallPointsMovement {
  id: string;
  member_id: string;
  change: number;
  kind: MallPointsKind;
  order_id: string | null;
  order_no: string | null;
  cash_value: MoneyText | null;
  occurred_at: DateTimeText;
  updated_at: DateTimeText;
  version: number;
}

export type MallCommissionStatus = 'pending' | 'settleable' | 'cancelled';

export interface MallCommission {
  id: string;
  distributor_id: string;
  order_id: string;
  order_no: string;
  line_id: string;
  level: 1 | 2;
  basis_amount: MoneyText;
  rate: RateText;
  amount: MoneyText;
  status: MallCommissionStatus;
  settleable_at: DateTimeText | null;
  created_at: DateTimeText;
  updated_at: DateTimeText;
  version: number;
}

export type MallWithdrawalStatus = 'submitted' | 'approved' | 'rejected' | 'paid' | 'failed' | 'cancelled';

export interface MallWithdrawal {
  id: string;
  withdrawal_no: string;
  member_id: string;
  source: 'balance' | 'commission';
  amount: MoneyText;
  fee: MoneyText;
  net_amount: MoneyText;
  method: 'wechat' | 'alipay' | 'bank';
  payee_openid: string | null;
  payee_account_masked: string | null;
  real_name: string | null;
  status: MallWithdrawalStatus;
  submitted_at: DateTimeText;
  updated_at: DateTimeText;
  version: number;
}

export interface MallMemberBalance {
  member_id: string;
  stored_value: MoneyText;
  balance: MoneyText;
  commission: MoneyText;
  points: number;
}

export interface MallDailySummary {
  date: string;
  gmv: MoneyText;
  order_count: number;
  paid_amount: MoneyText;
  refund_amount: MoneyText;
  refund_count: number;
  topup_amount: MoneyText;
}

/** The record kinds validateMallRecord knows, named like the API's list resources. */
export type MallRecordResource =
  | 'members'
  | 'orders'
  | 'refunds'
  | 'topups'
  | 'points'
  | 'commissions'
  | 'withdrawals'
  | 'member_balances'
  | 'daily_summaries';

/** The incrementally synced list resources (GET /v1/<path> with updated_since + cursor). */
export type MallSyncedResource = 'members' | 'orders' | 'refunds' | 'topups' | 'points' | 'commissions' | 'withdrawals';

export const mallSyncedResources: readonly MallSyncedResource[] = [
  'members',
  'orders',
  'refunds',
  'topups',
  'points',
  'commissions',
  'withdrawals',
];

export interface MallRecordByResource {
  members: MallMember;
  orders: MallOrder;
  refunds: MallRefund;
  topups: MallTopup;
  points: MallPointsMovement;
  commissions: MallCommission;
  withdrawals: MallWithdrawal;
}

export interface MallError {
  code: string;
  message: string;
}
