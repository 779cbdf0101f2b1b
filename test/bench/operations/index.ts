import type { Scale } from '../scales';
import { importAlipayOperation, importWechatOperation } from './imports';
import { excelExportOperation, verifyOperation } from './ledger-reads';
import { gridPageOperation, reconcileOperation } from './reconcile';
import { monthlyReportOperation } from './report';
import { syncOperation } from './sync';
import { countLabel, type BenchOperation } from './types';

/** An operation whose engine has not landed yet: listed, never measured, never given a number. */
function notAvailable(name: string, size: (scale: Scale) => string, target: BenchOperation['target'], reason: string): BenchOperation {
  return {
    name,
    size,
    target,
    unavailableReason: reason,
    requires: [],
    measure: () => Promise.reject(new Error(`${name} is not available: ${reason}`)),
  };
}

/** Every operation of DESIGN.md section 12 (and verify), in the order the table shows them. */
export const benchOperations: readonly BenchOperation[] = [
  syncOperation,
  importWechatOperation,
  importAlipayOperation,
  reconcileOperation,
  gridPageOperation,
  monthlyReportOperation,
  excelExportOperation,
  notAvailable('commission settlement', (scale) => countLabel(scale.settlementDistributorCount, 'distributors'), { secondsMax: 5, ratioToFloorMax: null, peakMemoryMbMax: null }, 'runSettlement + submitPayouts landed (0f1feed) but the bench does not drive them yet: it needs synced, accrued commissions for N distributors, a payout config and the WeChat simulator in its own process'),
  verifyOperation,
];

export function findOperation(key: string): BenchOperation | undefined {
  return benchOperations.find((operation) => operationKey(operation) === key);
}

/** The command-line name of an operation: "import-wechat-trade-bill". */
export function operationKey(operation: BenchOperation): string {
  return operation.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
