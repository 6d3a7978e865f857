import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { privatePcscdMissing, startPrivatePcscd, type PrivatePcscd } from '../emulators/pcscd/private-pcscd.js';
import type { PcscBackend, PcscEvent } from './pcsc-backend.js';
import { withPcscCard } from './pcsc-transport.js';
import { createSmartcardBackend, loadSmartcard } from './smartcard-adapter.js';
import { insertVpcdTestCard, LONG_ANSWER, SELECT_ANSWER, type VpcdTestCard } from './test-support/vpcd-test-card.js';

/**
 * The smartcard adapter against a REAL pcscd (our own, in a private mount namespace) with
 * vsmartcard's vpcd reader and a scripted card on it. libpcsclite picks its socket once per process
 * (PCSCLITE_CSOCK_NAME), so this file has one pcscd; "pcscd not running" is its own file.
 * Under CI=true nothing here may skip: CI installs pcscd, vsmartcard-vpcd and libpcsclite-dev.
 */

const CI = process.env['CI'] === 'true';
const missing = privatePcscdMissing();
const addon = await loadSmartcard().then(
  () => null,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
const skipReason = missing ?? addon;

/** The YubiKey 5 USB ATR (sheet §1): what the reader reports for our card. */
const ATR = Uint8Array.from(Buffer.from('3bfd1300008131fe158073c021c057597562694b657940', 'hex'));
const SELECT_OATH = Buffer.from('00a4040007a0000005272101', 'hex');

describe.skipIf(skipReason !== null && !CI)(`smartcard adapter through a private pcscd${skipReason === null ? '' : ` (skipped: ${skipReason})`}`, () => {
  let pcscd: PrivatePcscd | undefined;
  let backend: PcscBackend;
  let card: VpcdTestCard | undefined;

  beforeAll(async () => {
    if (skipReason !== null) throw new Error(`CI=true and the PC/SC round trip cannot run: ${skipReason}`);
    pcscd = await startPrivatePcscd({ friendlyName: 'Latchkey Test Reader' });
    process.env['PCSCLITE_CSOCK_NAME'] = pcscd.env.PCSCLITE_CSOCK_NAME;
    backend = createSmartcardBackend();
  });

  afterEach(async () => {
    await card?.remove();
    card = undefined;
  });

  afterAll(async () => {
    await pcscd?.stop();
  });

  const insert = async () => {
    const started = pcscd;
    if (started === undefined) throw new Error('pcscd did not start');
    // pcscd notices a card leaving a few hundred ms late: start each test from an empty reader.
    await until(async () => !(await backend.listReaders()).some((reader) => reader.cardPresent));
    card = await insertVpcdTestCard({ port: started.vpcdPort, atr: ATR });
    await until(async () => (await backend.listReaders()).some((reader) => reader.name === started.readerName && reader.cardPresent));
    return { inserted: card, readerName: started.readerName };
  };

  it('lists the vpcd readers, empty until a card connects, then with its ATR', async () => {
    const readerName = pcscd?.readerName ?? '';
    const before = await backend.listReaders();
    expect(before.map((reader) => reader.name)).toEqual([readerName, readerName.replace(/ 00 00$/, ' 00 01')]);
    expect(before.every((reader) => !reader.cardPresent && reader.atr === undefined)).toBe(true);
    await insert();
    const after = await backend.listReaders();
    expect(after.find((reader) => reader.name === readerName)?.atr).toEqual(ATR);
  });

  it('tells card inserted and card removed as the card connects and disconnects', async () => {
    const events: PcscEvent[] = [];
    const watch = await backend.watch((event) => events.push(event));
    try {
      await until(() => Promise.resolve(events.filter((event) => event.type === 'reader-added').length === 2));
      const { inserted, readerName } = await insert();
      await until(() => Promise.resolve(events.some((event) => event.type === 'card-inserted' && event.reader === readerName)));
      expect(events.find((event) => event.type === 'card-inserted')).toEqual({ type: 'card-inserted', reader: readerName, atr: ATR });
      await inserted.remove();
      await until(() => Promise.resolve(events.some((event) => event.type === 'card-removed' && event.reader === readerName)));
    } finally {
      await watch.stop();
    }
    expect(events.filter((event) => event.type === 'error')).toEqual([]);
  });

  it('runs one operation exclusively: APDUs arrive as sent, 61xx comes back for the caller to chain with SEND REMAINING', async () => {
    const { inserted, readerName } = await insert();
    const answers = await withPcscCard(backend, readerName, async (transport) => {
      // While we hold the card, another connection (ykman, Yubico Authenticator) is refused.
      const intruder = await backend.connect(readerName, 'shared').then(
        () => null,
        (error: unknown) => error,
      );
      expect(intruder).toMatchObject({ code: 'KEY_SERVICE_UNAVAILABLE', details: { reason: 'reader-in-use', reader: readerName } });
      expect((intruder as Error).message).toMatch(/scdaemon/);

      const select = await transport.transmit(SELECT_OATH);
      let part = await transport.transmit(Uint8Array.from([0x00, 0xa1, 0x00, 0x00]));
      const parts = [part];
      while (part[part.length - 2] === 0x61) {
        part = await transport.transmit(Uint8Array.from([0x00, 0xa5, 0x00, 0x00]));
        parts.push(part);
      }
      const big = await transport.transmit(Uint8Array.from([0x00, 0xb0, 0x00, 0x00]));
      return { select, parts, big };
    });
    expect(answers.select).toEqual(SELECT_ANSWER);
    expect(answers.parts.map((part) => part.length)).toEqual([258, 46]);
    expect(answers.parts[0]?.subarray(256)).toEqual(Uint8Array.from([0x61, 0x2c]));
    const chained = Uint8Array.from(answers.parts.flatMap((part) => [...part.subarray(0, part.length - 2)]));
    expect(chained).toEqual(LONG_ANSWER);
    expect(answers.big.length).toBe(1002);
    expect(inserted.received).toEqual([SELECT_OATH.toString('hex'), '00a10000', '00a50000', '00b00000']);
    // Released with a reset (the applet locks again for the next program): vpcd sees power off/on or reset.
    await until(() => Promise.resolve(inserted.controls.length > 1));

    // Released: the next connection gets the card.
    const again = await backend.connect(readerName, 'shared');
    await again.disconnect();
  });

  it('a card removed mid-exchange is KEY_UNPLUGGED, and a reader without a card KEY_NOT_FOUND', async () => {
    const { inserted, readerName } = await insert();
    const outcome = withPcscCard(backend, readerName, (transport) => transport.transmit(Uint8Array.from([0x00, 0xee, 0x00, 0x00])));
    const caught = outcome.catch((error: unknown) => error);
    await until(() => Promise.resolve(inserted.received.length === 1));
    await inserted.remove();
    const error = await caught;
    expect(error).toBeInstanceOf(LatchkeyError);
    expect(error).toMatchObject({ code: 'KEY_UNPLUGGED' });
    await until(async () => !(await backend.listReaders()).some((reader) => reader.cardPresent));
    await expect(backend.connect(readerName, 'exclusive')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
    await expect(backend.connect('No Such Reader 00 00', 'exclusive')).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });
});

/** Polls a condition of the real daemon (it notices a vpcd card within a few hundred ms); fails after 10 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
