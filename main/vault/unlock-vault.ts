import { toHex } from './bytes.js';
import { derivePasswordKey } from './derive-password-key.js';
import type { SlotRow } from './header.js';
import { assertKdfParamsInBox } from './kdf-params.js';
import { assertMayAttempt, clearFailures, recordFailure, retryAfterMs } from './attempts.js';
import { parseRecoveryKey, recoveryKek } from './recovery-key.js';
import type { VaultRuntime } from './runtime.js';
import { unwrapMasterKey } from './slots.js';
import { inspectVaultFile, openDatabase } from './vault-file.js';
import { VaultError } from './vault-error.js';
import { VaultSession } from './vault-session.js';

export type Credential = { readonly password: string } | { readonly recoveryKey: string };

/**
 * Unlocks a vault. Every check before the key is known runs on a read-only handle, and a failed
 * attempt is counted in the sidecar: the vault file itself is never written unless this succeeds.
 */
export async function unlockVault(path: string, credential: Credential, runtime: VaultRuntime): Promise<VaultSession> {
  const { sodium, clock } = runtime;
  const header = inspectVaultFile(sodium, path);
  const vaultIdHex = toHex(header.meta.vaultId);
  assertMayAttempt(path, vaultIdHex, clock.now());

  const master = 'password' in credential ? await openWithPassword(runtime, header.meta.vaultId, header.slots, credential.password) : openWithRecoveryKey(runtime, header.meta.vaultId, header.slots, credential.recoveryKey);
  if (master === null) {
    const record = recordFailure(path, vaultIdHex, clock.now());
    const retry = retryAfterMs(record, clock.now());
    const what = 'password' in credential ? 'wrong password' : 'that recovery key does not open this vault';
    throw new VaultError('VAULT_WRONG_PASSWORD', retry > 0 ? `${what}; wait ${String(Math.ceil(retry / 1000))} s before the next try` : what, {
      failures: record.failures,
      retryAfterMs: retry,
    });
  }
  clearFailures(path, vaultIdHex);

  const db = openDatabase(path, { readonly: false, busyTimeoutMs: runtime.busyTimeoutMs ?? 5000 });
  try {
    return VaultSession.open({ db, path, runtime, master, expectedHeaderSum: header.meta.headerSum, unlockedBy: 'password' in credential ? 'password' : 'recovery' });
  } catch (error) {
    db.close();
    sodium.memzero(master);
    throw error;
  }
}

async function openWithPassword(runtime: VaultRuntime, vaultId: Uint8Array, slots: readonly SlotRow[], password: string): Promise<Uint8Array | null> {
  const passwordSlots = slots.filter((slot) => slot.kind === 'password');
  if (passwordSlots.length === 0) throw new VaultError('VAULT_NO_MATCHING_SLOT', 'this vault has no password slot');
  // Every slot's parameters are checked before any KDF runs: a crafted slot must not start one.
  for (const slot of passwordSlots) assertKdfParamsInBox({ ops: slot.ops, mem: slot.mem });
  for (const slot of passwordSlots) {
    const kek = await derivePasswordKey(runtime, password, slot.salt, { ops: slot.ops, mem: slot.mem });
    try {
      const master = unwrapMasterKey(runtime.sodium, vaultId, slot, kek);
      if (master !== null) return master;
    } finally {
      runtime.sodium.memzero(kek);
    }
  }
  return null;
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
