export * from './passwords';
export * from './roles';
export * from './users';
