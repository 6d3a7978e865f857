import type { KdfParams } from './kdf-params.js';
import type { DeriveKey } from './kdf-worker.js';
import type { Sodium } from './sodium.js';

/** What the vault needs from outside, injected so tests use real crypto with a movable clock. */
export interface VaultRuntime {
  readonly sodium: Sodium;
  readonly deriveKey: DeriveKey;
  /** 'calibrate' times Argon2id on this machine (SECURITY-NOTES §1); tests pin the floor. */
  readonly kdf: KdfParams | 'calibrate';
  readonly clock: { now(): number };
  readonly busyTimeoutMs?: number;
}
