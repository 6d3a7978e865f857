import type { KeySummary } from '../../../shared/keys-api.js';

/** The first YubiKey firmware whose OATH application has RENAME (main's dialect says the same when asked). */
const YUBIKEY_RENAME: readonly [number, number, number] = [5, 3, 1];

export type RenameSupport = { readonly supported: true } | { readonly supported: false; readonly reason: string };

function atLeast(firmware: string, min: readonly [number, number, number]): boolean {
  const parts = firmware.split('.').map((part) => Number.parseInt(part, 10));
  for (let i = 0; i < min.length; i++) {
    const have = parts[i] ?? 0;
    const need = min[i] ?? 0;
    if (Number.isNaN(have)) return true; // a firmware the page can't read: let main decide (KEY_UNSUPPORTED, with the reason)
    if (have !== need) return have > need;
  }
  return true;
}

/**
 * Whether the panel offers Rename for this key's accounts: a YubiKey renames from firmware 5.3.1
 * (older ones would need delete and add again). Said up front, rather than as an error after a try.
 */
export function renameSupport(key: KeySummary): RenameSupport {
  if (key.kind === 'nitrokey3' || atLeast(key.firmware, YUBIKEY_RENAME)) return { supported: true };
  return {
    supported: false,
    reason: `This YubiKey’s firmware (${key.firmware}) can’t rename its accounts; 5.3.1 and later can. Delete one and add it again under another name instead.`,
  };
}
