import type { Command } from 'commander';
import type { Channel, ReplyOf, RequestOf } from '../../shared/api.js';
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

/** Printed on stderr (never stdout: --json output stays parseable) after every unlock of a mismatching vault. */
export const MANIFEST_WARNING =
  "latchkey: warning: the vault's manifest does not match its rows (changed outside Latchkey?); check with 'latchkey vault verify', accept with 'latchkey vault verify --accept'\n";

/**
 * The client every command uses: whichever way a command unlocks (connection.unlock, or its own
 * 'vault.unlock' call for passwd, recovery-key, rekey), a vault whose manifest does not match its rows
 * and slots gets one warning line on stderr, on every command, until `vault verify --accept` re-signs.
 */
function warningClient(client: LatchkeyClient, io: CliIo): LatchkeyClient {
  let warned = false;
  return {
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ReplyOf<C>> {
      const reply = await client.call(channel, request);
      if (channel === 'vault.unlock' && !warned && (reply as ReplyOf<'vault.unlock'>).manifest === 'mismatch') {
        warned = true;
        io.writeErr(MANIFEST_WARNING);
      }
      return reply;
    },
  };
}

export function connectionFor(inner: LatchkeyClient, globals: GlobalOptions, io: CliIo): Connection {
  const client = warningClient(inner, io);
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
