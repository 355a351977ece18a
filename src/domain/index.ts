export * from './categories.js';
export * from './decide.js';
export * from './measure-history.js';
export * from './messages.js';
export * from './time.js';
