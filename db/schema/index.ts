export * from './core';
export * from './channels';
export * from './mall';
export * from './payouts';
export * from './reconcile';
