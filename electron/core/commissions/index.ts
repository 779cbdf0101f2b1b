// Commissions: basis checks and drill-downs, settlement cycles, settlement runs, clawbacks.
export * from './basis';
export * from './cycle';
export * from './settle';
export * from './clawback';
