import type { Clock } from './handler-types.js';

export const systemClock: Clock = { now: () => Date.now() };
