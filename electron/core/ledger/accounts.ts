export type AccountKind = 'asset' | 'liability' | 'equity' | 'income' | 'contra_income' | 'expense';

export interface AccountDefinition {
  code: string;
  name: string;
  nameZh: string;
  kind: AccountKind;
}

/** The chart of accounts of DESIGN.md section 4 (plus 1221 for commission clawbacks). */
export const chartOfAccounts = {
  bank: { code: '1002', name: 'Bank', nameZh: '银行存款', kind: 'asset' },
  wechatClearing: { code: '1121', name: 'WeChat Pay clearing', nameZh: '微信支付待清算', kind: 'asset' },
  alipayClearing: { code: '1122', name: 'Alipay clearing', nameZh: '支付宝待清算', kind: 'asset' },
  clawbackReceivable: { code: '1221', name: 'Commission clawback receivable', nameZh: '应收佣金追回', kind: 'asset' },
  inventory: { code: '1405', name: 'Inventory', nameZh: '库存商品', kind: 'asset' },
  customerAdvances: { code: '2201', name: 'Customer advances (paid, not yet completed)', nameZh: '预收账款（已付款未完成）', kind: 'liability' },
  memberStoredValue: { code: '2202', name: 'Member stored value', nameZh: '会员储值', kind: 'liability' },
  memberBalance: { code: '2203', name: 'Member balance, withdrawable', nameZh: '会员余额（可提现）', kind: 'liability' },
  commissionPayable: { code: '2204', name: 'Commission payable', nameZh: '应付佣金', kind: 'liability' },
  refundsPayable: { code: '2205', name: 'Refunds payable', nameZh: '应付退款', kind: 'liability' },
  payoutsInTransit: { code: '2206', name: 'Payouts in transit', nameZh: '在途付款', kind: 'liability' },
  openingEquity: { code: '3001', name: 'Opening balance equity', nameZh: '期初权益', kind: 'equity' },
  salesRevenue: { code: '6001', name: 'Sales revenue', nameZh: '主营业务收入', kind: 'income' },
  salesReturns: { code: '6002', name: 'Sales returns', nameZh: '销售退回', kind: 'contra_income' },
  otherIncome: { code: '6051', name: 'Other income (withdrawal fees)', nameZh: '其他业务收入（提现手续费）', kind: 'income' },
  costOfGoodsSold: { code: '6401', name: 'Cost of goods sold', nameZh: '主营业务成本', kind: 'expense' },
  channelFees: { code: '6601', name: 'Payment channel fees', nameZh: '支付渠道手续费', kind: 'expense' },
  commissionExpense: { code: '6602', name: 'Distribution commission', nameZh: '分销佣金', kind: 'expense' },
  pointsExpense: { code: '6603', name: 'Points redemption', nameZh: '积分抵扣', kind: 'expense' },
  storedValueBonus: { code: '6604', name: 'Stored-value bonus', nameZh: '储值赠送', kind: 'expense' },
} as const satisfies Record<string, AccountDefinition>;

export type AccountKey = keyof typeof chartOfAccounts;
export type AccountCode = (typeof chartOfAccounts)[AccountKey]['code'];

export const allAccounts: AccountDefinition[] = Object.values(chartOfAccounts);

/** Accounts whose balance is normally on the debit side. */
export function isDebitNormal(kind: AccountKind): boolean {
  return kind === 'asset' || kind === 'expense' || kind === 'contra_income';
}

export function accountByCode(code: string): AccountDefinition | undefined {
  return allAccounts.find((account) => account.code === code);
}

export type PaymentChannel = 'wechat' | 'alipay';

export function clearingAccountFor(channel: PaymentChannel): AccountCode {
  return channel === 'wechat' ? chartOfAccounts.wechatClearing.code : chartOfAccounts.alipayClearing.code;
}

/** The three member sub-ledgers that never mix, plus commission payable per distributor. */
export const memberSubLedgerAccounts = {
  stored_value: chartOfAccounts.memberStoredValue.code,
  balance: chartOfAccounts.memberBalance.code,
  commission: chartOfAccounts.commissionPayable.code,
} as const;
