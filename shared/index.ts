export * from './account.js';
export * from './api.js';
export * from './client.js';
export * from './errors.js';
export * from './wire.js';
export * from './vault-api.js';
export * from './enroll-api.js';
export * from './import-api.js';
