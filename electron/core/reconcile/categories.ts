/** DESIGN.md section 6: the fixed vocabulary of discrepancies (UI, CLI and exports use these words). */
export const discrepancyCategories = [
  'missing_in_channel',
  'missing_in_mall',
  'amount_mismatch',
  'duplicate_in_channel',
  'status_mismatch',
  'refund_missing_in_channel',
  'refund_missing_in_mall',
  'refund_amount_mismatch',
  'fee_mismatch',
] as const;
export type DiscrepancyCategory = (typeof discrepancyCategories)[number];

export const resultStatuses = ['matched', 'pending', 'open', 'resolved'] as const;
export type ResultStatus = (typeof resultStatuses)[number];

export const resolutions = ['mall_corrected', 'channel_corrected', 'write_off', 'timing'] as const;
export type Resolution = (typeof resolutions)[number];

/** Categories about refunds: the clearing account moves the other way round. */
export function isRefundCategory(category: DiscrepancyCategory): boolean {
  return category.startsWith('refund_');
}
