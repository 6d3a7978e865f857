import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readVectors } from '../../test-support/facts.js';
import { createManualClock } from '../clock.js';
import { EmulatedNitrokey3, factoryNk3State } from './nitrokey3.js';

/**
 * Replays shared/vectors/nitrokey3-secrets.json, in file order, into one emulated Nitrokey 3 and
 * checks every packet it sends back, byte for byte. The key starts with the vectors' example salt
 * and serial; the keepalive vector runs with keepalives on and a touch after 150 ms.
 */
const file = z
  .object({
    vectors: z.array(
      z.object({ id: z.string(), hostToDevicePackets: z.array(z.string()), deviceToHostPackets: z.array(z.string()).optional() }).loose(),
    ),
  })
  .loose()
  .parse(readVectors('nitrokey3-secrets.json'));

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

async function readAll(key: EmulatedNitrokey3): Promise<string[]> {
  const packets: string[] = [];
  for (;;) {
    const packet = await key.read(100);
    if (packet === null) return packets;
    packets.push(hex(packet));
  }
}

describe('the emulated Nitrokey 3 answers every vector of nitrokey3-secrets.json', () => {
  it('byte for byte, in file order', async () => {
    const state = factoryNk3State(() => unhex('269f14543a0ec7ac'), { serial: 0x1a2b3c4d });
    const key = new EmulatedNitrokey3({ state, random: () => new Uint8Array(8), clock: createManualClock(0) });
    let checked = 0;
    for (const vector of file.vectors) {
      const keepalives = vector.id === 'calculate-hotp-touch-keepalive';
      key.setKeepalives(keepalives ? { everyMs: 100 } : null);
      key.setTouchPolicy(keepalives ? { kind: 'after', ms: 150 } : { kind: 'auto' });
      if (vector.id === 'ctaphid-cancel') continue; // below: it needs a pending touch wait
      for (const packet of vector.hostToDevicePackets) await key.write(unhex(packet));
      expect(await readAll(key), vector.id).toEqual(vector.deviceToHostPackets ?? []);
      checked++;
    }
    expect(checked).toBe(file.vectors.length - 1);

    // ctaphid-cancel: during a touch wait that would never end, CANCEL ends it; the pending
    // CALCULATE answers with an error status word (6500, "interrupted": sheet open question 1).
    const cancel = file.vectors.find((v) => v.id === 'ctaphid-cancel');
    const calculate = file.vectors.find((v) => v.id === 'calculate-hotp-touch-keepalive');
    if (cancel === undefined || calculate === undefined) throw new Error('vectors missing');
    key.setKeepalives(null);
    key.setTouchPolicy({ kind: 'never' });
    for (const packet of calculate.hostToDevicePackets) await key.write(unhex(packet));
    expect(key.waitingForTouch).toBe(true);
    for (const packet of cancel.hostToDevicePackets) await key.write(unhex(packet));
    const [answer] = await readAll(key);
    expect(answer?.slice(0, 18)).toBe('00000001f000026500');
    expect(key.waitingForTouch).toBe(false);
  });
});
