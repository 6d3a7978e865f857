import { randomFillSync } from 'node:crypto';

/**
 * Random bytes from the OS CSPRNG in one call. libsodium.js draws its randomness four bytes at a time
 * through getRandomValues, which made nonces the slowest part of sealing a row. A fresh Uint8Array,
 * never a pooled Buffer slice (SECURITY-NOTES §3).
 */
export function randomBytes(length: number): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}
