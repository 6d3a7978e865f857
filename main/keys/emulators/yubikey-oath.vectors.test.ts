import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readVectors } from '../../test-support/facts.js';
import { createManualClock } from '../clock.js';
import { EmulatedYubiKeyOath, factoryOathCardState } from './yubikey-oath.js';
import type { RandomSource } from './yubikey-otp/state.js';

/**
 * Replays every exchange of shared/vectors/yubikey-oath.json, in file order, on one emulated card
 * that starts like the vectors' card (fw 5.4.3, serial 12345678, the same random stream), and
 * checks every answer byte for byte — once with yubikit 4's short APDUs, once with yubikit 5's
 * extended ones.
 */
const exchange = z.object({ capdu: z.string(), rapdu: z.string(), capduExtended: z.string().optional() });
const file = z
  .object({
    card: z.object({ firmware: z.string(), initialSaltHex: z.string(), serial: z.number(), capacity: z.number() }).loose(),
    vectors: z.array(z.object({ id: z.string(), touch: z.enum(['given', 'not given']).optional(), exchanges: z.array(exchange) }).loose()),
  })
  .loose()
  .parse(readVectors('yubikey-oath.json'));

/** The generator's card randomness: SHA-256("ykoath-card" ‖ counter_be32), one block per draw. */
function vectorRandom(): RandomSource {
  let counter = 0;
  return (length) => {
    const block = createHash('sha256').update(Buffer.concat([Buffer.from('ykoath-card'), Buffer.from([0, 0, 0, counter])])).digest();
    counter++;
    return new Uint8Array(block.subarray(0, length));
  };
}

const SHA256_SEED = Buffer.from('12345678901234567890123456789012');

/** A PUT the vectors leave out (the generator's set-up between vectors), short form. */
function putTotpSha256(id: string): Uint8Array {
  const name = Buffer.from(id);
  const key = Buffer.concat([Buffer.from([0x22, 0x06]), SHA256_SEED]);
  const data = Buffer.concat([Buffer.from([0x71, name.length]), name, Buffer.from([0x73, key.length]), key]);
  return Uint8Array.from([0x00, 0x01, 0x00, 0x00, data.length, ...data]);
}

/**
 * The generator's set-up that is not in the file: four long ids before `list-chained` (they appear
 * in its answer), and fillers up to the capacity before `error-no-space`.
 */
function setUpBefore(id: string, storedCount: number, capacity: number): Uint8Array[] {
  if (id === 'list-chained') return [0, 1, 2, 3].map((n) => putTotpSha256(`Chaining:user${String(n)}@long-domain-name.example`));
  if (id === 'error-no-space') return Array.from({ length: capacity - storedCount }, (_, n) => putTotpSha256(`Fill:${String(n)}`));
  return [];
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('the emulated YubiKey OATH card answers every vector of yubikey-oath.json', () => {
  const [major = 0, minor = 0, patch = 0] = file.card.firmware.split('.').map(Number);

  for (const dialect of ['yubikit 4 (short APDUs)', 'yubikit 5 (extended APDUs)'] as const) {
    it(`byte for byte, in file order, ${dialect}`, async () => {
      const random = vectorRandom();
      const state = factoryOathCardState(random, { firmware: [major, minor, patch], serial: file.card.serial });
      expect(state.saltHex).toBe(file.card.initialSaltHex);
      const card = new EmulatedYubiKeyOath({ state, random, clock: createManualClock(1_000) });
      let exchanges = 0;
      for (const vector of file.vectors) {
        // Each select-* vector is a new PC/SC connection: pyscard disconnects with UNPOWER.
        if (vector.id.startsWith('select-')) card.powerCycle();
        for (const setUp of setUpBefore(vector.id, card.snapshot().credentials.length, file.card.capacity)) {
          expect(hex(await card.transmit(setUp)), `set-up before ${vector.id}`).toBe('9000');
        }
        card.setTouchPolicy({ kind: vector.touch === 'not given' ? 'never' : 'auto' });
        for (const [index, step] of vector.exchanges.entries()) {
          const capdu = dialect.startsWith('yubikit 5') ? (step.capduExtended ?? step.capdu) : step.capdu;
          const answer = await card.transmit(new Uint8Array(Buffer.from(capdu, 'hex')));
          expect(hex(answer), `${vector.id} exchange ${String(index)}`).toBe(step.rapdu);
          exchanges++;
        }
      }
      expect(exchanges).toBe(59);
    });
  }
});
