import { measureSettlement, SETTLEMENT_CONCURRENCY } from '../../integration/payouts-settlement-bench';
import type { Scale } from '../scales';
import { countLabel, type BenchOperation, type OperationContext, type TimedRun } from './types';

const COMMISSIONS_PER_DISTRIBUTOR = 3;

/**
 * Group, post, sign and submit one settlement to the WeChat Pay simulator (in its own process,
 * served by this same script on --serve-simulator). The payouts engineer's measureSettlement
 * does the untimed setup (synced members, accrued commissions, payout config) and the timing.
 */
async function measureCommissionSettlement(context: OperationContext): Promise<TimedRun> {
  const distributorCount = context.scale.settlementDistributorCount;
  const result = await measureSettlement(context.workDir, distributorCount, COMMISSIONS_PER_DISTRIBUTOR, SETTLEMENT_CONCURRENCY, process.argv[1]);
  if (result.payoutCount !== distributorCount) throw new Error(`${result.payoutCount} payouts for ${distributorCount} distributors`);
  const states = Object.entries(result.states).map(([state, count]) => `${count} ${state}`).join(', ');
  return {
    seconds: result.seconds,
    cpuSeconds: result.cpuSeconds,
    rowCount: distributorCount,
    note: `${distributorCount * COMMISSIONS_PER_DISTRIBUTOR} commissions; settlement run ${result.settlementSeconds.toFixed(2)} s, channel (sign + HTTP + simulator) ${result.channelSeconds.toFixed(2)} s; simulator process cpu ${result.simulatorCpuSeconds.toFixed(2)} s; payouts ${states}; ${result.transfersOnSimulator} transfers on the simulator`,
  };
}

export const settlementOperation: BenchOperation = {
  name: 'commission settlement',
  size: (scale: Scale) => countLabel(scale.settlementDistributorCount, 'distributors'),
  target: { secondsMax: 5, ratioToFloorMax: null, peakMemoryMbMax: null },
  unavailableReason: null,
  requires: [],
  measure: measureCommissionSettlement,
};
