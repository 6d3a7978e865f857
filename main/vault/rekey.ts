import { randomBytes } from './random.js';
import { fromHex } from './bytes.js';
import { deriveNewPasswordKey } from './derive-password-key.js';
import { deriveVaultKeys } from './keys.js';
import { formatRecoveryKey, recoveryKek } from './recovery-key.js';
import { wrapMasterKey } from './slots.js';
import type { YubiKeyResponder } from './password-yubikey.js';
import type { VaultSession } from './vault-session.js';

/**
 * Full rekey ("my password or a backup may have leaked"): a new master key, every row re-sealed with
 * new nonces at rev+1, a new manifest, a new password slot and recovery key, all in one transaction.
 * Every other slot is removed. A row that fails to open stops the rekey: nothing is ever dropped, and
 * the session keeps its old keys, which still open the unchanged file.
 */
export async function rekeyVault(session: VaultSession, password: string, yubikey?: YubiKeyResponder): Promise<{ recoveryKey: string }> {
  // On a vault whose password alone opens nothing, the key answers this check; its slots do not
  // survive the rekey (a plain password slot is written), and can be added again afterwards.
  await session.reauthenticate(password, yubikey);
  const { sodium } = session.runtime;
  const vaultId = fromHex(session.vaultIdHex);
  const passwordKey = await deriveNewPasswordKey(session.runtime, password);
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
