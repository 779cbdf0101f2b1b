export { generateMallDataset, yuanTextToFen } from './generate';
export type { MallDataset, MallDatasetOptions, DemoMerchantAccounts } from './generate';
export { startDemoMall } from './server';
export type { DemoMall, DemoMallFaults, DemoMallOptions, IdentityResource, WriteLog } from './server';
export { computeDailySummaries, computeMemberBalances } from './summaries';
export type { RecordedSettlementPayout } from './summaries';
export { writeDemoChannelFiles, discrepancyCategories, demoChannelFee, demoChannelFeeRate } from './channel-files';
export type { CrossMidnightPayment, DemoChannelFiles, DemoChannelFilesOptions, DiscrepancyCategory, InjectedDiscrepancy, PaymentChannel } from './channel-files';
