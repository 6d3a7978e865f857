import { LatchkeyError } from '../../../shared/errors.js';
import type { KeyringStatus } from '../../../shared/vault-api.js';
import { KEYRING_PASSWORD_EVERY_MS, newDeviceKey, unlockVault, VaultError } from '../../vault/index.js';
import { judgeKeyring, type DesktopKeyring, type KeyringVerdict } from '../desktop/keyring.js';
import type { HandlersFor } from '../handler-types.js';
import { readKeyringFile, removeKeyringFile, writeKeyringFile } from '../keyring-file.js';
import { afterReauth } from '../reauth.js';
import type { VaultHost } from '../vault-host.js';

type KeyringChannel = 'vault.keyring.status' | 'vault.keyring.enable' | 'vault.keyring.disable' | 'vault.unlockWithKeyring';

const NO_KEYRING: KeyringVerdict = { usable: false, reason: 'the system keyring is available only in the desktop app' };

/**
 * The keyring slot (SECURITY-NOTES §1) for the app: on only by choice and after the password again,
 * where the desktop's keyring protects something; the device key kept only as the keyring's
 * ciphertext beside the vault (keyring-file.ts); an unlock with it refused 7 days after the password
 * was last typed (the vault's own rule, unlock-vault.ts); gone with a password change.
 */
export function keyringHandlers(host: VaultHost, keyring: DesktopKeyring | undefined): HandlersFor<KeyringChannel> {
  // A password change or a rekey removes the keyring slot: its copy in the keyring file goes at once,
  // so the lock screen stops offering it.
  host.onWrite((written) => {
    if (written.slots && host.isUnlocked && host.session().keyringSlot() === undefined) removeKeyringFile(host.path);
  });
  const verdict = async (): Promise<KeyringVerdict> => (keyring === undefined ? NO_KEYRING : judgeKeyring(await keyring.report()));
  const status = async (): Promise<KeyringStatus> => {
    const judged = await verdict();
    const stored = readKeyringFile(host.path);
    const session = host.isUnlocked ? host.session() : undefined;
    const slot = session?.keyringSlot();
    const enabled = stored !== undefined && (session === undefined || (slot !== undefined && stored.vaultId === session.vaultIdHex));
    const typedAt = slot?.passwordTypedAt;
    return {
      usable: judged.usable,
      ...(judged.usable ? {} : { reason: judged.reason }),
      enabled,
      passwordDueAt: enabled && typedAt !== undefined ? typedAt + KEYRING_PASSWORD_EVERY_MS / 1000 : null,
    };
  };
  const usableKeyring = async (): Promise<DesktopKeyring> => {
    const judged = await verdict();
    if (!judged.usable || keyring === undefined) throw new LatchkeyError('UNSUPPORTED', `the keyring can't be used: ${judged.usable ? 'none here' : judged.reason}`);
    return keyring;
  };
  return {
    'vault.keyring.status': () => status(),
    'vault.keyring.enable': ({ password }, operation) =>
      host.serialized(async () => {
        const store = await usableKeyring();
        const session = host.session();
        const deviceKey = newDeviceKey();
        try {
          // safeStorage takes strings: the device key passes through base64 once (SECURITY-NOTES §1).
          const ciphertext = Buffer.from(await store.encrypt(Buffer.from(deviceKey).toString('base64'))).toString('base64');
          await session.addKeyringSlot({ password, deviceKey, ...optionalKey(host.yubikey(operation)) });
          writeKeyringFile(host.path, { version: 1, vaultId: session.vaultIdHex, ciphertext });
        } finally {
          deviceKey.fill(0);
        }
        return status();
      }),
    'vault.keyring.disable': ({ password }, operation) =>
      afterReauth(
        host,
        password,
        async (session) => {
          const slot = session.keyringSlot();
          if (slot !== undefined) session.removeSlot(slot.slotId);
          removeKeyringFile(host.path);
          return status();
        },
        operation,
      ),
    'vault.unlockWithKeyring': () =>
      host.serialized(async () => {
        const store = await usableKeyring();
        const stored = readKeyringFile(host.path);
        if (stored === undefined) throw new LatchkeyError('NOT_FOUND', 'the keyring holds no key for this vault: unlock with the password');
        let deviceKey: Uint8Array;
        try {
          deviceKey = new Uint8Array(Buffer.from(await store.decrypt(new Uint8Array(Buffer.from(stored.ciphertext, 'base64'))), 'base64'));
        } catch {
          throw new LatchkeyError('VAULT_NO_MATCHING_SLOT', 'the keyring could not open its copy of the key (another user, or the keyring was reset): unlock with the password');
        }
        try {
          host.adopt(await unlockVault(host.path, { keyring: deviceKey }, await host.runtime()));
        } catch (error) {
          // The vault's keyring slot is gone (a password change): the stale copy goes too.
          if (error instanceof VaultError && error.code === 'VAULT_NO_MATCHING_SLOT') removeKeyringFile(host.path);
          throw error;
        } finally {
          deviceKey.fill(0);
        }
        return host.status();
      }),
  };
}

function optionalKey<T>(yubikey: T | undefined): { yubikey?: T } {
  return yubikey === undefined ? {} : { yubikey };
}
