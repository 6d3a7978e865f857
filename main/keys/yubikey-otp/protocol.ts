import { LatchkeyError } from '../../../shared/errors.js';
import { systemKeyClock, type KeyClock } from '../clock.js';
import { REPORT_SIZE, type OtpConnection } from './connection.js';
import { crc16, hasValidCrc } from './crc16.js';
import { VALID_SLOTS_MASK, type OtpOperationOptions } from './model.js';

/** Frame and report layout (sheet §2.1, §2.3). */
export const PAYLOAD_SIZE = 64;
export const FRAME_SIZE = 70;
const PART_DATA = 7;
const PARTS = FRAME_SIZE / PART_DATA;
const FLAG = REPORT_SIZE - 1;
export const SLOT_WRITE_FLAG = 0x80;
export const RESP_PENDING_FLAG = 0x40;
export const RESP_TIMEOUT_WAIT_FLAG = 0x20;
export const SEQUENCE_MASK = 0x1f;
/** The reset report yubikit writes after a response or a cancel: write flag + a sequence no frame uses. */
export const RESET_REPORT = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0xff);
/** The sheet says no response is longer than 8 parts; more means the key and we disagree. */
const MAX_RESPONSE_PARTS = 8;

export interface OtpTimeouts {
  /** How long the key may keep a written report unconsumed (ykpers: 1150 ms, a swap takes ~920 ms). */
  readonly writeReadyMs: number;
  /** How long the key may stay busy after a frame without any progress. */
  readonly busyMs: number;
  /** Our own cap on a touch wait; the key's own (15 s by default) normally ends it first. */
  readonly touchMs: number;
  readonly pollBusyMs: number;
  readonly pollTouchMs: number;
}

export const DEFAULT_TIMEOUTS: OtpTimeouts = { writeReadyMs: 1150, busyMs: 2000, touchMs: 20_000, pollBusyMs: 20, pollTouchMs: 100 };

/** The 70-byte frame (ykdef.h `frame_st`): payload zero-padded to 64, command, raw CRC LE, 3 zero bytes. */
export function buildFrame(command: number, payload: Uint8Array): Uint8Array {
  if (payload.length > PAYLOAD_SIZE) throw new Error(`an OTP frame carries at most ${String(PAYLOAD_SIZE)} payload bytes`);
  const frame = new Uint8Array(FRAME_SIZE);
  frame.set(payload);
  const crc = crc16(frame.subarray(0, PAYLOAD_SIZE));
  frame[PAYLOAD_SIZE] = command;
  frame[PAYLOAD_SIZE + 1] = crc & 0xff;
  frame[PAYLOAD_SIZE + 2] = crc >>> 8;
  return frame;
}

/** The reports a frame is sent as: part N is `7 bytes ‖ 0x80|N`; all-zero parts 1–8 are skipped. */
export function frameReports(frame: Uint8Array): Uint8Array[] {
  const reports: Uint8Array[] = [];
  for (let seq = 0; seq < PARTS; seq++) {
    const part = frame.subarray(seq * PART_DATA, (seq + 1) * PART_DATA);
    if (seq !== 0 && seq !== PARTS - 1 && part.every((byte) => byte === 0)) continue;
    const report = new Uint8Array(REPORT_SIZE);
    report.set(part);
    report[FLAG] = SLOT_WRITE_FLAG | seq;
    reports.push(report);
  }
  return reports;
}

/** Latchkey's write-success rule (sheet, second reading): pgmSeq advanced by one (it wraps), or 0 with no slot left. */
export function isSequenceUpdated(oldSeq: number, status: Uint8Array): boolean {
  const newSeq = status[4] ?? 0;
  const touchLevel = (status[5] ?? 0) | ((status[6] ?? 0) << 8);
  return newSeq === ((oldSeq + 1) & 0xff) || (newSeq === 0 && (touchLevel & VALID_SLOTS_MASK) === 0);
}

export const writeRejected = () =>
  new LatchkeyError(
    'KEY_WRITE_REJECTED',
    'The key did not accept the write (its programming sequence did not advance). It cannot say why: ' +
      'a wrong or missing access code, a protected slot, or a configuration this key rejects all look the same.',
  );

type Reply = { readonly kind: 'status'; readonly status: Uint8Array } | { readonly kind: 'data'; readonly data: Uint8Array };

/**
 * yubikit's OtpProtocol: sends one 70-byte frame as feature reports, waiting for the key to consume
 * each, then reads the answer: response parts, a touch wait, busy reads, or a status report.
 */
export class OtpProtocol {
  private readonly clock: KeyClock;
  private readonly timeouts: OtpTimeouts;

  constructor(
    private readonly connection: OtpConnection,
    options: { clock?: KeyClock; timeouts?: Partial<OtpTimeouts> } = {},
  ) {
    this.clock = options.clock ?? systemKeyClock;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  /** The idle status report (8 bytes). A leftover response or touch wait is reset first. */
  async readStatus(): Promise<Uint8Array> {
    const started = this.clock.now();
    for (;;) {
      const report = await this.connection.receive();
      const flags = report[FLAG] ?? 0;
      if (flags === 0) return report;
      if ((flags & (RESP_PENDING_FLAG | RESP_TIMEOUT_WAIT_FLAG)) !== 0 && (flags & SLOT_WRITE_FLAG) === 0) {
        await this.connection.send(RESET_REPORT);
      } else if (this.clock.now() - started > this.timeouts.writeReadyMs) {
        throw this.timeout('the key stayed busy and never showed its status');
      } else {
        await this.clock.sleep(this.timeouts.pollBusyMs);
      }
    }
  }

  /**
   * A command that changes the key. Resolves with the status report that proves the write (pgmSeq
   * advanced); otherwise KEY_WRITE_REJECTED. `check` sees the status read before anything is sent.
   * Once the last part is out, a cancel is no longer honoured: the key acts on it regardless, and
   * only the answer tells whether the slot changed.
   */
  async write(command: number, payload: Uint8Array, options: OtpOperationOptions & { check?: (status: Uint8Array) => void } = {}): Promise<Uint8Array> {
    throwIfCancelled(options.signal);
    const before = await this.readStatus();
    options.check?.(before);
    const oldSeq = before[4] ?? 0;
    await this.sendFrame(buildFrame(command, payload), options.signal);
    const reply = await this.readReply(options.onProgress === undefined ? {} : { onProgress: options.onProgress });
    if (reply.kind === 'data') throw new LatchkeyError('KEY_PROTOCOL', 'the key answered a write with data');
    if (!isSequenceUpdated(oldSeq, reply.status)) throw writeRejected();
    return reply.status;
  }

  /**
   * A command that answers with data of `length` bytes plus the key's CRC. Resolves with the data,
   * or null when the key answered with a status report instead (it rejected the command).
   */
  async query(command: number, payload: Uint8Array, length: number, options: OtpOperationOptions = {}): Promise<Uint8Array | null> {
    throwIfCancelled(options.signal);
    const before = await this.readStatus();
    await this.sendFrame(buildFrame(command, payload), options.signal);
    const reply = await this.readReply(options);
    if (reply.kind === 'status') {
      if (isSequenceUpdated(before[4] ?? 0, reply.status)) throw new LatchkeyError('KEY_PROTOCOL', 'the key answered a query as if it were a write');
      return null;
    }
    if (reply.data.length < length + 2) {
      throw new LatchkeyError('KEY_PROTOCOL', `the key answered ${String(reply.data.length)} bytes where ${String(length + 2)} were expected`);
    }
    // Only the data and its CRC are defined; the filler after them is not (sheet §2.5, open question 2).
    if (!hasValidCrc(reply.data.subarray(0, length + 2))) throw new LatchkeyError('KEY_PROTOCOL', "the key's response failed its CRC check");
    return reply.data.slice(0, length);
  }

  private async sendFrame(frame: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    for (const report of frameReports(frame)) {
      await this.awaitReadyToWrite();
      // Before the last part the key has acted on nothing; a reset drops the partial frame.
      if (signal?.aborted === true) await this.cancel();
      await this.connection.send(report);
    }
  }

  private async awaitReadyToWrite(): Promise<void> {
    const started = this.clock.now();
    for (;;) {
      const report = await this.connection.receive();
      if (((report[FLAG] ?? 0) & SLOT_WRITE_FLAG) === 0) return;
      if (this.clock.now() - started > this.timeouts.writeReadyMs) throw this.timeout('the key did not take the report written to it');
      await this.clock.sleep(this.timeouts.pollBusyMs);
    }
  }

  private async readReply(options: OtpOperationOptions): Promise<Reply> {
    const response: number[] = [];
    let seq = 0;
    let touchStarted: number | undefined;
    let lastProgress = this.clock.now();
    for (;;) {
      const report = await this.connection.receive();
      const flags = report[FLAG] ?? 0;
      if ((flags & RESP_PENDING_FLAG) !== 0) {
        const part = flags & SEQUENCE_MASK;
        if (part === seq) {
          if (seq === MAX_RESPONSE_PARTS) throw new LatchkeyError('KEY_PROTOCOL', 'the key sent a response longer than any command has');
          response.push(...report.subarray(0, FLAG));
          seq++;
          lastProgress = this.clock.now();
          continue;
        }
        if (part === 0) {
          await this.connection.send(RESET_REPORT);
          return { kind: 'data', data: Uint8Array.from(response) };
        }
        // A part out of order is skipped, as yubikit does; the busy budget still bounds the wait.
      } else if (flags === 0) {
        if (response.length > 0) throw new LatchkeyError('KEY_PROTOCOL', 'the key stopped in the middle of its response');
        if (touchStarted !== undefined) throw touchTimeout();
        return { kind: 'status', status: report };
      } else if ((flags & RESP_TIMEOUT_WAIT_FLAG) !== 0) {
        if (touchStarted === undefined) {
          touchStarted = this.clock.now();
          options.onProgress?.({ needsTouch: true, secondsLeft: flags & SEQUENCE_MASK });
        }
        if (this.clock.now() - touchStarted > this.timeouts.touchMs) {
          await this.connection.send(RESET_REPORT);
          throw touchTimeout();
        }
        await this.clock.sleep(this.timeouts.pollTouchMs, options.signal);
        if (options.signal?.aborted === true) await this.cancel();
        lastProgress = this.clock.now();
        continue;
      }
      if (this.clock.now() - lastProgress > this.timeouts.busyMs) {
        await this.connection.send(RESET_REPORT).catch(() => undefined);
        throw this.timeout('the key stayed busy and never answered');
      }
      await this.clock.sleep(this.timeouts.pollBusyMs, options.signal);
      if (options.signal?.aborted === true) await this.cancel();
    }
  }

  /** Leaves the key in status mode (not waiting for a touch) and reports the cancel. */
  private async cancel(): Promise<never> {
    await this.connection.send(RESET_REPORT);
    throw cancelled();
  }

  private timeout(message: string) {
    return new LatchkeyError('KEY_TIMEOUT', message);
  }
}

const cancelled = () => new LatchkeyError('CANCELLED', 'cancelled; the key was told to stop waiting');

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw cancelled();
}

const touchTimeout = () => new LatchkeyError('KEY_TOUCH_TIMEOUT', 'the key was not touched in time; nothing was done');
