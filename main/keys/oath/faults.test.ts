import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import { CtaphidApduTransport, CtaphidConnection } from '../ctaphid/index.js';
import { encodeMessage } from '../ctaphid/packets.js';
import { PacketScriptDevice, type PacketStep } from '../ctaphid/test-support/packet-script-device.js';
import { nitrokey3Dialect, yubikeyDialect } from './dialects.js';
import { describeCredential } from './listing.js';
import type { NewOathCredential, OathProgress } from './model.js';
import { OathSession } from './session.js';
import { ScriptedApduTransport, type ApduStep } from './test-support/scripted-apdu-transport.js';

/**
 * Faults as the real keys show them, through scripted transports: what the user is told, and that
 * nothing more is sent than the key would need.
 */
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hexOf = (data: Uint8Array) => Buffer.from(data).toString('hex');
const tlv = (tag: number, value: Uint8Array) => hexOf(Uint8Array.of(tag, value.length)) + hexOf(value);
const text = (value: string) => new TextEncoder().encode(value);

const YK_SELECT = (version = '050403') => ({ capdu: '00a4040007a0000005272101', rapdu: `7903${version}7108e2f0b09d74bf9ef19000` });
const NK3_SELECT_APDU = '00a4040007a0000005272101';
const nk3SelectAnswer = (attempts: number | null, version = '040e00') =>
  `7903${version}${attempts === null ? '7108269f14543a0ec7ac' : `8201${attempts.toString(16).padStart(2, '0')}`}8f041a2b3c4d9000`;
/** A short command APDU with its Lc computed: `apdu('00a20001', data)`. */
const apdu = (header: string, data: string) => `${header}${(data.length / 2).toString(16).padStart(2, '0')}${data}`;
const SECRET = bytes('3132333435363738393031323334353637383930');
const alice: NewOathCredential = { issuer: 'Example', account: 'alice', type: 'totp', algorithm: 'SHA1', digits: 6, secret: SECRET };

async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function yubikey(script: ApduStep[], version?: string) {
  const clock = createManualClock(1_700_000_000_000);
  const transport = new ScriptedApduTransport([YK_SELECT(version), ...script], clock);
  const session = await OathSession.open(transport, yubikeyDialect, { clock });
  return { clock, transport, session };
}

async function nk3Apdu(script: ApduStep[], attempts: number | null = null, version?: string) {
  const clock = createManualClock(1_700_000_000_000);
  const transport = new ScriptedApduTransport([{ capdu: NK3_SELECT_APDU, rapdu: nk3SelectAnswer(attempts, version) }, ...script], clock);
  const session = await OathSession.open(transport, nitrokey3Dialect, { clock });
  return { clock, transport, session };
}

const nk3Vectors = (JSON.parse(readFileSync(new URL('../../../../shared/vectors/nitrokey3-secrets.json', import.meta.url), 'utf8')) as { vectors: { id: string; hostToDevicePackets: string[]; deviceToHostPackets?: string[] }[] }).vectors;
const nk3Steps = (id: string, withReplies = true): PacketStep[] => {
  const found = nk3Vectors.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(id);
  return [...found.hostToDevicePackets.map((write) => ({ write })), ...(withReplies ? (found.deviceToHostPackets ?? []).map((reply) => ({ reply })) : [])];
};
const CANCEL_PACKET = '0000000191'.padEnd(128, '0');
const acme: NewOathCredential = {
  issuer: 'ACME Corporation (staging)',
  account: 'alice.longname+otp@accounts.example.com',
  type: 'hotp',
  algorithm: 'SHA256',
  digits: 8,
  secret: bytes('3132333435363738393031323334353637383930313233343536373839303132'),
  counter: 1,
  touch: true,
};

async function nk3Packets(after: PacketStep[]) {
  const clock = createManualClock(1_700_000_000_000);
  const device = new PacketScriptDevice([...nk3Steps('ctaphid-init'), ...nk3Steps('select-status'), ...after], clock);
  const connection = await CtaphidConnection.open(device, { clock, nonce: () => bytes('a1b2c3d4e5f60718'), maxMessageSize: 3072 });
  const session = await OathSession.open(new CtaphidApduTransport(connection), nitrokey3Dialect, { clock });
  return { clock, device, session };
}

describe('unplugged in the middle of a PUT', () => {
  it('NK3, after the first of three packets: KEY_UNPLUGGED saying the outcome is unknown and to list the key', async () => {
    const { session } = await nk3Packets([nk3Steps('put-hotp-multipacket')[0] ?? { unplug: true }, { unplug: true }]);
    const error = await rejection(session.put(acme));
    expect(error.code).toBe('KEY_UNPLUGGED');
    expect(error.message).toMatch(/list the key/);
    expect(error.details).toMatchObject({ outcome: 'unknown', where: 'after 1 of 3 packets of our message' });
  });

  it('YubiKey, the card gone during the PUT APDU: KEY_UNPLUGGED, outcome unknown', async () => {
    const put = apdu('00010000', `${tlv(0x71, text('Example:alice'))}${tlv(0x73, bytes('2106' + hexOf(SECRET)))}`);
    const { session } = await yubikey([{ capdu: put, unplug: true }]);
    const error = await rejection(session.put(alice, { ifExists: 'overwrite' }));
    expect(error.toInfo()).toMatchObject({ code: 'KEY_UNPLUGGED', details: { outcome: 'unknown' } });
  });
});

describe('touch never given', () => {
  it('NK3 PUT of a touch credential: the prompt comes from the flag, the key stays silent 15 s and answers 6982: KEY_TOUCH_TIMEOUT', async () => {
    const timedOut = encodeMessage({ cid: 1, cmd: 0x70, payload: bytes('6982') }).map((reply) => ({ reply: hexOf(reply) }));
    const { session, clock, device } = await nk3Packets([...nk3Steps('put-hotp-multipacket', false), { idleMs: 15_000 }, ...timedOut]);
    const progress: OathProgress[] = [];
    const before = clock.slept;
    const error = await rejection(session.put(acme, { onProgress: (p) => progress.push(p) }));
    expect(error.code).toBe('KEY_TOUCH_TIMEOUT');
    expect(progress).toEqual([{ needsTouch: true }]);
    expect(clock.slept - before).toBe(15_000);
    expect(device.remaining).toBe(0);
  });

  it('NK3 that never answers at all: our own 30 s deadline is a touch timeout too, and the key is sent CANCEL', async () => {
    const { session, device } = await nk3Packets([...nk3Steps('put-hotp-multipacket', false), { write: CANCEL_PACKET }]);
    expect((await rejection(session.put(acme))).code).toBe('KEY_TOUCH_TIMEOUT');
    expect(device.remaining).toBe(0);
  });

  it('NK3: the user cancels while the key waits: CANCEL goes out and the operation is CANCELLED', async () => {
    const cancelledAnswer = encodeMessage({ cid: 1, cmd: 0x70, payload: bytes('6500') }).map((reply) => ({ reply: hexOf(reply) }));
    const { session, device } = await nk3Packets([...nk3Steps('put-hotp-multipacket', false), { idleMs: 2000 }, { write: CANCEL_PACKET }, ...cancelledAnswer]);
    const controller = new AbortController();
    // The user presses Cancel once the key has been silent for a moment (the first idle read).
    const read = device.read.bind(device);
    device.read = async (timeoutMs) => {
      const report = await read(timeoutMs);
      if (device.remaining === 3) controller.abort();
      return report;
    };
    const error = await rejection(session.put(acme, { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(device.remaining).toBe(0);
  });

  it('YubiKey touch credential: prompt at once, 6982 after the key’s ~20 s: KEY_TOUCH_TIMEOUT', async () => {
    const calc = apdu('00a20001', `${tlv(0x71, text('Touch:dave'))}740800000000023523ec`);
    const { session, transport } = await yubikey([{ capdu: calc, rapdu: '6982', silentMs: 20_000 }]);
    const progress: OathProgress[] = [];
    const error = await rejection(session.calculate(describeCredential(text('Touch:dave'), 'totp', { touch: true }), { time: 1_111_111_109, onProgress: (p) => progress.push(p) }));
    expect(error.code).toBe('KEY_TOUCH_TIMEOUT');
    expect(progress).toEqual([{ needsTouch: true }]);
    expect(transport.options[1]?.timeoutMs).toBe(30_000);
  });

  it('YubiKey HOTP (touch unknown): the prompt comes only after 0.5 s, and a late 6982 is a touch timeout', async () => {
    const calc = apdu('00a20001', `${tlv(0x71, text('Example:hotp'))}7400`);
    const { session } = await yubikey([{ capdu: calc, rapdu: '6982', silentMs: 20_000 }]);
    const progress: OathProgress[] = [];
    const error = await rejection(session.calculate(describeCredential(text('Example:hotp'), 'hotp'), { onProgress: (p) => progress.push(p) }));
    expect(error.code).toBe('KEY_TOUCH_TIMEOUT');
    expect(progress).toEqual([{ needsTouch: true }]);
  });

  it('YubiKey HOTP answered at once: no prompt; an immediate 6982 is a locked key, not a touch timeout', async () => {
    const calc = apdu('00a20001', `${tlv(0x71, text('Example:hotp'))}7400`);
    const { session } = await yubikey([
      { capdu: calc, rapdu: '7605064c93cf189000' },
      { capdu: calc, rapdu: '6982' },
    ]);
    const progress: OathProgress[] = [];
    const hotp = describeCredential(text('Example:hotp'), 'hotp');
    expect((await session.calculate(hotp, { onProgress: (p) => progress.push(p) })).value).toBe('755224');
    expect(progress).toEqual([]);
    expect((await rejection(session.calculate(hotp))).toInfo()).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'password' } });
  });
});

describe('wrong PIN down to the last retry (NK3)', () => {
  const verify = (pin: string) => apdu('00b20000', tlv(0x80, text(pin)));

  it('each 6300 re-reads the attempts left; at 0 the PIN is blocked and no further VERIFY is sent', async () => {
    const script: ApduStep[] = [];
    for (const left of [2, 1, 0]) script.push({ capdu: verify('1111'), rapdu: '6300' }, { capdu: NK3_SELECT_APDU, rapdu: nk3SelectAnswer(left) });
    const { session, transport } = await nk3Apdu(script, 3);
    expect(session.info).toMatchObject({ hasPin: true, pinAttemptsRemaining: 3, salt: undefined });
    for (const left of [2, 1, 0]) {
      const error = await rejection(session.verifyPin('1111'));
      expect(error.toInfo()).toMatchObject({ code: 'KEY_PIN_WRONG', details: { kind: 'pin', attemptsRemaining: left } });
      if (left === 0) expect(error.message).toMatch(/blocked/);
    }
    const sent = transport.sent.length;
    expect((await rejection(session.verifyPin('1234'))).toInfo()).toMatchObject({ code: 'KEY_PIN_WRONG', details: { attemptsRemaining: 0 } });
    expect(transport.sent.length).toBe(sent);
  });

  it('the PIN is never traced: VERIFY shows its header and length only', async () => {
    const lines: string[] = [];
    const clock = createManualClock();
    const transport = new ScriptedApduTransport([{ capdu: NK3_SELECT_APDU, rapdu: nk3SelectAnswer(8) }, { capdu: verify('271828'), rapdu: '9000' }], clock);
    const session = await OathSession.open(transport, nitrokey3Dialect, { clock, trace: (line) => lines.push(line) });
    await session.verifyPin('271828');
    expect(lines.slice(2)).toEqual(['> 00b2000008 [8 bytes redacted]', '< 9000']);
    expect(transport.options[1]?.sensitive).toBe(true);
  });

  it('a key without a PIN: verify is refused before sending; set PIN then shows 8 attempts', async () => {
    const { session, transport } = await nk3Apdu([
      { capdu: apdu('00b40000', tlv(0x80, text('1234'))), rapdu: '9000' },
      { capdu: NK3_SELECT_APDU, rapdu: nk3SelectAnswer(8) },
    ]);
    expect((await rejection(session.verifyPin('1234'))).code).toBe('INVALID_REQUEST');
    expect(transport.sent).toHaveLength(1);
    await session.setPin('1234');
    expect(session.info).toMatchObject({ hasPin: true, pinAttemptsRemaining: 8 });
  });
});

describe('NK3 PIN-encrypted credentials and CHANGE PIN', () => {
  const verify = (pin: string) => apdu('00b20000', tlv(0x80, text(pin)));
  const secretCredential = describeCredential(text('Bank:me'), 'totp', { algorithm: 'SHA1', touch: false, pinProtected: true });
  const calc = apdu('00a20001', `${tlv(0x71, text('Bank:me'))}740800000000023523ec`);

  it('without a PIN the calculation is refused unsent (the key would only say 6A82); with one, VERIFY comes right before it', async () => {
    const { session, transport } = await nk3Apdu([{ capdu: verify('2468'), rapdu: '9000' }, { capdu: calc, rapdu: '7605063610f84c9000' }], 8);
    expect((await rejection(session.calculate(secretCredential, { time: 1_111_111_109 }))).toInfo()).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'pin' } });
    expect(transport.sent).toHaveLength(1);
    expect((await session.calculate(secretCredential, { time: 1_111_111_109, pin: '2468' })).value).toBe('081804');
    expect(transport.remaining).toBe(0);
  });

  it('DELETE and rename of one: refused unsent without a PIN (the key would say 6A82, "not found"); with one, VERIFY right before each', async () => {
    const remove = apdu('00020000', tlv(0x71, text('Bank:you')));
    const update = apdu('00b70000', `${tlv(0x71, text('Bank:me'))}${tlv(0x71, text('Bank:you'))}`);
    const { session, transport } = await nk3Apdu(
      [
        { capdu: verify('2468'), rapdu: '9000' },
        { capdu: update, rapdu: '9000' },
        { capdu: verify('2468'), rapdu: '9000' },
        { capdu: remove, rapdu: '9000' },
      ],
      8,
    );
    expect((await rejection(session.delete(secretCredential))).toInfo()).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'pin' } });
    expect((await rejection(session.rename(secretCredential, { issuer: 'Bank', account: 'you' }))).toInfo()).toMatchObject({ code: 'KEY_PIN_REQUIRED', details: { kind: 'pin' } });
    expect(transport.sent).toHaveLength(1);
    const renamed = await session.rename(secretCredential, { issuer: 'Bank', account: 'you' }, { pin: '2468' });
    expect(renamed).toMatchObject({ name: 'Bank:you', pinProtected: true });
    await session.delete(renamed, { pin: '2468' });
    expect(transport.remaining).toBe(0);
  });

  it('a wrong current PIN in CHANGE PIN is KEY_PIN_WRONG with the attempts left', async () => {
    const change = apdu('00b30000', `${tlv(0x80, text('0000'))}${tlv(0x81, text('9999'))}`);
    const { session } = await nk3Apdu([{ capdu: change, rapdu: '6300' }, { capdu: NK3_SELECT_APDU, rapdu: nk3SelectAnswer(6) }], 7);
    expect((await rejection(session.changePin('0000', '9999'))).toInfo()).toMatchObject({ code: 'KEY_PIN_WRONG', details: { attemptsRemaining: 6 } });
  });
});

describe('a full key', () => {
  const listOf = (count: number) => Array.from({ length: count }, (_, index) => tlv(0x72, Uint8Array.of(0x21, ...text(`Fill:${String(index)}`)))).join('');

  it('YubiKey 5.4 with 32 credentials: LIST shows it full and nothing is written (KEY_FULL, capacity 32)', async () => {
    const all = listOf(32);
    const { session, transport } = await yubikey([
      { capdu: '00a1000000', rapdu: `${all.slice(0, 512)}6100` },
      { capdu: '00a5000000', rapdu: `${all.slice(512)}9000` },
    ]);
    expect((await rejection(session.put(alice))).toInfo()).toMatchObject({ code: 'KEY_FULL', details: { capacity: 32 } });
    expect(transport.remaining).toBe(0);
  });

  it('YubiKey 5.7 holds 64', async () => {
    const { session } = await yubikey([], '050700');
    expect(session.info.capacity).toBe(64);
  });

  it('NK3 answers 6A84 itself: KEY_FULL, capacity 50', async () => {
    const put = apdu('00010000', `${tlv(0x71, text('Example:alice'))}${tlv(0x73, bytes('2106' + hexOf(SECRET)))}7800`);
    const { session } = await nk3Apdu([{ capdu: put, rapdu: '6a84' }]);
    expect((await rejection(session.put(alice))).toInfo()).toMatchObject({ code: 'KEY_FULL', details: { capacity: 50, sw: '6a84' } });
  });
});

describe('names that do not fit, and credentials a key cannot hold', () => {
  it('the limit is bytes of the whole id: 33 × "é" is 66 bytes on a YubiKey (limit 64), the period prefix counts too', async () => {
    const { session, transport } = await yubikey([]);
    expect((await rejection(session.put({ ...alice, issuer: undefined, account: 'é'.repeat(33) }))).toInfo()).toMatchObject({ code: 'ACCOUNT_INVALID', details: { field: 'name', bytes: 66, limit: 64 } });
    expect((await rejection(session.put({ ...alice, issuer: 'I', account: 'a'.repeat(60), period: 60 }))).details).toMatchObject({ bytes: 65 });
    expect(transport.sent).toHaveLength(1);
  });

  it('NK3 takes 127 bytes and refuses 128, before sending', async () => {
    const { session, transport } = await nk3Apdu([]);
    expect((await rejection(session.put({ ...alice, issuer: undefined, account: 'x'.repeat(128) }))).details).toMatchObject({ bytes: 128, limit: 127 });
    expect(transport.sent).toHaveLength(1);
  });

  it('SHA512 on an NK3: refused before any PUT, and a listed SHA512 credential is never CALCULATEd (it would cost a HOTP counter)', async () => {
    const { session, transport } = await nk3Apdu([]);
    expect((await rejection(session.put({ ...alice, algorithm: 'SHA512' }))).code).toBe('KEY_UNSUPPORTED');
    expect((await rejection(session.calculate(describeCredential(text('x'), 'hotp', { algorithm: 'SHA512' })))).code).toBe('KEY_UNSUPPORTED');
    expect(transport.sent).toHaveLength(1);
  });

  it('a YubiKey before 4.3.1 has no SHA512, before 4.2.6 no touch, before 5.3.1 no rename', async () => {
    const { session, transport } = await yubikey([], '040200');
    expect((await rejection(session.put({ ...alice, algorithm: 'SHA512' }))).message).toMatch(/4\.3\.1/);
    expect((await rejection(session.put({ ...alice, touch: true }))).message).toMatch(/4\.2\.6/);
    expect((await rejection(session.rename(describeCredential(text('a:b'), 'totp'), { account: 'c' }))).code).toBe('KEY_UNSUPPORTED');
    expect(transport.sent).toHaveLength(1);
  });

  it('digits outside 6–8, a counter on TOTP, an issuer with a colon: ACCOUNT_INVALID naming the field', async () => {
    const { session } = await yubikey([]);
    expect((await rejection(session.put({ ...alice, digits: 9 }))).details).toMatchObject({ field: 'digits' });
    expect((await rejection(session.put({ ...alice, counter: 3 }))).details).toMatchObject({ field: 'counter' });
    expect((await rejection(session.put({ ...alice, issuer: 'a:b' }))).details).toMatchObject({ field: 'issuer' });
  });
});

describe('existing names and the other key’s commands', () => {
  it('YubiKey overwrites silently, so an existing name is refused after a LIST unless overwrite is asked', async () => {
    const { session, transport } = await yubikey([{ capdu: '00a1000000', rapdu: `${tlv(0x72, Uint8Array.of(0x21, ...text('Example:alice')))}9000` }]);
    expect((await rejection(session.put(alice))).code).toBe('KEY_CREDENTIAL_EXISTS');
    expect(transport.remaining).toBe(0);
  });

  it('NK3 refuses a duplicate itself (6983): KEY_CREDENTIAL_EXISTS, with no LIST before', async () => {
    const put = apdu('00010000', `${tlv(0x71, text('Example:alice'))}${tlv(0x73, bytes('2106' + hexOf(SECRET)))}7800`);
    const { session, transport } = await nk3Apdu([{ capdu: put, rapdu: '6983' }]);
    expect((await rejection(session.put(alice))).code).toBe('KEY_CREDENTIAL_EXISTS');
    expect(transport.sent).toHaveLength(2);
  });

  it('no access password on an NK3 (SET CODE would answer 9000 and set nothing), no PIN on a YubiKey, no full HMAC on an NK3', async () => {
    const nk3 = (await nk3Apdu([])).session;
    expect((await rejection(nk3.setPassword('x'))).code).toBe('KEY_UNSUPPORTED');
    expect((await rejection(nk3.calculate(describeCredential(text('a:b'), 'totp', { touch: false }), { full: true }))).code).toBe('KEY_UNSUPPORTED');
    const yk = (await yubikey([])).session;
    expect((await rejection(yk.verifyPin('1234'))).code).toBe('KEY_UNSUPPORTED');
  });

  it('a VALIDATE answer that does not prove the password is KEY_PROTOCOL (mutual authentication)', async () => {
    const clock = createManualClock();
    const select = { capdu: '00a4040007a0000005272101', rapdu: '79030504037108e2f0b09d74bf9ef1740877efecb5f822a1d67b01219000' };
    const validate = '00a3000020751405c906cb313f9789fc0add0d975ae1206edd7adf740838baf9fae38e42a7';
    const transport = new ScriptedApduTransport([select, { capdu: validate, rapdu: `7514${'00'.repeat(20)}9000` }], clock);
    const session = await OathSession.open(transport, yubikeyDialect, { clock, random: () => bytes('38baf9fae38e42a7') });
    expect((await rejection(session.unlock({ password: 'correct horse battery staple' }))).code).toBe('KEY_PROTOCOL');
  });
});
