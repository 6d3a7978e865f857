import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createEmulatedYubiKeyOtpBackend, EmulatedYubiKeyOtp, openEmulatedYubiKeyOtp, type EmulatorState } from './yubikey-otp.js';
import { configStruct, configurePayload, crc16, frameReports, hex, hmacConfig, transact, unhex } from './test-support/otp-host.js';

const KEY = unhex('303132333435363738393a3b3c3d3e3f40414243');
const CODE = unhex('a1b2c3d4e5f6');
const seeded = (length: number) => new Uint8Array(length).map((_, i) => (i * 29 + 3) & 0xff);
const challenge = (text: string) => {
  const block = new Uint8Array(64);
  block.set(Buffer.from(text));
  return block;
};

function blankKey(touchPolicy: EmulatorState['touchPolicy'] = { kind: 'auto' }, clock = { now: () => 0 }): EmulatedYubiKeyOtp {
  return new EmulatedYubiKeyOtp({ state: { serial: 4242, firmware: [5, 4, 3], pgmSeq: 0, touchPolicy, slots: [null, null] }, clock });
}

async function status(key: EmulatedYubiKeyOtp): Promise<string> {
  return hex(await key.getFeatureReport(8));
}

async function responseTo(key: EmulatedYubiKeyOtp, command: number, payload: Uint8Array): Promise<string | null> {
  const result = await transact(key, command, payload);
  return result.kind === 'data' ? hex(result.data.subarray(0, 20)) : null;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('the emulated key leaves its state alone when a write must fail', () => {
  it('a frame with one CRC bit flipped: slots and pgmSeq unchanged', async () => {
    const key = blankKey();
    await transact(key, 0x03, configurePayload(hmacConfig(KEY)));
    const before = key.snapshot();
    const reports = frameReports(0x01, configurePayload(hmacConfig(unhex('ff'.repeat(20)))));
    const last = reports[reports.length - 1];
    if (last === undefined) throw new Error('no reports');
    last[2] = (last[2] ?? 0) ^ 0x10; // frame byte 65: the CRC's low byte
    for (const report of reports) await key.sendFeatureReport(report);
    expect(await status(key)).toBe('0005040301020089');
    expect(await status(key)).toBe('0005040301020000');
    expect(key.lastRejection).toBe('bad-frame-crc');
    expect(key.snapshot()).toEqual(before);
  });

  it('a config struct whose own CRC is wrong is ignored', async () => {
    const key = blankKey();
    const config = hmacConfig(KEY);
    config[51] = (config[51] ?? 0) ^ 0x01;
    expect((await transact(key, 0x01, configurePayload(config))).kind).toBe('status');
    expect(key.lastRejection).toBe('bad-config-crc');
    expect(key.snapshot().slots).toEqual([null, null]);
  });

  it('a wrong access code: configure, update and delete are ignored; the right code works', async () => {
    const key = blankKey();
    await transact(key, 0x01, configurePayload(hmacConfig(KEY, { accessCode: CODE })));
    const before = key.snapshot();
    const wrong = unhex('010203040506');
    for (const [command, payload] of [
      [0x01, configurePayload(hmacConfig(unhex('00'.repeat(20))), wrong)],
      [0x01, configurePayload(hmacConfig(unhex('00'.repeat(20))))],
      [0x04, configurePayload(configStruct({ uid: new Uint8Array(6), key: new Uint8Array(16), ext: 0x24, tkt: 0x20, cfg: 0 }), wrong)],
      [0x01, configurePayload(new Uint8Array(52), wrong)],
    ] as const) {
      const result = await transact(key, command, payload);
      expect(result.kind).toBe('status');
      expect(key.lastRejection).toBe('wrong-access-code');
      expect(key.snapshot()).toEqual(before);
    }
    await transact(key, 0x01, configurePayload(new Uint8Array(52), CODE));
    expect(key.snapshot()).toMatchObject({ pgmSeq: 0, slots: [null, null] });
  });
});

describe('slot writes', () => {
  it('update keeps the secret, replaces updatable flags and the access code; needs ALLOW_UPDATE', async () => {
    const key = blankKey();
    await transact(key, 0x03, configurePayload(hmacConfig(KEY)));
    const answer = await responseTo(key, 0x38, challenge('abc'));
    const update = configStruct({ uid: new Uint8Array(6), key: new Uint8Array(16), accessCode: CODE, ext: 0x04, tkt: 0x00, cfg: 0x04 });
    await transact(key, 0x05, configurePayload(update));
    expect(key.lastRejection).toBeNull();
    expect(key.snapshot().slots[1]).toMatchObject({ accessCode: hex(CODE), extFlags: 0x04, tktFlags: 0x40, cfgFlags: 0x26 });
    expect(await responseTo(key, 0x38, challenge('abc'))).toBe(answer);
    // cfg 0x0C is updatable: in challenge-response mode that is HMAC_LT64 and CHAL_BTN_TRIG.
    // ALLOW_UPDATE (0x20) is gone now: a second update is refused.
    await transact(key, 0x05, configurePayload(update, CODE));
    expect(key.lastRejection).toBe('not-updatable');
    await transact(key, 0x04, configurePayload(update));
    expect(key.lastRejection).toBe('slot-empty');
    expect(key.snapshot().pgmSeq).toBe(2);
  });

  it('swap exchanges the slots (payload ignored) and counts as a write', async () => {
    const key = blankKey();
    await transact(key, 0x01, configurePayload(hmacConfig(KEY, { touch: true })));
    const one = await responseTo(key, 0x30, challenge('x'));
    const junk = new Uint8Array(64).fill(0x5a);
    await transact(key, 0x06, junk);
    expect(key.snapshot()).toMatchObject({ pgmSeq: 2, slots: [null, { cfgFlags: 0x2e }] });
    expect(await responseTo(key, 0x30, challenge('x'))).toBeNull();
    expect(key.lastRejection).toBe('not-hmac-slot');
    expect(await responseTo(key, 0x38, challenge('x'))).toBe(one);
  });

  it('pgmSeq is one byte and wraps', async () => {
    const key = new EmulatedYubiKeyOtp({ state: { serial: 1, firmware: [5, 4, 3], pgmSeq: 255, touchPolicy: { kind: 'auto' }, slots: [null, null] } });
    await transact(key, 0x01, configurePayload(hmacConfig(KEY)));
    expect(key.snapshot().pgmSeq).toBe(0);
  });

  it('parts 1..8 are zero unless sent: an abandoned frame leaves nothing behind', async () => {
    const key = blankKey();
    const full = frameReports(0x01, configurePayload(hmacConfig(KEY)));
    for (const report of full.slice(0, -1)) await key.sendFeatureReport(report);
    // A new frame starts at part 0: the serial command sends only parts 0 and 9.
    const serial = await transact(key, 0x10, new Uint8Array(64));
    expect(serial.kind === 'data' && hex(serial.data.subarray(0, 4))).toBe('00001092');
    expect(serial.kind === 'data' && crc16(serial.data.subarray(0, 6))).toBe(0xf0b8);
    expect(key.snapshot().slots).toEqual([null, null]);
  });

  it('parts out of order, or without part 0, are dropped', async () => {
    const key = blankKey();
    const reports = frameReports(0x10, new Uint8Array(64));
    await key.sendFeatureReport(reports[1] ?? new Uint8Array(8));
    expect(await status(key)).toBe('0005040300000000');
    await key.sendFeatureReport(reports[0] ?? new Uint8Array(8));
    await key.sendFeatureReport(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 0x85));
    await key.sendFeatureReport(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 0x83));
    await key.sendFeatureReport(reports[1] ?? new Uint8Array(8));
    expect(await status(key)).toBe('0005040300000000');
  });

  it('a reset (0x8f or 0xff) drops a pending response', async () => {
    const key = blankKey();
    for (const reset of [0x8f, 0xff]) {
      for (const report of frameReports(0x10, new Uint8Array(64))) await key.sendFeatureReport(report);
      expect(await status(key)).toBe('0005040300000089');
      expect((await key.getFeatureReport(8))[7]).toBe(0x40);
      await key.sendFeatureReport(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, reset));
      expect(await status(key)).toBe('0005040300000000');
    }
  });

  it('an unknown command is ignored', async () => {
    const key = blankKey();
    expect((await transact(key, 0x13, new Uint8Array(64))).kind).toBe('status');
    expect(key.lastRejection).toBe('unsupported-command');
  });
});

describe('touch', () => {
  it('auto: the host sees the wait flag once, then the answer', async () => {
    const key = blankKey({ kind: 'auto' });
    await transact(key, 0x03, configurePayload(hmacConfig(KEY, { touch: true })));
    const reads: string[] = [];
    const result = await transact(key, 0x38, challenge('t'), { onRead: (r) => reads.push(hex(r)) });
    expect(result.kind).toBe('data');
    expect(reads.slice(0, 3)).toEqual(['0005040301020089', '000504030102002f', reads[2]]);
    expect(reads[2]?.endsWith('40')).toBe(true);
  });

  it('after:MS: the answer once the clock passes MS; never: back to status after 15 s', async () => {
    let now = 0;
    for (const [policy, expected] of [
      [{ kind: 'after', ms: 3000 } as const, 'data'],
      [{ kind: 'never' } as const, 'status'],
    ] as const) {
      const key = blankKey(policy, { now: () => now });
      await transact(key, 0x01, configurePayload(hmacConfig(KEY, { touch: true })));
      const start = now;
      const result = await transact(key, 0x30, challenge('t'), {
        onRead: () => {
          now += 250;
        },
      });
      expect(result.kind).toBe(expected);
      expect(now - start).toBeGreaterThanOrEqual(expected === 'data' ? 3000 : 15_000);
      expect(now - start).toBeLessThan(expected === 'data' ? 5000 : 16_000);
    }
  });

  it('an explicit touch answers a key whose policy is never; the touch-never fault overrides it', async () => {
    let now = 0;
    const key = blankKey({ kind: 'never' }, { now: () => now });
    await transact(key, 0x01, configurePayload(hmacConfig(KEY, { touch: true })));
    const touched = await transact(key, 0x30, challenge('t'), {
      onRead: (r) => {
        if ((r[7] ?? 0) & 0x20) key.touch();
      },
    });
    expect(touched.kind).toBe('data');
    key.injectFault({ kind: 'touch-never' });
    const timedOut = await transact(key, 0x30, challenge('t'), {
      onRead: (r) => {
        now += 1000;
        if ((r[7] ?? 0) & 0x20) key.touch();
      },
    });
    expect(timedOut.kind).toBe('status');
    expect(key.snapshot().pgmSeq).toBe(1);
  });

  it('a touch on an idle key types slot 1: an OATH-HOTP code, and the counter advances', async () => {
    const key = blankKey();
    const hotpKey = Buffer.from('12345678901234567890');
    const uid = new Uint8Array(6);
    uid.set(hotpKey.subarray(16, 20));
    uid[5] = 1; // IMF 16
    await transact(key, 0x01, configurePayload(configStruct({ uid, key: hotpKey.subarray(0, 16), ext: 0x34, tkt: 0x60, cfg: 0x40 })));
    expect(key.snapshot().slots[0]?.counter).toBe(16);
    expect(await status(key)).toBe('0005040301050000');
    key.touch();
    expect(key.snapshot().slots[0]?.counter).toBe(17);
  });
});

describe('faults', () => {
  it('unplug after N reports: every later call rejects with KEY_UNPLUGGED; close still resolves', async () => {
    const key = blankKey();
    key.injectFault({ kind: 'unplug-after', reports: 3 });
    await key.getFeatureReport(8);
    await key.sendFeatureReport(frameReports(0x10, new Uint8Array(64))[0] ?? new Uint8Array(8));
    await key.getFeatureReport(8);
    for (const call of [key.getFeatureReport(8), key.sendFeatureReport(new Uint8Array(8)), key.read(10)]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(LatchkeyError);
      expect((error as LatchkeyError).code).toBe('KEY_UNPLUGGED');
    }
    await key.close();
    await key.close();
  });

  it('never answer (stay-busy): the write flag never clears and the command never runs', async () => {
    const key = blankKey();
    key.injectFault({ kind: 'never-answer', mode: 'stay-busy' });
    const result = await transact(key, 0x01, configurePayload(hmacConfig(KEY)), { maxReads: 50 });
    expect(result.kind).toBe('stuck');
    expect(await status(key)).toBe('0005040300000089');
    expect(key.snapshot().slots).toEqual([null, null]);
  });

  it('never answer (hang): calls never settle, until the key is unplugged', async () => {
    const key = blankKey();
    key.injectFault({ kind: 'never-answer', mode: 'hang' });
    const read = key.getFeatureReport(8);
    const raced = await Promise.race([read.then(() => 'answered'), new Promise((resolve) => setTimeout(resolve, 20, 'silent'))]);
    expect(raced).toBe('silent');
    key.unplug();
    expect(((await rejection(read)) as LatchkeyError).code).toBe('KEY_UNPLUGGED');
  });

  it('a corrupted report: one response bit flipped, so the host sees a bad CRC once', async () => {
    const key = blankKey();
    key.injectFault({ kind: 'corrupt-response' });
    const bad = await transact(key, 0x10, new Uint8Array(64));
    const good = await transact(key, 0x10, new Uint8Array(64));
    expect(bad.kind === 'data' && crc16(bad.data.subarray(0, 6))).not.toBe(0xf0b8);
    expect(good.kind === 'data' && crc16(good.data.subarray(0, 6))).toBe(0xf0b8);
  });
});

describe('the state file', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('separate opens see the same key; written 0600, atomically, on every change', async () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-ykotp-'));
    const file = join(dir, 'key.json');
    const first = openEmulatedYubiKeyOtp({ stateFile: file, random: seeded, touchPolicy: { kind: 'after', ms: 500 } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await transact(first, 0x03, configurePayload(hmacConfig(KEY, { accessCode: CODE })));
    const answer = await responseTo(first, 0x38, challenge('persist'));
    await first.close();

    const second = openEmulatedYubiKeyOtp({ stateFile: file });
    expect(second.snapshot()).toEqual(first.snapshot());
    expect(second.snapshot()).toMatchObject({ pgmSeq: 2, touchPolicy: { kind: 'after', ms: 500 } });
    expect(await responseTo(second, 0x38, challenge('persist'))).toBe(answer);
    expect(readdirSync(dir)).toEqual(['key.json']);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { touchPolicy: string; slots: Record<string, { mode: string } | null> };
    expect(json.touchPolicy).toBe('after:500');
    expect(json.slots['1']?.mode).toBe('yubico-otp');
    expect(json.slots['2']?.mode).toBe('chal-resp-hmac');
  });

  it('the injected random source makes a fresh key reproducible', () => {
    expect(openEmulatedYubiKeyOtp({ random: seeded }).snapshot()).toEqual(openEmulatedYubiKeyOtp({ random: seeded }).snapshot());
  });

  it('a file that is not a state is refused with a clear error', () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-ykotp-'));
    const file = join(dir, 'key.json');
    writeFileSync(file, '{"format":"something else"}');
    expect(() => openEmulatedYubiKeyOtp({ stateFile: file })).toThrow(/not a YubiKey OTP emulator state/);
  });

  it('a state file that cannot be written is an IO_ERROR naming the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'latchkey-ykotp-'));
    const file = join(dir, 'missing-folder', 'key.json');
    expect(() => openEmulatedYubiKeyOtp({ stateFile: file })).toThrow(expect.objectContaining({ code: 'IO_ERROR', message: expect.stringContaining(file) as unknown }));
  });
});

describe('the emulated key as a HID backend', () => {
  it('lists the key until it is unplugged; each open is a new connection to the same key', async () => {
    const backend = createEmulatedYubiKeyOtpBackend({ random: seeded });
    const [descriptor] = await backend.devices();
    expect(descriptor).toMatchObject({ vendorId: 0x1050, productId: 0x0407, usagePage: 1, usage: 6 });
    if (descriptor === undefined) throw new Error('no device');
    const first = await backend.open(descriptor);
    await transact(first, 0x03, configurePayload(hmacConfig(KEY)));
    await first.close();
    expect(((await rejection(first.getFeatureReport(8))) as LatchkeyError).code).toBe('KEY_UNPLUGGED');
    const second = await backend.open(descriptor);
    expect(hex(await second.getFeatureReport(8))).toBe('0005040302070000');
    backend.unplug();
    expect(((await rejection(second.getFeatureReport(8))) as LatchkeyError).code).toBe('KEY_UNPLUGGED');
    expect(await backend.devices()).toEqual([]);
    expect(((await rejection(backend.open(descriptor))) as LatchkeyError).code).toBe('KEY_NOT_FOUND');
    backend.plugIn();
    expect(hex(await (await backend.open(descriptor)).getFeatureReport(8))).toBe('0005040302070000');
  });
});
