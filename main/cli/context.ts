import type { Command } from 'commander';
import type { LatchkeyClient } from '../../shared/client.js';
import { LatchkeyError } from '../../shared/errors.js';
import { globalOptionsOf, type GlobalOptions } from './globals.js';
import type { CliIo } from './io.js';
import { readVaultPassword } from './password-source.js';

/** The service as one command sees it: a client over the vault its global options name. */
export interface Connection {
  readonly client: LatchkeyClient;
  readonly globals: GlobalOptions;
  /** Reads the vault password from its sources and unlocks; the vault locks when the command ends. */
  unlock(): Promise<void>;
  /**
   * The vault password, read from its sources once per command (the one `unlock` used, if it read
   * one): for requests that need it again, such as a plaintext export's re-authentication.
   */
  vaultPassword(): Promise<string>;
}

/** What every command is built with: the outside world, and a way to reach the service. */
export interface CliContext {
  readonly io: CliIo;
  readonly connect: (command: Command) => Connection;
}

export function connectionFor(client: LatchkeyClient, globals: GlobalOptions, io: CliIo): Connection {
  // Read once: a second read would prompt again, or run --password-command again.
  let password: Promise<string> | undefined;
  const vaultPassword = () => (password ??= readVaultPassword(globals, io));
  return {
    client,
    globals,
    unlock: async () => {
      const status = await client.call('vault.status', {});
      if (!status.locked) return;
      if (!status.exists) {
        throw new LatchkeyError('VAULT_NOT_FOUND', `no vault at ${status.path}; create one with \`latchkey init\``, { path: status.path });
      }
      await client.call('vault.unlock', { password: await vaultPassword() });
    },
    vaultPassword,
  };
}

export { globalOptionsOf };
