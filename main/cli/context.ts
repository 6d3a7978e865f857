import type { Command } from 'commander';
import type { Channel, ReplyOf, RequestOf } from '../../shared/api.js';
import type { LatchkeyClient } from '../../shared/client.js';
import { LatchkeyError, UsageError } from '../../shared/errors.js';
import { promptCredential, promptNewPassword, sourcedCredential, sourcedPassword, TERMINAL_TRIES, type VaultCredential } from './credential-source.js';
import { globalOptionsOf, type GlobalOptions } from './globals.js';
import type { CliIo } from './io.js';

/**
 * After an unlock with the recovery key at a terminal, what to offer before the command goes on:
 * a new password and a new recovery key (the default), only the password (commands that issue a
 * key themselves), or nothing (`vault passwd`, which sets the password itself).
 */
export type RecoveryOffer = 'password-and-key' | 'password' | 'none';

/** The service as one command sees it: a client over the vault its global options name. */
export interface Connection {
  readonly client: LatchkeyClient;
  readonly globals: GlobalOptions;
  /**
   * Unlocks with the vault password or the recovery key from their sources; at a terminal with no
   * source, asks (an empty password line switches to the recovery key; a wrong one is asked again,
   * up to three tries). The vault locks when the command ends.
   */
  unlock(options?: { readonly offer?: RecoveryOffer }): Promise<void>;
  /**
   * The vault password, read from its sources once per command (the one `unlock` used, or the new
   * one set after a recovery unlock): for requests that need it again, such as an export's
   * re-authentication. After an unlock with the recovery key and no new password, USAGE in words.
   */
  vaultPassword(): Promise<string>;
  /** How this command's unlock opened the vault; undefined before it has. */
  unlockedBy(): 'password' | 'recovery' | undefined;
}

/** What every command is built with: the outside world, and a way to reach the service. */
export interface CliContext {
  readonly io: CliIo;
  readonly connect: (command: Command) => Connection;
}

/** Printed on stderr (never stdout: --json output stays parseable) after every unlock of a mismatching vault. */
export const MANIFEST_WARNING =
  "latchkey: warning: the vault's manifest does not match its rows (changed outside Latchkey?); check with 'latchkey vault verify', accept with 'latchkey vault verify --accept'\n";

/** Printed when a script unlocks with the recovery key: nothing asks it to set a new password. */
export const RECOVERY_WARNING =
  "latchkey: warning: the vault was opened with the recovery key; set a new password with 'latchkey vault passwd --recovery-key-file FILE --new-password-file FILE'\n";

/**
 * The client every command uses: whichever way a command unlocks (connection.unlock, or its own
 * 'vault.unlock' call), a vault whose manifest does not match its rows and slots gets one warning
 * line on stderr, on every command, until `vault verify --accept` re-signs.
 */
function warningClient(client: LatchkeyClient, io: CliIo): LatchkeyClient {
  let warned = false;
  return {
    ...client,
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
  let openedBy: 'password' | 'recovery' | undefined;

  async function open(credential: VaultCredential): Promise<void> {
    await client.call('vault.unlock', credential);
    if ('password' in credential) {
      openedBy = 'password';
      password = Promise.resolve(credential.password);
    } else openedBy = 'recovery';
  }

  /**
   * At a terminal, a vault that needs its YubiKey while none is plugged in waits for the user to
   * plug it in (KEY_NOT_FOUND counts no attempt, so the same password is tried again).
   */
  async function openWaitingForKey(credential: VaultCredential): Promise<void> {
    for (;;) {
      try {
        await open(credential);
        return;
      } catch (error) {
        if (!(error instanceof LatchkeyError && error.code === 'KEY_NOT_FOUND')) throw error;
        const answer = await io.prompt(`latchkey: ${error.message}. Press Enter once it is plugged in (q to stop): `);
        if (/^q/i.test(answer.trim())) throw error;
      }
    }
  }

  async function openAtTerminal(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await openWaitingForKey(await promptCredential(io));
        return;
      } catch (error) {
        // A wrong password is asked again; a typo in the recovery key too. Not once the vault makes us wait.
        const retryAfter = error instanceof LatchkeyError ? error.details?.['retryAfterMs'] : undefined;
        const again = error instanceof LatchkeyError && error.code === 'VAULT_WRONG_PASSWORD' && attempt < TERMINAL_TRIES && (retryAfter === undefined || retryAfter === 0);
        if (!again) throw error;
        io.writeErr(`latchkey: ${error.message}; try again (${String(TERMINAL_TRIES - attempt)} left)\n`);
      }
    }
  }

  async function recoveryFollowUp(offer: RecoveryOffer): Promise<void> {
    if (offer === 'none') return;
    if (!io.interactive) {
      io.writeErr(RECOVERY_WARNING);
      return;
    }
    io.writeErr('latchkey: the vault was opened with the recovery key.\n');
    if (!(await confirm(io, 'Set a new vault password now? [Y/n] '))) return;
    let next: string;
    try {
      next = await promptNewPassword(io, client, 'vault');
      await client.call('vault.changePassword', { next });
    } catch (error) {
      if (!(error instanceof LatchkeyError)) throw error;
      io.writeErr(`latchkey: warning: no new password was set (${error.message})\n`);
      return;
    }
    password = Promise.resolve(next);
    io.writeErr('latchkey: the new vault password is set.\n');
    if (offer === 'password-and-key') await offerNewRecoveryKey(io, client, next);
  }

  return {
    client,
    globals,
    unlock: async ({ offer = 'password-and-key' } = {}) => {
      const status = await client.call('vault.status', {});
      if (!status.locked) return;
      if (!status.exists) {
        throw new LatchkeyError('VAULT_NOT_FOUND', `no vault at ${status.path}; create one with \`latchkey init\``, { path: status.path });
      }
      const sourced = await sourcedCredential(globals, io);
      if (sourced !== undefined) await open(sourced);
      else if (io.interactive) await openAtTerminal();
      else throw new UsageError('no vault password: give --password-file FILE, --password-command CMD, LATCHKEY_PASSWORD_FILE or --recovery-key-file FILE, or run in a terminal');
      if (openedBy === 'recovery') await recoveryFollowUp(offer);
    },
    vaultPassword: () => {
      if (password !== undefined) return password;
      if (openedBy === 'recovery') {
        return Promise.reject(
          new UsageError("this needs the vault password again, and the vault was opened with the recovery key: set a new password first ('latchkey vault passwd --recovery-key-file FILE'), then use it"),
        );
      }
      password = sourcedPassword(globals, io);
      return password;
    },
    unlockedBy: () => openedBy,
  };
}

/** After a new password at a terminal: a new recovery key now (the typed one has been seen), on stderr. */
export async function offerNewRecoveryKey(io: CliIo, client: LatchkeyClient, password: string): Promise<void> {
  if (!(await confirm(io, 'Issue a new recovery key now? The one you typed stops working. [Y/n] '))) return;
  const { recoveryKey } = await client.call('vault.recoveryKey', { password });
  io.writeErr(`\nNew recovery key (shown once; the old one no longer works). Write it down and keep it offline:\n\n    ${recoveryKey}\n\n`);
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  return !/^n(o)?$/i.test((await io.prompt(question)).trim());
}

export { globalOptionsOf };
