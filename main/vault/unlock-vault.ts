import { toHex } from './bytes.js';
import type { SlotRow } from './header.js';
import { openPasswordSlots, wrongPasswordWords } from './password-slots.js';
import type { YubiKeyResponder } from './password-yubikey.js';
import { assertMayAttempt, clearFailures, recordFailure, retryAfterMs } from './attempts.js';
import { keyringPasswordDue, openKeyringSlots } from './keyring-slots.js';
import { parseRecoveryKey, recoveryKek } from './recovery-key.js';
import type { VaultRuntime } from './runtime.js';
import { unwrapMasterKey } from './slots.js';
import { inspectVaultFile, openDatabase } from './vault-file.js';
import { VaultError } from './vault-error.js';
import { VaultSession } from './vault-session.js';

/**
 * What opens a vault: its password (with the plugged keys, for a vault whose only password slots are
 * password+YubiKey ones), or the recovery key. A YubiKey never opens a vault alone.
 */
export type Credential =
  | { readonly password: string; readonly yubikey?: YubiKeyResponder }
  | { readonly recoveryKey: string }
  /** The device key the OS keyring gave back (keyring slot, SECURITY-NOTES §1); refused 7 days after the password was last typed. */
  | { readonly keyring: Uint8Array };

/**
 * Unlocks a vault. Every check before the key is known runs on a read-only handle, and a failed
 * attempt is counted in the sidecar: the vault file itself is never written unless this succeeds.
 */
export async function unlockVault(path: string, credential: Credential, runtime: VaultRuntime): Promise<VaultSession> {
  const { sodium, clock } = runtime;
  const header = inspectVaultFile(sodium, path);
  const vaultIdHex = toHex(header.meta.vaultId);
  assertMayAttempt(path, vaultIdHex, clock.now());

  // A vault that needs its key while none is plugged in throws KEY_NOT_FOUND here: not a wrong attempt.
  const master =
    'password' in credential
      ? await openWithPassword(runtime, header.meta.vaultId, header.slots, credential)
      : 'keyring' in credential
        ? openKeyringSlots(sodium, header.meta.vaultId, header.slots, credential.keyring)
        : openWithRecoveryKey(runtime, header.meta.vaultId, header.slots, credential.recoveryKey);
  if (master === null) {
    const record = recordFailure(path, vaultIdHex, clock.now());
    const retry = retryAfterMs(record, clock.now());
    const what = 'password' in credential ? wrongPasswordWords(header.slots) : 'keyring' in credential ? 'the keyring gave back a key that no longer opens this vault' : 'that recovery key does not open this vault';
    throw new VaultError('VAULT_WRONG_PASSWORD', retry > 0 ? `${what}; wait ${String(Math.ceil(retry / 1000))} s before the next try` : what, {
      failures: record.failures,
      retryAfterMs: retry,
    });
  }
  clearFailures(path, vaultIdHex);

  const db = openDatabase(path, { readonly: false, busyTimeoutMs: runtime.busyTimeoutMs ?? 5000 });
  let session: VaultSession;
  try {
    // A keyring unlock stands in for the password: it may do what a password session does.
    session = VaultSession.open({ db, path, runtime, master, expectedHeaderSum: header.meta.headerSum, unlockedBy: 'recoveryKey' in credential ? 'recovery' : 'password' });
  } catch (error) {
    db.close();
    sodium.memzero(master);
    throw error;
  }
  if ('keyring' in credential) assertKeyringStillTrusted(session, clock.now());
  return session;
}

/** Seven days after the password was last typed, the keyring opens nothing more until it is typed again. */
function assertKeyringStillTrusted(session: VaultSession, nowMs: number): void {
  if (!keyringPasswordDue(session.keyringSlot()?.passwordTypedAt, nowMs)) return;
  session.lock();
  throw new VaultError('VAULT_LOCKED', 'it has been 7 days since the password was typed: unlock with the password this time (the keyring works again afterwards)', { reason: 'password-due' });
}

async function openWithPassword(runtime: VaultRuntime, vaultId: Uint8Array, slots: readonly SlotRow[], credential: { readonly password: string; readonly yubikey?: YubiKeyResponder }): Promise<Uint8Array | null> {
  const opening = await openPasswordSlots(runtime, vaultId, slots, credential.password, credential.yubikey);
  if (opening === null) return null;
  runtime.sodium.memzero(opening.passwordKey);
  return opening.master;
}

function openWithRecoveryKey(runtime: VaultRuntime, vaultId: Uint8Array, slots: readonly SlotRow[], text: string): Uint8Array | null {
  const { sodium } = runtime;
  const recoverySlots = slots.filter((slot) => slot.kind === 'recovery');
  if (recoverySlots.length === 0) throw new VaultError('VAULT_NO_MATCHING_SLOT', 'this vault has no recovery key slot');
  const secret = parseRecoveryKey(sodium, text);
  const kek = recoveryKek(sodium, secret);
  try {
    for (const slot of recoverySlots) {
      const master = unwrapMasterKey(sodium, vaultId, slot, kek);
      if (master !== null) return master;
    }
    return null;
  } finally {
    sodium.memzero(secret);
    sodium.memzero(kek);
  }
}
