import { registerVerifyCheck } from '../../workspace/verify';
import { mallDocumentsCompleteCheck } from './verify-check';

export { createMallClient, MallRequestError, parseRetryAfterMs, backoffDelayMs } from './client';
export type { MallClient, MallClientOptions, MallResponse } from './client';
export { saveMallConnection, resolveMallConnection, MALL_URL_SETTING, MALL_TOKEN_SECRET } from './connection';
export type { MallConnection } from './connection';
export { desiredEntries, bookingProblem, entryMatchKey, managedEntryTypes, proportionalFenHalfUp } from './desired';
export type { DesiredContext } from './desired';
export { syncFromMall, syncOrder } from './sync';
export { MALL_PAGE_WORKER_RESOURCE_LIMITS, useMallPageWorker } from './pages-on-worker';
export type { MallPageWorkerData, MallPageWorkerFactory } from './pages-on-worker';
export type { SyncOptions, SyncProgress, SyncResult, RejectedRecordSummary } from './sync';
export { gmvCrossCheck } from './gmv';
export type { GmvCrossCheck, GmvDay } from './gmv';
export { enqueueOutbox, flushOutbox, listOutbox, outboxPath } from './outbox';
export type { EnqueueOutboxInput, FlushOutboxOptions, FlushOutboxResult, OutboxItem, OutboxKind, OutboxState } from './outbox';
export { listRejectedRecords } from './store';
export type { RejectedRecordRow } from './store';
export { mallDocumentsCompleteCheck } from './verify-check';

// verify gains "each synced document's entries are complete for its state" wherever sync is loaded.
registerVerifyCheck(mallDocumentsCompleteCheck);
