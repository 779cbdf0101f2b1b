// The payouts module API. The simulator and the test key kit are imported from their own files
// (tests and benchmarks only).
export * from './payout-channel';
export * from './file-export';
export * from './wechat/signing';
export * from './wechat/transfer-rules';
export { createApiClient, type ApiCallResult, type ApiClient, type WechatPayApiConfig, type WechatPayError } from './wechat/api-client';
export * from './wechat/transfer-bills-client';
export * from './wechat/batches-client';
export * from './wechat/transfer-bills-channel';
export * from './wechat/batches-channel';
// Persistence and wiring (workspace tables, merchant settings, the payout runner).
export * from './payout-store';
export * from './workspace-batch-index';
export * from './merchant-config';
export * from './mall-writeback';
export * from './payout-runner';
export * from './unconfirmed';
export * from './import-results';
