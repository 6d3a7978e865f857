import { randomBytes } from './random.js';
import { calibrate } from './calibrate.js';
import type { KdfParams } from './kdf-params.js';
import { passwordBytes } from './password.js';
import type { VaultRuntime } from './runtime.js';
import { SALT_BYTES } from './slots.js';

export interface PasswordKey {
  readonly kek: Uint8Array;
  readonly salt: Uint8Array;
  readonly params: KdfParams;
}

/** A fresh salt and the key-encryption key for a new password slot, calibrated when asked. */
export async function deriveNewPasswordKey(runtime: VaultRuntime, password: string): Promise<PasswordKey> {
  const salt = randomBytes(SALT_BYTES);
  const derive = async (params: KdfParams) => {
    const bytes = passwordBytes(password);
    try {
      return await runtime.deriveKey(bytes, salt, params);
    } finally {
      runtime.sodium.memzero(bytes);
    }
  };
  if (runtime.kdf === 'calibrate') {
    const { key, params } = await calibrate(derive);
    return { kek: key, salt, params };
  }
  return { kek: (await derive(runtime.kdf)).key, salt, params: runtime.kdf };
}

/** The key-encryption key of an existing password slot. */
export async function derivePasswordKey(runtime: VaultRuntime, password: string, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
  const bytes = passwordBytes(password);
  try {
    return (await runtime.deriveKey(bytes, salt, params)).key;
  } finally {
    runtime.sodium.memzero(bytes);
  }
}
