export { createService } from './create-service.js';
export type { Service, ServiceDeps } from './create-service.js';
export type { Clock, HandlerTable } from './handler-types.js';
export { systemClock } from './system-clock.js';
