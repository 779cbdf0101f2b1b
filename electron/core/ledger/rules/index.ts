export * from './orders';
export * from './points';
export * from './refunds';
export * from './topups';
export * from './withdrawals';
export * from './commissions';
export * from './channels';
export * from './opening';
