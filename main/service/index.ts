export { createService } from './create-service.js';
export type { LockPolicy, Service, ServiceDeps } from './create-service.js';
export { defaultVaultPath } from './paths.js';
export type { Clock, HandlerTable } from './handler-types.js';
export { systemClock } from './system-clock.js';
export type { ScreenCapture } from './capture.js';
export { commandScreenCapture, readClipboard } from './desktop-tools.js';
export type { ClipboardContent } from './desktop-tools.js';
