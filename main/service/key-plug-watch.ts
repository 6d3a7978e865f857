import type { HidWatcher } from '../keys/hid/hid-watcher.js';
import type { PcscBackend, PcscEvent, PcscWatch } from '../keys/pcsc/pcsc-backend.js';
import { isYubiKeyReader } from '../keys/pcsc/yubikey-reader.js';

/** A key plugged in or unplugged, and which way the computer told it. */
export interface KeyPlugChange {
  readonly kind: 'added' | 'removed';
  /** `hid`: a YubiKey's OTP interface or a Nitrokey 3's FIDO interface; `pcsc`: a YubiKey's CCID reader or card. */
  readonly via: 'hid' | 'pcsc';
}

/** The PC/SC events that mean a YubiKey came or went (another reader, or the service's own trouble, do not). */
function pcscChange(event: PcscEvent): KeyPlugChange | null {
  if (event.type === 'error' || !isYubiKeyReader(event.reader)) return null;
  return { via: 'pcsc', kind: event.type === 'reader-added' || event.type === 'card-inserted' ? 'added' : 'removed' };
}

/**
 * Every kind of key, watched while subscribed: HID interfaces (YubiKey OTP, Nitrokey 3) by the
 * polling HidWatcher (node-hid has no hot-plug events), PC/SC readers (a CCID-only YubiKey) by the
 * PC/SC service itself (a blocking status-change wait in `smartcard`'s ReaderMonitor thread, no
 * polling from here). PC/SC missing (no pcscd, no addon) leaves the HID side watching: keys.list
 * already says why those keys can't be looked for.
 */
export function watchKeyPlugs(hid: HidWatcher, pcsc: PcscBackend, listener: (change: KeyPlugChange) => void): () => void {
  let stopped = false;
  let pcscWatch: PcscWatch | undefined;
  const stopHid = hid.subscribe((change) => {
    listener({ via: 'hid', kind: change.kind });
  });
  pcsc
    .watch((event) => {
      const change = stopped ? null : pcscChange(event);
      if (change !== null) listener(change);
    })
    .then(
      (watch) => {
        // Stopped before the service answered: the watch it gives is ended at once.
        if (stopped) endPcscWatch(watch);
        else pcscWatch = watch;
      },
      () => undefined,
    );
  return () => {
    stopped = true;
    stopHid();
    if (pcscWatch !== undefined) endPcscWatch(pcscWatch);
    pcscWatch = undefined;
  };
}

/**
 * Ends a PC/SC watch, whatever its backend's stop() does: a throw, or a promise that rejects (the
 * service gone, say), must not escape a panel closing or the app quitting as an unhandled error.
 * Nothing is left to do with such a failure: the watch's listener is already deaf (`stopped`).
 */
function endPcscWatch(watch: PcscWatch): void {
  try {
    watch.stop().catch(() => undefined);
  } catch {
    // A stop() that throws before giving its promise: the same, nothing to undo.
  }
}
