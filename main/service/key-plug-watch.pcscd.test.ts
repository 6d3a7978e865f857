import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privatePcscdMissing, startPrivatePcscd, YUBIKEY_READER_FRIENDLY_NAME, type PrivatePcscd } from '../keys/emulators/pcscd/private-pcscd.js';
import { createSmartcardBackend, loadSmartcard } from '../keys/pcsc/smartcard-adapter.js';
import { insertVpcdTestCard } from '../keys/pcsc/test-support/vpcd-test-card.js';
import { createDevices } from './devices.js';
import type { KeyPlugChange } from './key-plug-watch.js';

/**
 * The devices watch on a REAL pcscd (our own, private) whose vpcd reader is named as a YubiKey 5's
 * CCID interface: a card connecting and leaving is told by PC/SC itself (smartcard's ReaderMonitor),
 * with no HID key at all. Its own file: libpcsclite picks its socket once per process.
 */
const CI = process.env['CI'] === 'true';
const addon = await loadSmartcard().then(
  () => null,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
const skipReason = privatePcscdMissing() ?? addon;
const ATR = Uint8Array.from(Buffer.from('3bfd1300008131fe158073c021c057597562694b657940', 'hex'));

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(skipReason !== null && !CI)(`the keys watch through a private pcscd${skipReason === null ? '' : ` (skipped: ${skipReason})`}`, () => {
  let pcscd: PrivatePcscd | undefined;

  beforeAll(async () => {
    if (skipReason !== null) throw new Error(`CI=true and the PC/SC watch cannot run: ${skipReason}`);
    pcscd = await startPrivatePcscd({ friendlyName: YUBIKEY_READER_FRIENDLY_NAME });
    process.env['PCSCLITE_CSOCK_NAME'] = pcscd.env.PCSCLITE_CSOCK_NAME;
  });
  afterAll(async () => {
    await pcscd?.stop();
  });

  it("tells a CCID-only YubiKey's card connecting and leaving, and nothing once stopped", async () => {
    const started = pcscd;
    if (started === undefined) throw new Error('pcscd did not start');
    const devices = createDevices({ backend: { devices: () => Promise.resolve([]), open: () => Promise.reject(new Error('no HID keys')) }, pcsc: createSmartcardBackend() });
    const changes: KeyPlugChange[] = [];
    const stop = devices.watchKeys((change) => changes.push(change));
    try {
      // The two vpcd readers are there from the start (told as added), empty.
      await until(() => changes.length >= 2);
      const before = changes.length;
      const card = await insertVpcdTestCard({ port: started.vpcdPort, atr: ATR });
      await until(() => changes.length > before);
      expect(changes.slice(before)).toEqual([{ via: 'pcsc', kind: 'added' }]);
      await card.remove();
      await until(() => changes.length > before + 1);
      expect(changes.slice(before + 1)).toEqual([{ via: 'pcsc', kind: 'removed' }]);
    } finally {
      stop();
    }
    const after = changes.length;
    const again = await insertVpcdTestCard({ port: started.vpcdPort, atr: ATR });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await again.remove();
    expect(changes.length).toBe(after);
    expect(changes.every((change) => change.via === 'pcsc')).toBe(true);
  });
});
