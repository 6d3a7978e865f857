import type { VaultSession } from '../vault/index.js';
import { cancelledError, type Operation } from './operations.js';
import type { VaultHost } from './vault-host.js';

/**
 * Runs `work` only after the vault password has been given again (SECURITY-NOTES §9.7: every call
 * that yields secrets or makes a copy of them). The check shares unlock's attempt counter and wait,
 * and runs in the host's one-at-a-time queue, before anything is read or written. On a vault whose
 * password alone opens no slot, a plugged key answers too (a touch, told to `operation` when given).
 * A cancel during the touch wait ends it at once; one during the check's key derivation (which can't
 * be stopped part-way) is honoured when it ends, before `work` reads or writes anything.
 */
export function afterReauth<T>(
  host: VaultHost,
  vaultPassword: string,
  work: (session: VaultSession) => Promise<T> | T,
  operation?: Pick<Operation, 'signal' | 'progress'>,
): Promise<T> {
  return host.serialized(async () => {
    const session = host.session();
    await session.reauthenticate(vaultPassword, host.yubikey(operation));
    if (operation?.signal.aborted === true) throw cancelledError();
    return work(session);
  });
}

/**
 * `afterReauth` when a vault password was given, else `work` alone: for the key writes the page may
 * ask for only with the password again (PAGE_REAUTH_RULES, enforced by the renderer door) and the
 * CLI, run from the user's own shell, without it. A password given is always checked.
 */
export function afterReauthIfGiven<T>(
  host: VaultHost,
  vaultPassword: string | undefined,
  work: () => Promise<T> | T,
  operation?: Pick<Operation, 'signal' | 'progress'>,
): Promise<T> {
  if (vaultPassword === undefined) return Promise.resolve().then(work);
  return afterReauth(host, vaultPassword, () => work(), operation);
}
