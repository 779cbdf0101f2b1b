export * from './core';
export * from './channels';
