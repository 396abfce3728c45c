export * from './audit.js';
export * from './common.js';
export * from './errors.js';
export * from './events.js';
export * from './routes.js';
export * from './status.js';
export * from './tokens.js';
export * from './users.js';
