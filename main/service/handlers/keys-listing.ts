import type { KeySummary, keyListingSchema } from '../../../shared/keys-api.js';
import type { z } from 'zod';

type KeyListing = z.infer<typeof keyListingSchema>;

/**
 * One entry per key for `keys list`. A YubiKey 5 shows up twice to the computer, as an OTP HID
 * interface and as a CCID reader, and neither tells which other one is the same device; both tell
 * the key's serial (the OTP session's GET SERIAL, the Management applet's READ CONFIG), so entries
 * with the same serial are one key with both applications. Keys hiding their serial stay apart:
 * there is nothing to tell them by.
 */
export function mergeKeyListings(otp: readonly KeySummary[], oath: readonly KeySummary[]): KeyListing[] {
  const merged: KeyListing[] = [];
  const joined = new Set<KeySummary>();
  for (const key of oath) {
    const twin = key.kind === 'yubikey-oath' && key.serial !== null ? otp.find((other) => other.serial === key.serial && !joined.has(other)) : undefined;
    if (twin === undefined) {
      merged.push(key);
      continue;
    }
    joined.add(twin);
    merged.push({ ...key, applications: ['otp', 'oath'] });
  }
  return [...otp.filter((key) => !joined.has(key)), ...merged];
}
