export * from './workspace';
export * from './verify';
