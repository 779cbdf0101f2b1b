export * from './workspace';
export * from './verify';
export * from './secrets';
export * from './lock';
export * from './backup';
export * from './rekey';
export * from './auditor-copy';
