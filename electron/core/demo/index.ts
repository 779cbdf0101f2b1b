export * from './run-demo';
