export * from './passwords';
export * from './roles';
export * from './users';
export * from './duties';
export * from './passphrase-strength';
