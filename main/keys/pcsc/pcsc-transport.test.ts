import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import type { PcscBackend, PcscCard, PcscDisposition } from './pcsc-backend.js';
import { readerInUse } from './pcsc-errors.js';
import { PcscApduTransport, withPcscCard } from './pcsc-transport.js';

/** The APDU transport and withPcscCard over a scripted PcscCard. */

const READER = 'Yubico YubiKey OTP+FIDO+CCID 00 00';

function scriptedCard(answers: (Uint8Array | 'hang')[] = []): PcscCard & { sent: Uint8Array[]; released: PcscDisposition[] } {
  return {
    reader: READER,
    atr: Uint8Array.from([0x3b]),
    share: 'exclusive',
    sent: [],
    released: [],
    transmit(apdu) {
      this.sent.push(apdu);
      const answer = answers.shift() ?? Uint8Array.from([0x90, 0x00]);
      return answer === 'hang' ? new Promise(() => undefined) : Promise.resolve(answer);
    },
    disconnect(disposition = 'reset') {
      this.released.push(disposition);
      return Promise.resolve();
    },
  };
}

describe('PcscApduTransport', () => {
  it('passes APDUs and answers through unchanged, 61xx included (the OATH layer sends SEND REMAINING)', async () => {
    const card = scriptedCard([Uint8Array.from([0x72, 0x01, 0x21, 0x61, 0x10])]);
    const answer = await new PcscApduTransport(card).transmit(Uint8Array.from([0x00, 0xa1, 0x00, 0x00]));
    expect(answer).toEqual(Uint8Array.from([0x72, 0x01, 0x21, 0x61, 0x10]));
    expect(card.sent).toEqual([Uint8Array.from([0x00, 0xa1, 0x00, 0x00])]);
  });

  it('traces APDUs as hex, and a sensitive exchange by its header and lengths only', async () => {
    const lines: string[] = [];
    const secret = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02];
    const card = scriptedCard([Uint8Array.from([0x90, 0x00]), Uint8Array.from([0x75, 0x02, 0xab, 0xcd, 0x90, 0x00])]);
    const transport = new PcscApduTransport(card, { trace: (line) => lines.push(line) });
    await transport.transmit(Uint8Array.from([0x00, 0xa4, 0x04, 0x00]));
    await transport.transmit(Uint8Array.from([0x00, 0x01, 0x00, 0x00, secret.length, ...secret]), { sensitive: true });
    expect(lines).toEqual(['pcsc > 00 a4 04 00', 'pcsc < 90 00', 'pcsc > 00 01 00 00 + 7 bytes (sensitive)', 'pcsc < 4 bytes (sensitive) + 90 00']);
    expect(lines.join('\n')).not.toMatch(/de ad|ab cd/);
  });

  it('an answer without a status word is KEY_PROTOCOL', async () => {
    await expect(new PcscApduTransport(scriptedCard([Uint8Array.from([0x90])])).transmit(Uint8Array.from([0, 0xa4, 4, 0]))).rejects.toMatchObject({ code: 'KEY_PROTOCOL' });
  });

  it('an abort answers CANCELLED at once and drops the connection with a reset', async () => {
    const card = scriptedCard(['hang']);
    const controller = new AbortController();
    const pending = new PcscApduTransport(card).transmit(Uint8Array.from([0x00, 0xa2, 0x00, 0x01]), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(card.released).toEqual(['reset']);
    await expect(new PcscApduTransport(card).transmit(Uint8Array.from([0]), { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(card.sent).toHaveLength(1);
  });
});

describe('withPcscCard', () => {
  function backendWith(card: PcscCard, busyFor: number): PcscBackend & { attempts: number } {
    return {
      attempts: 0,
      listReaders: () => Promise.resolve([]),
      watch: () => Promise.reject(new Error('unused')),
      connect(reader, share) {
        this.attempts++;
        expect([reader, share]).toEqual([READER, 'exclusive']);
        return this.attempts <= busyFor ? Promise.reject(readerInUse(reader, 'linux')) : Promise.resolve(card);
      },
    };
  }

  it('holds the card exclusively for the work and releases it with a reset, also when the work fails', async () => {
    const card = scriptedCard();
    const backend = backendWith(card, 0);
    expect(await withPcscCard(backend, READER, async (transport) => (await transport.transmit(Uint8Array.from([0, 0xa4, 4, 0]))).length)).toBe(2);
    await expect(withPcscCard(backend, READER, () => Promise.reject(new LatchkeyError('KEY_FULL', 'full')))).rejects.toMatchObject({ code: 'KEY_FULL' });
    expect(card.released).toEqual(['reset', 'reset']);
  });

  it('waits out another program holding the reader for a moment, then gives up with the in-use error', async () => {
    const clock = createManualClock();
    const card = scriptedCard();
    const briefly = backendWith(card, 3);
    expect(await withPcscCard(briefly, READER, () => Promise.resolve('done'), { clock })).toBe('done');
    expect(briefly.attempts).toBe(4);

    const forever = backendWith(card, Number.POSITIVE_INFINITY);
    await expect(withPcscCard(forever, READER, () => Promise.resolve('never'), { clock, busyRetryMs: 500 })).rejects.toMatchObject({ details: { reason: 'reader-in-use' } });
    expect(forever.attempts).toBe(6);
  });
});
