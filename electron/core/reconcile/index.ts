export * from './categories';
export * from './settings';
export { refreshMallProjection, projectionStaleCount, projectionMigrationSql } from './projection';
export { runReconciliation, periodFigures, tradeFileKinds } from './run';
export type { ReconcileOptions, ReconcileSummary, PeriodFigures } from './run';
export { ratioText, ratioBelow } from './rate';
export * from './results';
export * from './review';
