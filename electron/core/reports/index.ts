export * from './period';
export * from './movements';
export * from './gmv';
export * from './discrepancies';
export * from './overview';
export * from './overview-json';
export * from './details';
export * from './totals';

import { registerVerifyCheck } from '../workspace/verify';
import { periodTotalsCheck } from './totals';

// `verify` recomputes the report totals from the postings (a tampered total would skew reports).
registerVerifyCheck(periodTotalsCheck);
