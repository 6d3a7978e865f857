import { randomUUID } from 'node:crypto';
import type { LatchkeyClient } from '../../shared/client.js';
import type { CliIo } from './io.js';

/**
 * Runs a long call under an operation id of its own, so Ctrl-C during it (a touch wait, a KDF, a
 * sync) sends `op.cancel` and the call ends in CANCELLED instead of the process being killed mid-write.
 */
export async function cancellable<T>(io: CliIo, client: LatchkeyClient, call: (opId: string) => Promise<T>): Promise<T> {
  const opId = `cli-${randomUUID()}`;
  const stopListening = io.onInterrupt?.(() => {
    void client.call('op.cancel', { opId }).catch(() => undefined);
  });
  try {
    return await call(opId);
  } finally {
    stopListening?.();
  }
}
