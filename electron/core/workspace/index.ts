export * from './workspace';
export * from './verify';
export * from './secrets';
