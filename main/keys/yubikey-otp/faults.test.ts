import { describe, expect, it } from 'vitest';
import { LatchkeyError } from '../../../shared/errors.js';
import { createManualClock } from '../clock.js';
import type { HidDevice } from '../hid/hid-device.js';
import { SCRIPTED_DESCRIPTOR } from '../hid/scripted-hid-device.js';
import { DEFAULT_TIMEOUTS } from './protocol.js';
import { YubiOtpSession } from './session.js';
import type { OtpProgress } from './model.js';

/**
 * Faults, each against a small programmable HidDevice: the test says what a GET returns once the
 * key has the whole frame (part 9). Until then the key is idle and takes every part at once.
 */
const IDLE = '0005040303070000'; // fw 5.4.3, pgmSeq 3, slot 1 OTP (touch), slot 2 chal-resp
const RESET = '00000000000000ff';
const HMAC_KEY = Uint8Array.from(Buffer.from('303132333435363738393a3b3c3d3e3f40414243', 'hex'));
// The key's answer to the 6-byte challenge of vector e (20 bytes + CRC + filler, then the wrap).
const RESPONSE = ['b5c9a24ee0259940', '75fc50fc77e05541', '6d90fb0e0bc2bf42', '5c00000000000043', 'b5c9a24ee0259940'];

class FakeKey implements HidDevice {
  readonly descriptor = SCRIPTED_DESCRIPTOR;
  readonly sets: string[] = [];
  afterFrame = 0;

  constructor(
    private readonly answer: (read: number, key: FakeKey) => string | Error,
    private readonly onSet: (report: string, key: FakeKey) => Error | undefined = () => undefined,
  ) {}

  get frameDone(): boolean {
    return this.sets.some((report) => report.endsWith('89'));
  }

  async sendFeatureReport(report: Uint8Array): Promise<void> {
    await Promise.resolve();
    const hex = Buffer.from(report).toString('hex');
    const failure = this.onSet(hex, this);
    if (failure !== undefined) throw failure;
    this.sets.push(hex);
  }

  async getFeatureReport(): Promise<Uint8Array> {
    await Promise.resolve();
    const answer = this.frameDone ? this.answer(this.afterFrame++, this) : IDLE;
    if (answer instanceof Error) throw answer;
    return Uint8Array.from(Buffer.from(answer, 'hex'));
  }

  write = () => Promise.reject(new Error('no interrupt reports'));
  read = () => Promise.reject(new Error('no interrupt reports'));
  close = () => Promise.resolve();
}

async function failure(work: Promise<unknown>): Promise<LatchkeyError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof LatchkeyError)) throw new Error(`expected a LatchkeyError, got ${String(error)}`);
  return error;
}

const open = (key: FakeKey, clock = createManualClock(), trace?: (line: string) => void) =>
  YubiOtpSession.open(key, { clock, ...(trace === undefined ? {} : { trace }) });

describe('YubiKey OTP faults', () => {
  it('a key unplugged in the middle of a write is KEY_UNPLUGGED, and nothing after it is sent', async () => {
    const key = new FakeKey(
      () => IDLE,
      (report, self) => (self.sets.length === 3 ? new LatchkeyError('KEY_UNPLUGGED', 'the key was unplugged') : undefined),
    );
    const session = await open(key);
    const error = await failure(session.programChallengeResponse(2, { key: HMAC_KEY }, { overwrite: true }));
    expect(error.code).toBe('KEY_UNPLUGGED');
    expect(key.sets).toHaveLength(3);
  });

  it('a device that throws something raw becomes KEY_PROTOCOL, never a raw exception', async () => {
    const key = new FakeKey(() => new Error('EIO'));
    const session = await open(key);
    const error = await failure(session.calculateHmacSha1(2, Uint8Array.of(1, 2, 3)));
    expect(error.code).toBe('KEY_PROTOCOL');
    expect(error.message).toMatch(/EIO/);
  });

  it('a key that never answers (busy forever) is KEY_TIMEOUT after the busy budget, on the injected clock', async () => {
    const clock = createManualClock();
    const key = new FakeKey(() => '0005040303070089');
    const session = await open(key, clock);
    const started = performance.now();
    const error = await failure(session.swapSlots());
    expect(error.code).toBe('KEY_TIMEOUT');
    expect(clock.now()).toBeGreaterThan(DEFAULT_TIMEOUTS.busyMs);
    expect(clock.now()).toBeLessThan(DEFAULT_TIMEOUTS.busyMs + 100);
    expect(performance.now() - started).toBeLessThan(DEFAULT_TIMEOUTS.busyMs);
  });

  it('a key that never takes a written report (write flag stuck) is KEY_TIMEOUT before the next part', async () => {
    const clock = createManualClock();
    let reads = 0;
    const key = new FakeKey(() => IDLE);
    key.getFeatureReport = async () => {
      await Promise.resolve();
      reads++;
      return Uint8Array.from(Buffer.from(reads <= 3 ? IDLE : '0005040303070080', 'hex'));
    };
    const session = await open(key, clock);
    const error = await failure(session.deleteSlot(2));
    expect(error.code).toBe('KEY_TIMEOUT');
    expect(key.sets).toEqual(['0000000000000080']);
    expect(clock.now()).toBeGreaterThan(DEFAULT_TIMEOUTS.writeReadyMs);
  });

  it('a response with a corrupted CRC is KEY_PROTOCOL', async () => {
    const corrupted = [...RESPONSE];
    corrupted[1] = '75fc50fc77e15541'; // one bit flipped in the HMAC
    const key = new FakeKey((read) => corrupted[read] ?? IDLE);
    const session = await open(key);
    const error = await failure(session.calculateHmacSha1(2, Buffer.from('4c6174636821', 'hex')));
    expect(error.code).toBe('KEY_PROTOCOL');
    expect(error.message).toMatch(/CRC/);
  });

  it('the same response with its CRC intact is accepted (the corruption test tests the CRC)', async () => {
    const key = new FakeKey((read) => RESPONSE[read] ?? IDLE);
    const session = await open(key);
    const response = await session.calculateHmacSha1(2, Buffer.from('4c6174636821', 'hex'));
    expect(Buffer.from(response).toString('hex')).toBe('b5c9a24ee0259975fc50fc77e0556d90fb0e0bc2');
    expect(key.sets.at(-1)).toBe(RESET);
  });

  it('a touch never given: one needsTouch progress, then KEY_TOUCH_TIMEOUT at our cap, and the key is reset', async () => {
    const clock = createManualClock();
    const progress: OtpProgress[] = [];
    const key = new FakeKey(() => '000504030307002e');
    const session = await open(key, clock);
    const error = await failure(session.calculateHmacSha1(2, Uint8Array.of(1), { onProgress: (p) => progress.push(p) }));
    expect(error.code).toBe('KEY_TOUCH_TIMEOUT');
    expect(progress).toEqual([{ needsTouch: true, secondsLeft: 14 }]);
    expect(key.sets.at(-1)).toBe(RESET);
    expect(clock.now()).toBeGreaterThan(DEFAULT_TIMEOUTS.touchMs);
  });

  it("a touch wait the key itself gives up (status again, no data) is KEY_TOUCH_TIMEOUT", async () => {
    const key = new FakeKey((read) => (read < 5 ? '000504030307002e' : IDLE));
    const session = await open(key);
    const error = await failure(session.calculateHmacSha1(2, Uint8Array.of(1)));
    expect(error.code).toBe('KEY_TOUCH_TIMEOUT');
  });

  it('a touch given after a few polls yields the response', async () => {
    const key = new FakeKey((read) => (read < 3 ? '000504030307002e' : (RESPONSE[read - 3] ?? IDLE)));
    const session = await open(key);
    const response = await session.calculateHmacSha1(2, Buffer.from('4c6174636821', 'hex'));
    expect(Buffer.from(response).toString('hex')).toBe('b5c9a24ee0259975fc50fc77e0556d90fb0e0bc2');
  });

  it('cancelling during the touch wait is CANCELLED and sends the reset report', async () => {
    const controller = new AbortController();
    const key = new FakeKey(() => '000504030307002e');
    const session = await open(key);
    const error = await failure(
      session.calculateHmacSha1(2, Uint8Array.of(1), {
        signal: controller.signal,
        onProgress: () => {
          controller.abort();
        },
      }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(key.sets.at(-1)).toBe(RESET);
    expect(key.afterFrame).toBe(1);
  });

  it('a signal aborted before the last part stops the frame: part 9 is never sent', async () => {
    const controller = new AbortController();
    const key = new FakeKey(
      () => IDLE,
      (_report, self) => {
        if (self.sets.length === 2) controller.abort();
        return undefined;
      },
    );
    const session = await open(key);
    const error = await failure(session.programChallengeResponse(2, { key: HMAC_KEY }, { overwrite: true, signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(key.sets.some((report) => report.endsWith('89'))).toBe(false);
    expect(key.sets.at(-1)).toBe(RESET);
  });

  it('a write the key does not confirm (pgmSeq unchanged) is KEY_WRITE_REJECTED naming the causes it cannot tell apart', async () => {
    const key = new FakeKey(() => IDLE);
    const session = await open(key);
    const error = await failure(session.deleteSlot(2, { currentAccessCode: Uint8Array.of(1, 2, 3, 4, 5, 6) }));
    expect(error.code).toBe('KEY_WRITE_REJECTED');
    expect(error.message).toMatch(/wrong or missing access code/);
    expect(error.message).toMatch(/protected slot/);
    expect(error.message).toMatch(/configuration this key rejects/);
  });

  it('pgmSeq wraps: 255 → 0 with slots still valid is a confirmed write', async () => {
    const key = new FakeKey(() => '0005040300070000');
    key.getFeatureReport = async () => {
      await Promise.resolve();
      return Uint8Array.from(Buffer.from(key.frameDone ? '0005040300070000' : '00050403ff070000', 'hex'));
    };
    const session = await open(key);
    expect((await session.swapSlots()).pgmSeq).toBe(0);
  });

  it('a challenge to a slot that does not answer is NOT_FOUND', async () => {
    const key = new FakeKey(() => IDLE);
    const session = await open(key);
    const error = await failure(session.calculateHmacSha1(1, Uint8Array.of(1)));
    expect(error.code).toBe('NOT_FOUND');
  });

  it('a response that stops half way (status in the middle) is KEY_PROTOCOL', async () => {
    const key = new FakeKey((read) => (read < 2 ? (RESPONSE[read] ?? IDLE) : IDLE));
    const session = await open(key);
    expect((await failure(session.calculateHmacSha1(2, Uint8Array.of(1)))).code).toBe('KEY_PROTOCOL');
  });
});

describe('YubiKey OTP session guards', () => {
  it('programming a programmed slot without overwrite is KEY_CREDENTIAL_EXISTS; slot 1 is flagged as the factory credential; nothing is sent', async () => {
    const key = new FakeKey(() => IDLE);
    const session = await open(key);
    const error = await failure(session.programHotp(1, { key: HMAC_KEY }));
    expect(error.code).toBe('KEY_CREDENTIAL_EXISTS');
    expect(error.details).toMatchObject({ slot: 1, factoryCredential: true });
    expect(error.message).toMatch(/cannot be restored/);
    expect(key.sets).toEqual([]);
  });

  it('status exposes the slot 1 warning flag only while slot 1 is programmed', async () => {
    const programmed = await (await open(new FakeKey(() => IDLE))).status();
    expect(programmed.slots[0].mayHoldFactoryCredential).toBe(true);
    const blank = new FakeKey(() => IDLE);
    blank.getFeatureReport = () => Promise.resolve(Uint8Array.from(Buffer.from('0005040300000000', 'hex')));
    const empty = await (await open(blank)).status();
    expect(empty.slots[0].mayHoldFactoryCredential).toBe(false);
  });

  it('old firmware is KEY_UNSUPPORTED with the version needed', async () => {
    const key = new FakeKey(() => IDLE);
    key.getFeatureReport = () => Promise.resolve(Uint8Array.from(Buffer.from('0002020000010000', 'hex')));
    const session = await open(key);
    const error = await failure(session.swapSlots());
    expect(error.code).toBe('KEY_UNSUPPORTED');
    expect(error.details).toMatchObject({ minFirmware: '2.3.0' });
  });

  it('firmware 4.3.2–4.3.5 cannot change an access code by an update', async () => {
    const key = new FakeKey(() => IDLE);
    key.getFeatureReport = () => Promise.resolve(Uint8Array.from(Buffer.from('0004030403070000', 'hex')));
    const session = await open(key);
    const error = await failure(session.updateSlot(2, { accessCode: Uint8Array.of(1, 2, 3, 4, 5, 6) }));
    expect(error.code).toBe('KEY_UNSUPPORTED');
  });

  it('bad inputs are refused before anything is sent', async () => {
    const key = new FakeKey(() => IDLE);
    const session = await open(key);
    const codes = await Promise.all([
      failure(session.programHotp(2, { key: HMAC_KEY, initialMovingFactor: 17 })),
      failure(session.programHotp(2, { key: new Uint8Array(32) })),
      failure(session.programHotp(2, { key: HMAC_KEY, accessCode: Uint8Array.of(1) })),
      failure(session.calculateHmacSha1(2, new Uint8Array(65))),
    ]);
    expect(codes.map((error) => error.code)).toEqual(['INVALID_REQUEST', 'KEY_UNSUPPORTED', 'INVALID_REQUEST', 'INVALID_REQUEST']);
    expect(key.sets).toEqual([]);
  });

  it('the trace hook gets one line per report, > sent and < received', async () => {
    const lines: string[] = [];
    const key = new FakeKey((read) => RESPONSE[read] ?? IDLE);
    const session = await open(key, createManualClock(), (line) => lines.push(line));
    await session.calculateHmacSha1(2, Buffer.from('4c6174636821', 'hex'));
    expect(lines.filter((line) => line.startsWith('> '))).toEqual(key.sets.map((report) => `> ${report}`));
    expect(lines.every((line) => /^[<>] [0-9a-f]{16}$/.test(line))).toBe(true);
    expect(lines.at(-1)).toBe(`> ${RESET}`);
  });
});
