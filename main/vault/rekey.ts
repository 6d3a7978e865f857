import { randomBytes } from './random.js';
import { fromHex } from './bytes.js';
import { deriveNewPasswordKey } from './derive-password-key.js';
import { deriveVaultKeys } from './keys.js';
import { formatRecoveryKey, recoveryKek } from './recovery-key.js';
import { wrapMasterKey } from './slots.js';
import type { YubiKeyResponder } from './password-yubikey.js';
import type { VaultSession } from './vault-session.js';

/** How a rekey is followed and stopped: the service's long operation (the app's progress bar and Cancel). */
export interface RekeySteps {
  /** Told as each slow part begins. */
  readonly stage?: (stage: string) => void;
  /** Called after each slow part and last just before the write: throws to stop with nothing changed. */
  readonly checkpoint?: () => void;
}

/**
 * Full rekey ("my password or a backup may have leaked"): a new master key, every row re-sealed with
 * new nonces at rev+1, a new manifest, a new password slot and recovery key, all in one transaction.
 * Every other slot is removed. A row that fails to open stops the rekey: nothing is ever dropped, and
 * the session keeps its old keys, which still open the unchanged file. The two key derivations are
 * the slow parts; the re-sealing runs in one synchronous transaction after the last checkpoint, so a
 * stop lands before it or not at all.
 */
export async function rekeyVault(session: VaultSession, password: string, yubikey?: YubiKeyResponder, steps: RekeySteps = {}): Promise<{ recoveryKey: string }> {
  // On a vault whose password alone opens nothing, the key answers this check; its slots do not
  // survive the rekey (a plain password slot is written), and can be added again afterwards.
  await session.reauthenticate(password, yubikey);
  steps.checkpoint?.();
  const { sodium } = session.runtime;
  const vaultId = fromHex(session.vaultIdHex);
  steps.stage?.('Deriving the new password key…');
  const passwordKey = await deriveNewPasswordKey(session.runtime, password);
  try {
    steps.checkpoint?.();
  } catch (error) {
    sodium.memzero(passwordKey.kek);
    throw error;
  }
  steps.stage?.('Sealing every account again…');
  const newKeys = deriveVaultKeys(sodium, randomBytes(32));
  const recoverySecret = randomBytes(32);
  const recoveryKey = recoveryKek(sodium, recoverySecret);
  const slots = [
    wrapMasterKey(sodium, vaultId, newKeys.master, passwordKey.kek, { kind: 'password', kdf: { params: passwordKey.params, salt: passwordKey.salt } }),
    wrapMasterKey(sodium, vaultId, newKeys.master, recoveryKey, { kind: 'recovery' }),
  ];
  sodium.memzero(passwordKey.kek);
  sodium.memzero(recoveryKey);
  try {
    // The session takes the new keys at the commit, and zeroes them if the transaction rolls back.
    session.transaction((tx) => {
      tx.replaceKeys(newKeys, slots);
    });
    return { recoveryKey: formatRecoveryKey(sodium, recoverySecret) };
  } finally {
    sodium.memzero(recoverySecret);
  }
}
