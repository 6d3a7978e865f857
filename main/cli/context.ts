import type { LatchkeyClient } from '../../shared/client.js';
import type { CliIo } from './io.js';

/** What every command is built with: the outside world and the in-process service client. */
export interface CliContext {
  readonly io: CliIo;
  readonly client: LatchkeyClient;
}
