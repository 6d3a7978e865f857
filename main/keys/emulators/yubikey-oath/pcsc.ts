import { LatchkeyError } from '../../../../shared/errors.js';
import type { PcscBackend, PcscCard, PcscReaderInfo, PcscShareMode } from '../../pcsc/pcsc-backend.js';
import type { EmulatedYubiKeyOath } from './card.js';

/**
 * Emulated YubiKey OATH cards as a PC/SC service: each card sits in a reader named as a real
 * YubiKey 5's CCID interface is (so `isYubiKeyReader` takes it), and `connect` hands out a
 * connection whose `transmit` is the card's. The service then reaches an emulated card through
 * `withPcscCard` and `PcscApduTransport`, the same path as a real key (only pcscd is left out).
 */
export function createEmulatedPcscBackend(cards: readonly EmulatedYubiKeyOath[]): PcscBackend {
  const readerName = (index: number) => `Yubico YubiKey OTP+FIDO+CCID (emulated) ${String(index).padStart(2, '0')} 00`;
  const readers = (): PcscReaderInfo[] =>
    cards.map((card, index) => ({ name: readerName(index), cardPresent: !card.isUnplugged, atr: card.isUnplugged ? undefined : card.atr }));
  return {
    listReaders: () => Promise.resolve(readers()),
    watch: (listener) => {
      // The readers are there from the start; a card comes and goes by a test's unplug() and plugIn(), told as it happens.
      for (const reader of readers()) {
        listener({ type: 'reader-added', reader: reader.name });
        if (reader.cardPresent) listener({ type: 'card-inserted', reader: reader.name, atr: reader.atr });
      }
      const stops = cards.map((card, index) =>
        card.onPresenceChange((present) => {
          listener(present ? { type: 'card-inserted', reader: readerName(index), atr: card.atr } : { type: 'card-removed', reader: readerName(index) });
        }),
      );
      return Promise.resolve({
        stop: () => {
          for (const stop of stops) stop();
          return Promise.resolve();
        },
      });
    },
    connect: (reader: string, share: PcscShareMode): Promise<PcscCard> => {
      const index = cards.findIndex((_card, at) => readerName(at) === reader);
      const card = cards[index];
      if (card === undefined || card.isUnplugged) return Promise.reject(new LatchkeyError('KEY_UNPLUGGED', `no card in the reader "${reader}"`));
      let connected = true;
      return Promise.resolve({
        reader,
        atr: card.atr,
        share,
        transmit: (apdu: Uint8Array) => {
          if (!connected) return Promise.reject(new LatchkeyError('KEY_UNPLUGGED', 'the card connection is closed'));
          return card.transmit(apdu);
        },
        disconnect: () => {
          // A reset disposition powers the card off and on: nothing stays selected or unlocked.
          if (connected) card.powerCycle();
          connected = false;
          return Promise.resolve();
        },
      });
    },
  };
}
