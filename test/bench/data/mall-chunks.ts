import { generateMallDataset, type MallDataset } from '../../../electron/core/mall/demo';

/**
 * The demo mall's generator makes one month of a mall in memory (about 5 KB per order), so big
 * benchmark inputs are made of several seeded datasets of moderate size ("chunks"). Every chunk
 * after the first gets a suffix on its document numbers, ids and member ids so that numbers never
 * collide across chunks while each chunk stays internally consistent (orders, refunds, top-ups
 * and opening balances of one chunk point at each other as the generator made them).
 */
export const ORDERS_PER_CHUNK_DEFAULT = 100_000;

export interface MallChunkOptions {
  seed: number;
  /** The month each chunk covers, by chunk index (e.g. all the same month, or one per month). */
  monthOfChunk: (chunkIndex: number) => string;
  ordersPerChunk: number;
}

function suffixOf(chunkIndex: number): string {
  return chunkIndex === 0 ? '' : `X${String(chunkIndex).padStart(3, '0')}`;
}

function renamed(dataset: MallDataset, suffix: string): MallDataset {
  if (!suffix) return dataset;
  const add = (text: string) => `${text}${suffix}`;
  const addOrNull = (text: string | null) => (text === null ? null : add(text));
  for (const member of dataset.members) {
    member.id = add(member.id);
    member.parent_distributor_id = addOrNull(member.parent_distributor_id);
  }
  for (const balance of dataset.openingBalances) balance.member_id = add(balance.member_id);
  for (const order of dataset.orders) {
    order.id = add(order.id);
    order.order_no = add(order.order_no);
    order.member_id = add(order.member_id);
    order.channel_trade_no = addOrNull(order.channel_trade_no);
    order.distributor_id = addOrNull(order.distributor_id);
  }
  for (const refund of dataset.refunds) {
    refund.id = add(refund.id);
    refund.refund_no = add(refund.refund_no);
    refund.order_id = add(refund.order_id);
    refund.order_no = add(refund.order_no);
    refund.channel_refund_no = addOrNull(refund.channel_refund_no);
  }
  for (const topup of dataset.topups) {
    topup.id = add(topup.id);
    topup.topup_no = add(topup.topup_no);
    topup.member_id = add(topup.member_id);
    topup.channel_trade_no = addOrNull(topup.channel_trade_no);
  }
  return dataset;
}

/** Seeded chunks, generated one at a time so only one is in memory. */
export function* mallChunks(options: MallChunkOptions): Generator<{ chunkIndex: number; dataset: MallDataset }> {
  for (let chunkIndex = 0; ; chunkIndex += 1) {
    const dataset = generateMallDataset({
      seed: options.seed + chunkIndex,
      month: options.monthOfChunk(chunkIndex),
      orderCount: options.ordersPerChunk,
    });
    yield { chunkIndex, dataset: renamed(dataset, suffixOf(chunkIndex)) };
  }
}
