/**
 * Sizes per scale. `full` is DESIGN.md section 12; `small` is the CI smoke run (under two
 * minutes, no timing judged by anyone); `tiny` is what the vitest smoke test runs.
 */
export type ScaleName = 'tiny' | 'small' | 'full';
export const scaleNames: readonly ScaleName[] = ['tiny', 'small', 'full'];

export interface Scale {
  name: ScaleName;
  /** Orders the demo mall serves to the sync. */
  syncOrderCount: number;
  wechatBillRowCount: number;
  alipayZipRowCount: number;
  /** Mall orders and channel rows on each side of the reconciliation. */
  reconcileRowCount: number;
  /** Postings in the workspace the monthly report and verify read. */
  postingCount: number;
  excelRowCount: number;
  settlementDistributorCount: number;
  /** Rows in one page of the reconciliation grid. */
  gridPageRowCount: number;
}

export const scales: Record<ScaleName, Scale> = {
  tiny: {
    name: 'tiny',
    syncOrderCount: 300,
    wechatBillRowCount: 2_000,
    alipayZipRowCount: 1_000,
    reconcileRowCount: 2_000,
    postingCount: 6_000,
    excelRowCount: 2_000,
    settlementDistributorCount: 20,
    gridPageRowCount: 200,
  },
  small: {
    name: 'small',
    syncOrderCount: 5_000,
    wechatBillRowCount: 50_000,
    alipayZipRowCount: 10_000,
    reconcileRowCount: 50_000,
    postingCount: 150_000,
    excelRowCount: 50_000,
    settlementDistributorCount: 200,
    gridPageRowCount: 200,
  },
  full: {
    name: 'full',
    syncOrderCount: 100_000,
    wechatBillRowCount: 1_000_000,
    alipayZipRowCount: 200_000,
    reconcileRowCount: 1_000_000,
    postingCount: 3_000_000,
    excelRowCount: 1_000_000,
    settlementDistributorCount: 2_000,
    gridPageRowCount: 200,
  },
};

export function isScaleName(text: string): text is ScaleName {
  return (scaleNames as readonly string[]).includes(text);
}
