import { fen, formatFenAsYuan, multiplyByRate, type Fen } from '../../money';
import type {
  MallCommission,
  MallMember,
  MallMemberBalance,
  MallOrder,
  MallOrderLine,
  MallPayChannel,
  MallPointsMovement,
  MallRefund,
  MallTopup,
  MallWithdrawal,
} from '../contract/types';
import { SeededRandom } from './random';
import { DAY_MS, formatShanghaiInstant, HOUR_MS, MINUTE_MS, monthStartMs, nextMonthStartMs, SECOND_MS, shanghaiDate } from './time';

export interface MallDatasetOptions {
  seed: number;
  /** 'YYYY-MM': the books start at 00:00+08:00 on its first day; all activity lies inside it. */
  month: string;
  orderCount: number;
  memberCount?: number;
  distributorCount?: number;
}

/** Merchant accounts the channel files are written for. */
export interface DemoMerchantAccounts {
  wechatAppId: string;
  wechatMchId: string;
  alipayPid: string;
  bankAccount: string;
  bankAccountName: string;
}

export interface MallDataset {
  seed: number;
  month: string;
  mallName: string;
  merchantId: string;
  /** The books start instant (first day of the month, 00:00+08:00), RFC 3339. */
  booksStartAt: string;
  /** The first instant after the month: nothing in the dataset happens at or after it. */
  periodEndAt: string;
  accounts: DemoMerchantAccounts;
  members: MallMember[];
  /** Balances at booksStartAt, as /v1/member-balances?as_of=<booksStartAt> serves them. */
  openingBalances: MallMemberBalance[];
  orders: MallOrder[];
  refunds: MallRefund[];
  topups: MallTopup[];
  points: MallPointsMovement[];
  commissions: MallCommission[];
  withdrawals: MallWithdrawal[];
  /** The order paid at 23:59:5x whose channel row carries the next day's time (see channel-files). */
  crossMidnightOrderId: string | null;
}

interface Product {
  sku: string;
  name: string;
  unitPriceFen: number;
  /** null when the mall does not know the cost. */
  costFen: number | null;
}

// Names avoid commas: WeChat bill fields are never quoted.
const products: readonly Product[] = [
  { sku: 'TEA-001', name: '西湖龙井 250g', unitPriceFen: 19900, costFen: 11000 },
  { sku: 'TEA-002', name: '云南普洱 357g', unitPriceFen: 26800, costFen: 15000 },
  { sku: 'TEA-003', name: '安溪铁观音 125g', unitPriceFen: 8850, costFen: null },
  { sku: 'CUP-001', name: '玻璃茶杯', unitPriceFen: 3990, costFen: 1500 },
  { sku: 'CUP-002', name: '青瓷盖碗', unitPriceFen: 12900, costFen: 6000 },
  { sku: 'SNK-001', name: '坚果礼盒', unitPriceFen: 15800, costFen: 9900 },
  { sku: 'SNK-002', name: '手工月饼 6枚', unitPriceFen: 9900, costFen: null },
  { sku: 'SNK-003', name: '芒果干 500g', unitPriceFen: 2990, costFen: 1200 },
  { sku: 'HOM-001', name: '香薰蜡烛', unitPriceFen: 6900, costFen: 2500 },
  { sku: 'HOM-002', name: '棉麻抱枕', unitPriceFen: 8900, costFen: null },
  { sku: 'HOM-003', name: '竹制收纳盒', unitPriceFen: 4590, costFen: 1800 },
  { sku: 'GFT-001', name: '茶具礼盒套装', unitPriceFen: 59900, costFen: 32000 },
  { sku: 'GFT-002', name: '红酒 750ml', unitPriceFen: 128800, costFen: 70000 },
  { sku: 'SMP-001', name: '试饮装', unitPriceFen: 990, costFen: 300 },
];

const familyNames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];
const givenNames = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明'];
const nicknames = ['小茶', '喝茶的猫', '山间', '清风', '晚霞', '阿木', '一叶', '南山', '北辰', '米粒'];
const level1Rates = ['0.1000', '0.0800', '0.0750', '0.1200', '0.0550'];
const level2Rates = ['0.0300', '0.0250', '0.0350'];
const topupChoices: ReadonlyArray<{ amountFen: number; bonusFen: number }> = [
  { amountFen: 10000, bonusFen: 0 },
  { amountFen: 20000, bonusFen: 1000 },
  { amountFen: 50000, bonusFen: 3000 },
  { amountFen: 100000, bonusFen: 8000 },
  { amountFen: 200000, bonusFen: 20000 },
];
const couponChoicesFen = [300, 500, 1000, 2000];
const freeShippingFromFen = 9900;
const shippingFen = 800;
/** 100 points are worth 1 yuan: one point is one fen. */
const fenPerPoint = 1;
const balanceWithdrawalFeeRate = '0.0060';
const returnWindowMs = 7 * DAY_MS;
/** Withdrawals at or above this need the finance reviewer's identity check (DESIGN 7). */
const largeWithdrawalFen = 1_000_000;
const largeWithdrawalMaxFen = 1_200_000;

/** The conservative spendable amounts per member (see the note in generateMallDataset). */
interface MemberFunds {
  storedValueFen: number;
  balanceFen: number;
  commissionFen: number;
  points: number;
}

interface DistributorInfo {
  level1Rate: string;
  level2Rate: string;
}

type EventKind = 'order' | 'topup' | 'withdrawal' | 'expire';
interface TimedEvent {
  atMs: number;
  kind: EventKind;
  memberIndex: number;
}

function money(amountFen: number): string {
  return formatFenAsYuan(fen(amountFen));
}

function padId(sequence: number): string {
  return String(sequence).padStart(7, '0');
}

function compactDate(epochMs: number): string {
  return shanghaiDate(epochMs).replace(/-/g, '');
}

/**
 * A seeded, deterministic month of mall data, valid against the contract.
 *
 * Member funds are tracked conservatively while generating: a member may spend stored value,
 * balance, commission or points only out of what they held at the books start plus credits that
 * happened strictly earlier (top-ups). Credits that happen later in the month (refunds returned,
 * rejected withdrawals, newly settleable commission, earned points) are never spent, so every
 * member's real balances stay non-negative at every instant.
 */
export function generateMallDataset(options: MallDatasetOptions): MallDataset {
  const { seed, month, orderCount } = options;
  if (!Number.isSafeInteger(orderCount) || orderCount < 0) throw new Error(`orderCount must be a non-negative integer: ${orderCount}`);
  const random = new SeededRandom(seed);
  const startMs = monthStartMs(month);
  const endMs = nextMonthStartMs(month);
  const memberCount = Math.max(options.memberCount ?? Math.max(20, Math.ceil(orderCount / 5)), 4);
  const distributorCount = Math.min(
    Math.max(options.distributorCount ?? Math.max(3, Math.ceil(memberCount / 25)), 2),
    memberCount - 1,
  );
  const level1Count = Math.max(1, Math.ceil(distributorCount * 0.4));

  // Members: the first distributors are level-1 (no parent), then level-2 distributors referred by one.
  const members: MallMember[] = [];
  const distributorInfo = new Map<string, DistributorInfo>();
  const funds: MemberFunds[] = [];
  const openingBalances: MallMemberBalance[] = [];
  const level1Ids: string[] = [];
  const distributorIds: string[] = [];
  for (let index = 0; index < memberCount; index += 1) {
    const id = `m_${padId(index + 1)}`;
    const isDistributor = index < distributorCount;
    const isLevel1 = index < level1Count;
    let parent: string | null = null;
    if (isDistributor && !isLevel1) parent = random.pick(level1Ids);
    if (!isDistributor && random.percent(40)) parent = random.pick(distributorIds);
    const verified = isDistributor ? random.percent(90) || index < 2 : random.percent(50);
    const createdMs = startMs - random.integer(1, 400) * DAY_MS + random.integer(0, DAY_MS / SECOND_MS - 1) * SECOND_MS;
    const realName = random.pick(familyNames) + random.pick(givenNames) + (random.percent(50) ? random.pick(givenNames) : '');
    // A few members verify their real name during the month: a second version to sync.
    const verifiedDuringMonth = !verified && random.percent(10);
    const verifiedAtMs = startMs + random.integer(0, (endMs - startMs) / SECOND_MS - 1) * SECOND_MS;
    members.push({
      id,
      nickname: `${random.pick(nicknames)}${index + 1}`,
      real_name: verified || verifiedDuringMonth ? realName : null,
      phone_masked: random.percent(85) ? `1${random.integer(30, 99)}****${random.digits(4)}` : null,
      wechat_openid: random.percent(80) || isDistributor ? `oDemo${random.digits(10)}${padId(index + 1)}` : null,
      is_distributor: isDistributor,
      parent_distributor_id: parent,
      created_at: formatShanghaiInstant(createdMs),
      updated_at: formatShanghaiInstant(verifiedDuringMonth ? verifiedAtMs : createdMs),
      version: verifiedDuringMonth ? 2 : 1,
    });
    if (isDistributor) {
      distributorIds.push(id);
      if (isLevel1) level1Ids.push(id);
      distributorInfo.set(id, { level1Rate: random.pick(level1Rates), level2Rate: random.pick(level2Rates) });
    }
    const storedValueFen = random.percent(40) ? random.pick([5000, 10000, 20000, 50000, 100000, 300000]) + random.integer(0, 99) : 0;
    const balanceFen = random.percent(15) ? random.integer(100, 80000) : 0;
    // The first level-1 distributor holds enough commission for two withdrawals of 10,000.00 and more.
    const commissionFen = !isDistributor ? 0 : index === 0 ? random.integer(2_500_000, 4_000_000) : random.percent(70) ? random.integer(5000, 800000) : 0;
    const points = random.percent(50) ? random.integer(0, 5000) : 0;
    funds.push({ storedValueFen, balanceFen, commissionFen, points });
    if (storedValueFen + balanceFen + commissionFen + points > 0) {
      openingBalances.push({
        member_id: id,
        stored_value: money(storedValueFen),
        balance: money(balanceFen),
        commission: money(commissionFen),
        points,
      });
    }
  }

  // Every activity of the month as a timed event, processed in time order.
  const randomInstant = (): number => startMs + random.integer(0, (endMs - startMs) / SECOND_MS - 1) * SECOND_MS;
  const events: TimedEvent[] = [];
  for (let index = 0; index < orderCount; index += 1) events.push({ atMs: randomInstant(), kind: 'order', memberIndex: random.integer(0, memberCount - 1) });
  const topupCount = Math.max(5, Math.round(orderCount / 8));
  for (let index = 0; index < topupCount; index += 1) events.push({ atMs: randomInstant(), kind: 'topup', memberIndex: random.integer(0, memberCount - 1) });
  const withdrawalCount = Math.max(8, Math.round(orderCount / 200));
  for (let index = 0; index < withdrawalCount; index += 1) events.push({ atMs: randomInstant(), kind: 'withdrawal', memberIndex: random.integer(0, memberCount - 1) });
  const expireAtMs = startMs + 14 * DAY_MS; // points expire at 00:00 on the 15th
  for (let index = 0; index < memberCount; index += 1) {
    if (funds[index].points >= 1000 && random.percent(20)) events.push({ atMs: expireAtMs, kind: 'expire', memberIndex: index });
  }
  const kindOrder: Record<EventKind, number> = { expire: 0, topup: 1, order: 2, withdrawal: 3 };
  events.sort((a, b) => a.atMs - b.atMs || kindOrder[a.kind] - kindOrder[b.kind] || a.memberIndex - b.memberIndex);

  const balanceHolderIndexes = funds.flatMap((memberFunds, index) => (memberFunds.balanceFen >= 1000 ? [index] : []));
  const distributorIndexes = members.flatMap((member, index) => (member.is_distributor ? [index] : []));
  const orders: MallOrder[] = [];
  const refunds: MallRefund[] = [];
  const topups: MallTopup[] = [];
  const points: MallPointsMovement[] = [];
  const commissions: MallCommission[] = [];
  const withdrawals: MallWithdrawal[] = [];
  let crossMidnightOrderId: string | null = null;
  let largeWithdrawalsWanted = 2;
  const crossMidnightEarliestMs = startMs + 9 * DAY_MS;
  const crossMidnightLatestMs = endMs - 3 * DAY_MS;

  const addPoints = (
    memberId: string,
    change: number,
    kind: MallPointsMovement['kind'],
    atMs: number,
    order: MallOrder | null,
    cashValueFen: number | null,
  ): void => {
    const id = `pt_${padId(points.length + 1)}`;
    points.push({
      id,
      member_id: memberId,
      change,
      kind,
      order_id: order?.id ?? null,
      order_no: order?.order_no ?? null,
      cash_value: cashValueFen === null ? null : money(cashValueFen),
      occurred_at: formatShanghaiInstant(atMs),
      updated_at: formatShanghaiInstant(atMs),
      version: 1,
    });
  };

  const channelTradeNo = (channel: 'wechat' | 'alipay', atMs: number, sequence: number): string =>
    channel === 'wechat'
      ? `4200${padId(sequence).padStart(10, '0')}${compactDate(atMs)}${random.digits(6)}`
      : `${compactDate(atMs)}22001${random.digits(8)}${padId(sequence)}`;

  for (const event of events) {
    const member = members[event.memberIndex];
    const memberFunds = funds[event.memberIndex];
    if (event.kind === 'expire') {
      const expired = Math.min(500, memberFunds.points);
      if (expired > 0) {
        memberFunds.points -= expired;
        addPoints(member.id, -expired, 'expire', event.atMs, null, null);
      }
      continue;
    }
    if (event.kind === 'topup') {
      const choice = random.pick(topupChoices);
      const sequence = topups.length + 1;
      const channel = random.percent(55) ? 'wechat' : 'alipay';
      topups.push({
        id: `t_${padId(sequence)}`,
        topup_no: `TU${compactDate(event.atMs)}${padId(sequence)}`,
        member_id: member.id,
        amount: money(choice.amountFen),
        bonus_amount: money(choice.bonusFen),
        pay_channel: channel,
        channel_trade_no: channelTradeNo(channel, event.atMs, 5_000_000 + sequence),
        status: 'paid',
        paid_at: formatShanghaiInstant(event.atMs),
        updated_at: formatShanghaiInstant(event.atMs),
        version: 1,
      });
      memberFunds.storedValueFen += choice.amountFen + choice.bonusFen;
      continue;
    }
    if (event.kind === 'withdrawal') {
      generateWithdrawal(event);
      continue;
    }
    generateOrder(event);
  }

  function generateWithdrawal(event: TimedEvent): void {
    let memberIndex: number;
    let source: 'balance' | 'commission';
    let amountFen: number;
    if (largeWithdrawalsWanted > 0 && funds[0].commissionFen >= largeWithdrawalMaxFen) {
      // The first events withdraw large commission amounts (>= 10,000.00) from distributor 1.
      memberIndex = 0;
      source = 'commission';
      amountFen = random.integer(largeWithdrawalFen / 100, largeWithdrawalMaxFen / 100) * 100;
      largeWithdrawalsWanted -= 1;
    } else {
      // Half the withdrawals come from member balances, half from distributors' commission.
      const fromBalance = random.percent(50);
      const candidates = fromBalance ? balanceHolderIndexes : distributorIndexes;
      if (candidates.length === 0) return;
      memberIndex = random.pick(candidates);
      if (fromBalance && funds[memberIndex].balanceFen >= 1000) {
        source = 'balance';
        amountFen = random.integer(10, Math.min(Math.floor(funds[memberIndex].balanceFen / 100), 500)) * 100;
      } else if (!fromBalance && funds[memberIndex].commissionFen >= 10000) {
        source = 'commission';
        amountFen = random.integer(100, Math.min(Math.floor(funds[memberIndex].commissionFen / 100), 3000)) * 100;
      } else {
        return;
      }
    }
    const member = members[memberIndex];
    const memberFunds = funds[memberIndex];
    if (source === 'commission') memberFunds.commissionFen -= amountFen;
    else memberFunds.balanceFen -= amountFen;
    const feeFen = source === 'balance' ? multiplyByRate(fen(amountFen), balanceWithdrawalFeeRate, 'half-up') : 0;
    let method: MallWithdrawal['method'] = random.pick(['wechat', 'wechat', 'wechat', 'alipay', 'bank'] as const);
    if (method === 'wechat' && member.wechat_openid === null) method = 'bank';
    const sequence = withdrawals.length + 1;
    const roll = random.integer(0, 99);
    const decidedMs = event.atMs + random.integer(2, 30) * HOUR_MS;
    let status: MallWithdrawal['status'] = 'submitted';
    if (decidedMs < endMs) {
      if (roll < 8) status = 'approved';
      else if (roll < 15) status = 'rejected';
      else if (roll < 25) status = 'cancelled';
    }
    withdrawals.push({
      id: `w_${padId(sequence)}`,
      withdrawal_no: `WD${compactDate(event.atMs)}${padId(sequence)}`,
      member_id: member.id,
      source,
      amount: money(amountFen),
      fee: money(feeFen),
      net_amount: money(amountFen - feeFen),
      method,
      payee_openid: method === 'wechat' ? member.wechat_openid : null,
      payee_account_masked: method === 'bank' ? `6222 **** **** ${random.digits(4)}` : method === 'alipay' ? `1${random.integer(30, 99)}****${random.digits(4)}` : null,
      real_name: member.real_name,
      status,
      submitted_at: formatShanghaiInstant(event.atMs),
      updated_at: formatShanghaiInstant(status === 'submitted' ? event.atMs : decidedMs),
      version: status === 'submitted' ? 1 : 2,
    });
  }

  function generateOrder(event: TimedEvent): void {
    const member = members[event.memberIndex];
    const memberFunds = funds[event.memberIndex];
    const sequence = orders.length + 1;
    const orderId = `o_${padId(sequence)}`;
    let createdMs = event.atMs;
    const roll = random.integer(0, 99);
    let paidMs: number | null = createdMs + random.integer(5, 900) * SECOND_MS;
    let closedUnpaid = false;
    if (roll < 3) {
      paidMs = null;
      closedUnpaid = true;
    } else if (roll < 5 || paidMs >= endMs) {
      paidMs = null;
    }
    // One WeChat payment at 23:59:5x whose channel row lands in the next day's bill.
    let isCrossMidnight = false;
    if (crossMidnightOrderId === null && paidMs !== null && createdMs >= crossMidnightEarliestMs && createdMs < crossMidnightLatestMs) {
      const dayStartMs = startMs + Math.floor((createdMs - startMs) / DAY_MS) * DAY_MS;
      createdMs = dayStartMs + DAY_MS - 40 * SECOND_MS;
      paidMs = dayStartMs + DAY_MS - random.integer(1, 9) * SECOND_MS;
      isCrossMidnight = true;
      crossMidnightOrderId = orderId;
    }

    const lineCount = random.pick([1, 1, 1, 2, 2, 3]);
    const lines: MallOrderLine[] = [];
    let goodsFen = 0;
    for (let lineIndex = 0; lineIndex < lineCount; lineIndex += 1) {
      const product = random.pick(products);
      const quantity = random.pick([1, 1, 1, 2, 3]);
      const amountFen = product.unitPriceFen * quantity;
      goodsFen += amountFen;
      lines.push({
        line_id: `ol_${padId(sequence)}_${lineIndex + 1}`,
        sku: product.sku,
        name: product.name,
        quantity,
        unit_price: money(product.unitPriceFen),
        amount: money(amountFen),
        cost_amount: product.costFen === null ? null : money(product.costFen * quantity),
      });
    }
    const shippingAmountFen = goodsFen >= freeShippingFromFen ? 0 : shippingFen;
    let couponFen = 0;
    if (random.percent(20)) {
      const coupon = random.pick(couponChoicesFen);
      if (coupon * 4 <= goodsFen) couponFen = coupon;
    }
    const beforePointsFen = goodsFen + shippingAmountFen - couponFen;
    let pointsUsed = 0;
    let storedValueFen = 0;
    let balanceFen = 0;
    if (paidMs !== null && !isCrossMidnight) {
      if (memberFunds.points >= 100 && random.percent(25)) {
        // At most 20 % of the amount may be paid with points, in whole hundreds of points.
        pointsUsed = Math.min(Math.floor(memberFunds.points / 100), Math.floor(beforePointsFen / 5 / 100 / fenPerPoint)) * 100;
      }
    }
    const pointsDeductionFen = pointsUsed * fenPerPoint;
    const dueFen = beforePointsFen - pointsDeductionFen;
    if (paidMs !== null && !isCrossMidnight) {
      if (memberFunds.storedValueFen > 0 && random.percent(35)) storedValueFen = Math.min(memberFunds.storedValueFen, dueFen);
      if (dueFen - storedValueFen > 0 && memberFunds.balanceFen > 0 && random.percent(15)) {
        balanceFen = Math.min(memberFunds.balanceFen, dueFen - storedValueFen);
      }
      memberFunds.points -= pointsUsed;
      memberFunds.storedValueFen -= storedValueFen;
      memberFunds.balanceFen -= balanceFen;
    }
    const paidAmountFen = dueFen - storedValueFen - balanceFen;
    const payChannel: MallPayChannel = isCrossMidnight ? 'wechat' : paidAmountFen === 0 ? 'none' : random.percent(60) ? 'wechat' : 'alipay';

    // Life cycle after payment.
    const refundRoll = random.integer(0, 99);
    const fullRefund = paidMs !== null && !isCrossMidnight && refundRoll < 4;
    const partialRefund = paidMs !== null && !isCrossMidnight && refundRoll >= 4 && refundRoll < 10;
    const transitions: number[] = [createdMs];
    let status: MallOrder['status'] = 'unpaid';
    let completedMs: number | null = null;
    let closedMs: number | null = null;
    if (closedUnpaid) {
      const closeAt = createdMs + 30 * MINUTE_MS;
      if (closeAt < endMs) {
        status = 'closed';
        closedMs = closeAt;
        transitions.push(closeAt);
      }
    }
    let fullRefundTimes: { requestedMs: number; succeededMs: number } | null = null;
    if (paidMs !== null) {
      status = 'paid';
      transitions.push(paidMs);
      if (fullRefund) {
        const requestedMs = paidMs + random.integer(10, 120) * MINUTE_MS;
        const succeededMs = requestedMs + random.integer(1, 30) * MINUTE_MS;
        if (requestedMs < endMs) fullRefundTimes = { requestedMs, succeededMs };
        if (succeededMs < endMs) {
          status = 'closed';
          closedMs = succeededMs;
          transitions.push(succeededMs);
        }
      } else {
        const shippedMs = paidMs + random.integer(2, 48) * HOUR_MS;
        const receivedMs = shippedMs + random.integer(2, 7) * DAY_MS;
        if (shippedMs < endMs) {
          status = 'shipped';
          transitions.push(shippedMs);
        }
        if (receivedMs < endMs) {
          status = 'completed';
          completedMs = receivedMs;
          transitions.push(receivedMs);
        }
      }
    }
    const tradeNo = paidMs !== null && payChannel !== 'none' ? channelTradeNo(payChannel, paidMs, sequence) : null;
    const order: MallOrder = {
      id: orderId,
      order_no: `SO${compactDate(createdMs)}${padId(sequence)}`,
      member_id: member.id,
      status,
      created_at: formatShanghaiInstant(createdMs),
      paid_at: paidMs === null ? null : formatShanghaiInstant(paidMs),
      completed_at: completedMs === null ? null : formatShanghaiInstant(completedMs),
      closed_at: closedMs === null ? null : formatShanghaiInstant(closedMs),
      currency: 'CNY',
      goods_amount: money(goodsFen),
      shipping_amount: money(shippingAmountFen),
      coupon_discount: money(couponFen),
      points_used: pointsUsed,
      points_deduction_amount: money(pointsDeductionFen),
      stored_value_amount: money(storedValueFen),
      balance_amount: money(balanceFen),
      paid_amount: money(paidAmountFen),
      // An order never paid still names the channel the member chose (the amounts are what was due).
      pay_channel: paidMs === null && payChannel === 'none' ? 'wechat' : payChannel,
      channel_trade_no: tradeNo,
      distributor_id: member.parent_distributor_id,
      lines,
      updated_at: formatShanghaiInstant(Math.max(...transitions)),
      version: transitions.length,
    };
    orders.push(order);
    if (paidMs === null) return;

    if (pointsUsed > 0) addPoints(member.id, -pointsUsed, 'deduct', paidMs, order, pointsDeductionFen);
    if (completedMs !== null) {
      const earned = Math.floor(dueFen / 100);
      if (earned > 0) addPoints(member.id, earned, 'earn', completedMs, order, null);
    }

    // Refunds: a full refund before shipping closes the order; a partial one returns one unit of a line.
    const cancelledLineAtMs = new Map<string, number>();
    if (fullRefundTimes !== null) {
      const refund = addRefund(order, fullRefundTimes.requestedMs, fullRefundTimes.succeededMs, dueFen, paidAmountFen, storedValueFen, pointsUsed,
        lines.map((line) => ({ line_id: line.line_id, quantity: line.quantity, amount: line.amount })), payChannel, sequence, 'full');
      if (refund.status === 'succeeded') {
        for (const line of lines) cancelledLineAtMs.set(line.line_id, fullRefundTimes.succeededMs);
        if (pointsUsed > 0) addPoints(member.id, pointsUsed, 'return', fullRefundTimes.succeededMs, order, pointsDeductionFen);
      }
    } else if (partialRefund) {
      const lineIndex = random.integer(0, lines.length - 1);
      const line = lines[lineIndex];
      const unitFen = products.find((product) => product.sku === line.sku)!.unitPriceFen;
      const amountFen = Math.min(unitFen, dueFen);
      const requestedMs = paidMs + random.integer(1, 10 * 24) * HOUR_MS;
      const succeededMs = requestedMs + random.integer(10, 24 * 60) * MINUTE_MS;
      if (requestedMs < endMs) {
        const refund = addRefund(order, requestedMs, succeededMs, amountFen, paidAmountFen, storedValueFen, 0,
          [{ line_id: line.line_id, quantity: 1, amount: money(amountFen) }], payChannel, sequence, 'partial');
        if (refund.status === 'succeeded') cancelledLineAtMs.set(line.line_id, succeededMs);
      }
    }

    // Commissions per line: level 1 to the referring distributor, level 2 to their own referrer.
    const level1Id = member.parent_distributor_id;
    if (level1Id === null) return;
    const level1Member = members[Number(level1Id.slice(2)) - 1];
    const level2Id = level1Member.parent_distributor_id;
    const settleableMs = completedMs === null ? null : completedMs + returnWindowMs;
    for (const line of lines) {
      const basisFen = yuanTextToFen(line.amount);
      const grants: Array<{ distributorId: string; level: 1 | 2; rate: string }> = [
        { distributorId: level1Id, level: 1, rate: distributorInfo.get(level1Id)!.level1Rate },
      ];
      if (level2Id !== null) grants.push({ distributorId: level2Id, level: 2, rate: distributorInfo.get(level2Id)!.level2Rate });
      for (const grant of grants) {
        const cancelledMs = cancelledLineAtMs.get(line.line_id) ?? null;
        const becameSettleable = settleableMs !== null && settleableMs < endMs && (cancelledMs === null || settleableMs < cancelledMs);
        const times = [paidMs];
        let commissionStatus: MallCommission['status'] = 'pending';
        if (becameSettleable) {
          commissionStatus = 'settleable';
          times.push(settleableMs!);
        }
        if (cancelledMs !== null) {
          commissionStatus = 'cancelled';
          times.push(cancelledMs);
        }
        commissions.push({
          id: `c_${padId(commissions.length + 1)}`,
          distributor_id: grant.distributorId,
          order_id: order.id,
          order_no: order.order_no,
          line_id: line.line_id,
          level: grant.level,
          basis_amount: line.amount,
          rate: grant.rate,
          amount: money(multiplyByRate(basisFen, grant.rate, 'half-up')),
          status: commissionStatus,
          settleable_at: becameSettleable ? formatShanghaiInstant(settleableMs!) : null,
          created_at: formatShanghaiInstant(paidMs),
          updated_at: formatShanghaiInstant(Math.max(...times)),
          version: times.length,
        });
      }
    }
  }

  function addRefund(
    order: MallOrder,
    requestedMs: number,
    succeededMs: number,
    amountFen: number,
    orderPaidFen: number,
    orderStoredValueFen: number,
    pointsReturned: number,
    refundLines: MallRefund['lines'],
    payChannel: MallPayChannel,
    orderSequence: number,
    kind: 'full' | 'partial',
  ): MallRefund {
    // Money goes back the way it came: channel first, then stored value, then balance.
    const channelFen = Math.min(amountFen, orderPaidFen);
    const storedValueFen = Math.min(amountFen - channelFen, orderStoredValueFen);
    const balanceFen = amountFen - channelFen - storedValueFen;
    const sequence = refunds.length + 1;
    let status: MallRefund['status'] = 'succeeded';
    let updatedMs = succeededMs;
    let version = 3;
    if (kind === 'partial' && random.percent(8)) {
      status = 'rejected';
      updatedMs = Math.min(requestedMs + DAY_MS, endMs - SECOND_MS);
      version = 2;
    } else if (succeededMs >= endMs) {
      const approvedMs = requestedMs + 5 * MINUTE_MS;
      status = approvedMs < endMs ? 'processing' : 'requested';
      updatedMs = approvedMs < endMs ? approvedMs : requestedMs;
      version = approvedMs < endMs ? 2 : 1;
    }
    const channel: MallPayChannel = channelFen > 0 ? payChannel : 'none';
    const refund: MallRefund = {
      id: `rf_${padId(sequence)}`,
      refund_no: `RF${compactDate(requestedMs)}${padId(sequence)}`,
      order_id: order.id,
      order_no: order.order_no,
      amount: money(amountFen),
      channel_amount: money(channelFen),
      stored_value_amount: money(storedValueFen),
      balance_amount: money(balanceFen),
      points_returned: status === 'succeeded' ? pointsReturned : 0,
      channel,
      channel_refund_no:
        status === 'succeeded' && channel === 'wechat' ? `5030${padId(orderSequence).padStart(10, '0')}${compactDate(succeededMs)}${padId(sequence)}` : null,
      status,
      reason: kind === 'full' ? '不想要了' : random.pick(['商品破损', '尺寸不合适', '少发漏发', null]),
      requested_at: formatShanghaiInstant(requestedMs),
      succeeded_at: status === 'succeeded' ? formatShanghaiInstant(succeededMs) : null,
      lines: refundLines,
      updated_at: formatShanghaiInstant(updatedMs),
      version,
    };
    refunds.push(refund);
    return refund;
  }

  return {
    seed,
    month,
    mallName: '演示商城 Ledgerdesk Demo Mall',
    merchantId: 'DEMO-MALL-001',
    booksStartAt: formatShanghaiInstant(startMs),
    periodEndAt: formatShanghaiInstant(endMs),
    accounts: {
      wechatAppId: 'wx8d3f1c2b7a6e5d40',
      wechatMchId: '1900012345',
      alipayPid: '2088123456789012',
      bankAccount: '755912345610901',
      bankAccountName: '演示商城有限公司',
    },
    members,
    openingBalances,
    orders,
    refunds,
    topups,
    points,
    commissions,
    withdrawals,
    crossMidnightOrderId,
  };
}

/** The amount identities hold by construction; exported for tests and the channel-file writer. */
export function yuanTextToFen(text: string): Fen {
  // Contract money is always /^-?\d+\.\d{2}$/: removing the point gives the fen exactly.
  if (!/^-?\d+\.\d{2}$/.test(text)) throw new Error(`not contract money: ${text}`);
  return fen(Number(text.replace('.', '')));
}
