export * from './period';
export * from './movements';
export * from './gmv';
export * from './discrepancies';
export * from './overview';
export * from './overview-json';
export * from './details';
