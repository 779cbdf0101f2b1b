import type { Scale } from '../scales';
import { dashboardOperation } from './dashboard';
import { importAlipayOperation, importWechatOperation } from './imports';
import { excelExportOperation, verifyOperation } from './ledger-reads';
import { gridPageOperation, reconcileOperation } from './reconcile';
import { monthlyReportOperation } from './report';
import { settlementOperation } from './settlement';
import { syncOperation } from './sync';
import type { BenchOperation } from './types';

/**
 * An operation whose engine has not landed yet: listed in the table as "not available" with
 * pass null, never measured, never given a number. (Every operation of section 12 runs today.)
 */
export function notAvailable(name: string, size: (scale: Scale) => string, target: BenchOperation['target'], reason: string): BenchOperation {
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
  settlementOperation,
  verifyOperation,
  dashboardOperation,
];

export function findOperation(key: string): BenchOperation | undefined {
  return benchOperations.find((operation) => operationKey(operation) === key);
}

/** The command-line name of an operation: "import-wechat-trade-bill". */
export function operationKey(operation: BenchOperation): string {
  return operation.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
