export * from './audit-log';
export * from './read';
