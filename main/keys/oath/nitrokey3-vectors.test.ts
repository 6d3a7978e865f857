import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import { openSecretsAppTransport } from '../ctaphid/index.js';
import { encodeMessage } from '../ctaphid/packets.js';
import { PacketScriptDevice, type PacketStep } from '../ctaphid/test-support/packet-script-device.js';
import { nitrokey3Dialect } from './dialects.js';
import { describeCredential } from './listing.js';
import type { OathCredential, OathProgress } from './model.js';
import { OathSession } from './session.js';

/**
 * Every Nitrokey 3 vector through the whole driver: OATH session → CTAPHID vendor command →
 * 64-byte packets on a scripted HID device, which insists on each host packet byte for byte and
 * answers the vector's device packets. The two transport-only vectors (an ERROR on the broadcast
 * channel, a CANCEL) are reproduced in ../ctaphid/connection.test.ts.
 */
interface Vector {
  readonly id: string;
  readonly hostToDevicePackets: readonly string[];
  readonly deviceToHostPackets?: readonly string[];
  readonly requestPayloadHex?: string;
  readonly code?: string;
  readonly unixTime?: number;
  readonly expected?: readonly { label: string; kind: string; algorithm: string; touchRequired: boolean; pinEncrypted: boolean }[];
  readonly credential?: { label: string; kind: 'TOTP' | 'HOTP'; algorithm: 'SHA1' | 'SHA256'; digits: number; secretHex: string; initialCounter?: number; touchRequired?: boolean };
}
const vectors = (JSON.parse(readFileSync(new URL('../../../../shared/vectors/nitrokey3-secrets.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;
const vector = (id: string) => {
  const found = vectors.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no vector ${id}`);
  return found;
};
const IN_CONNECTION_TEST = new Set(['ctaphid-error-invalid-channel', 'ctaphid-cancel']);

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const steps = (...ids: string[]): PacketStep[] =>
  ids.flatMap((id) => [...vector(id).hostToDevicePackets.map((write) => ({ write })), ...(vector(id).deviceToHostPackets ?? []).map((reply) => ({ reply }))]);

async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function openOn(script: PacketStep[], trace?: (line: string) => void) {
  const clock = createManualClock(1_700_000_000_000);
  const device = new PacketScriptDevice(script, clock);
  const transport = await openSecretsAppTransport(device, { clock, nonce: () => bytes('a1b2c3d4e5f60718'), ...(trace === undefined ? {} : { trace: (line) => { trace(`ctaphid ${line}`); } }) });
  const session = await OathSession.open(transport, nitrokey3Dialect, { clock, ...(trace === undefined ? {} : { trace: (line) => { trace(`apdu ${line}`); } }) });
  return { device, session };
}

describe('Nitrokey 3 vectors through session, CTAPHID and packets', () => {
  it('every vector is reproduced here or in the connection test', () => {
    const here = ['ctaphid-init', 'select-status', 'put-totp', 'put-hotp-multipacket', 'list-v1-two-credentials', 'list-v0-two-credentials', 'calculate-totp', 'calculate-hotp-touch-keepalive', 'delete', 'calculate-not-found'];
    expect(vectors.map((v) => v.id).sort()).toEqual([...here, ...IN_CONNECTION_TEST].sort());
  });

  it('INIT, SELECT, both PUTs, LIST v1, both CALCULATEs, DELETE and a missing name, in order, every packet byte for byte', async () => {
    const { device, session } = await openOn(
      steps('ctaphid-init', 'select-status', 'put-totp', 'put-hotp-multipacket', 'list-v1-two-credentials', 'calculate-totp', 'calculate-hotp-touch-keepalive', 'delete', 'calculate-not-found'),
    );
    expect(session.info).toMatchObject({ version: { major: 4, minor: 14, patch: 0 }, serial: 0x1a2b3c4d, hasPin: false, capacity: 50 });

    for (const id of ['put-totp', 'put-hotp-multipacket']) {
      const c = vector(id).credential;
      if (c === undefined) throw new Error('credential');
      const [issuer, ...account] = c.label.split(':');
      const progress: OathProgress[] = [];
      const written = await session.put(
        {
          issuer,
          account: account.join(':'),
          type: c.kind === 'TOTP' ? 'totp' : 'hotp',
          algorithm: c.algorithm,
          digits: c.digits,
          secret: bytes(c.secretHex),
          ...(c.initialCounter === undefined ? {} : { counter: c.initialCounter }),
          touch: c.touchRequired === true,
        },
        { onProgress: (p) => progress.push(p) },
      );
      expect(written.name).toBe(c.label);
      // Touch is prompted from the credential's flag: the NK3 says nothing while it waits.
      expect(progress).toEqual(c.touchRequired === true ? [{ needsTouch: true }] : []);
    }

    const listed = await session.list();
    expect(listed.map((l) => ({ label: l.name, kind: l.type.toUpperCase(), algorithm: l.algorithm, touchRequired: l.touch, pinEncrypted: l.pinProtected }))).toEqual(
      vector('list-v1-two-credentials').expected?.map(({ label, kind, algorithm, touchRequired, pinEncrypted }) => ({ label, kind, algorithm, touchRequired, pinEncrypted })),
    );
    const [alice, acme] = listed as [OathCredential, OathCredential];

    const totp = await session.calculate(alice, { time: vector('calculate-totp').unixTime ?? 0 });
    expect(totp).toEqual({ value: vector('calculate-totp').code, digits: 6, validFrom: 1_111_111_080, validTo: 1_111_111_110 });

    const progress: OathProgress[] = [];
    const hotp = await session.calculate(acme, { onProgress: (p) => progress.push(p) });
    expect(hotp.value).toBe(vector('calculate-hotp-touch-keepalive').code);
    expect(progress).toEqual([{ needsTouch: true }, { needsTouch: false, keepalive: 'user-presence-needed' }, { needsTouch: false, keepalive: 'user-presence-needed' }]);

    const deleting: OathProgress[] = [];
    await session.delete(alice, { onProgress: (p) => deleting.push(p) });
    expect(deleting).toEqual([{ needsTouch: true }]);

    const missing = await rejection(session.calculate(describeCredential(new TextEncoder().encode('GitLab:bob'), 'totp'), { time: 1_111_111_109 }));
    expect(missing.toInfo()).toMatchObject({ code: 'NOT_FOUND', details: { sw: '6a82' } });
    expect(device.remaining).toBe(0);
  });

  it('list-v0-two-credentials: an app before 4.11 is asked for LIST v0, and its entries carry no properties', async () => {
    // The SELECT answer is select-status with version 4.10.0; the LIST is the vector's.
    const oldSelect = encodeMessage({ cid: 1, cmd: 0x70, payload: bytes('90007903040a007108269f14543a0ec7ac8f041a2b3c4d') }).map((reply) => ({ reply: Buffer.from(reply).toString('hex') }));
    const { device, session } = await openOn([...steps('ctaphid-init'), ...vector('select-status').hostToDevicePackets.map((write) => ({ write })), ...oldSelect, ...steps('list-v0-two-credentials')]);
    const listed = await session.list();
    expect(listed.map((l) => [l.name, l.type, l.algorithm, l.touch])).toEqual([
      ['GitHub:alice', 'totp', 'SHA1', undefined],
      ['ACME Corporation (staging):alice.longname+otp@accounts.example.com', 'hotp', 'SHA256', undefined],
    ]);
    expect(device.remaining).toBe(0);
  });

  it('with --trace on both layers, a PUT shows framing and lengths only: the secret is in no line', async () => {
    const lines: string[] = [];
    const { session } = await openOn(steps('ctaphid-init', 'select-status', 'put-hotp-multipacket'), (line) => lines.push(line));
    const c = vector('put-hotp-multipacket').credential;
    if (c === undefined) throw new Error('credential');
    await session.put({ issuer: 'ACME Corporation (staging)', account: 'alice.longname+otp@accounts.example.com', type: 'hotp', algorithm: 'SHA256', digits: 8, secret: bytes(c.secretHex), counter: 1, touch: true });
    const put = lines.slice(lines.findIndex((line) => line.startsWith('apdu > 00010000')));
    expect(put).toEqual([
      'apdu > 0001000070 [112 bytes redacted]',
      'ctaphid > 00000001f00075 [57 bytes redacted]',
      'ctaphid > 0000000100 [59 bytes redacted]',
      'ctaphid > 0000000101 [59 bytes redacted]',
      'ctaphid < 00000001f00002 [57 bytes redacted]',
      'apdu < 9000',
    ]);
    expect(lines.join('\n')).not.toContain(c.secretHex.slice(0, 16));
  });
});
