// Withdrawals: the synced list, member history, and the two-tier review.
export * from './withdrawals';
export * from './review';
