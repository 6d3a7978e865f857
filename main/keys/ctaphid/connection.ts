import { randomBytes } from 'node:crypto';
import { LatchkeyError } from '../../../shared/errors.js';
import type { KeepaliveStatus } from '../apdu.js';
import { systemKeyClock, type KeyClock } from '../clock.js';
import type { HidDevice } from '../hid/hid-device.js';
import { CTAPHID_ERROR, ctaphidError } from './errors.js';
import { BROADCAST_CID, CTAPHID_CMD, MAX_MESSAGE_SIZE, encodeMessage, formatCid, parsePacket, type Message } from './packets.js';
import { MessageReassembler } from './reassembler.js';

export interface CtaphidTimeouts {
  /** INIT and any call given no timeout of its own. */
  readonly defaultMs: number;
  /** The slice one HID read waits, so an abort is noticed between slices. */
  readonly pollMs: number;
  /** Pause before re-sending a request the key refused as CHANNEL_BUSY (python-fido2 waits 100 ms). */
  readonly busyRetryMs: number;
  /** After a CANCEL, how long the key's own answer to the cancelled request is waited for. */
  readonly cancelDrainMs: number;
}

export const DEFAULT_CTAPHID_TIMEOUTS: CtaphidTimeouts = { defaultMs: 3000, pollMs: 100, busyRetryMs: 100, cancelDrainMs: 1000 };

export interface CtaphidConnectionOptions {
  readonly clock?: KeyClock;
  readonly timeouts?: Partial<CtaphidTimeouts>;
  /** One line per packet: `> hex` sent, `< hex` received (the CLI's --trace). */
  readonly trace?: (line: string) => void;
  /** The 8-byte INIT nonce; random unless a test replays a recorded INIT. */
  readonly nonce?: () => Uint8Array;
  /** The key's own message buffer (NK3: 3072 bytes); longer requests are refused before sending. */
  readonly maxMessageSize?: number;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The payload or its answer carries a secret: packets are traced by header and length only. */
  readonly sensitive?: boolean;
  readonly onKeepalive?: (status: KeepaliveStatus) => void;
}

/** What INIT told about the device (sheet §2, INIT answer). */
export interface CtaphidDeviceInfo {
  readonly protocolVersion: number;
  readonly deviceVersion: readonly [number, number, number];
  readonly capabilities: number;
}

const NONCE_SIZE = 8;
const INIT_ANSWER_SIZE = 17;

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const cancelled = () => new LatchkeyError('CANCELLED', 'cancelled; the key was told to stop');

/**
 * One CTAPHID channel over a HidDevice's 64-byte interrupt reports: INIT on the broadcast channel
 * (the nonce checked, answers for other programs' INITs skipped), then request/response calls on
 * the channel it got. Keepalives are skipped wherever they come and told to `onKeepalive`; ERROR
 * messages become typed errors; an abort sends CANCEL. All waiting runs on the injected clock.
 */
export class CtaphidConnection {
  private constructor(
    private readonly device: HidDevice,
    readonly cid: number,
    readonly info: CtaphidDeviceInfo,
    private readonly settings: Required<Pick<CtaphidConnectionOptions, 'clock' | 'maxMessageSize'>> & {
      readonly timeouts: CtaphidTimeouts;
      readonly trace: ((line: string) => void) | undefined;
    },
  ) {}

  /** Allocates a channel: INIT on the broadcast CID with a fresh nonce. */
  static async open(device: HidDevice, options: CtaphidConnectionOptions = {}): Promise<CtaphidConnection> {
    const settings = {
      clock: options.clock ?? systemKeyClock,
      maxMessageSize: options.maxMessageSize ?? MAX_MESSAGE_SIZE,
      timeouts: { ...DEFAULT_CTAPHID_TIMEOUTS, ...options.timeouts },
      trace: options.trace,
    };
    const nonce = options.nonce?.() ?? randomBytes(NONCE_SIZE);
    if (nonce.length !== NONCE_SIZE) throw new Error('a CTAPHID INIT nonce is 8 bytes');
    const broadcast = new CtaphidConnection(device, BROADCAST_CID, { protocolVersion: 0, deviceVersion: [0, 0, 0], capabilities: 0 }, settings);
    const answer = await broadcast.exchange(CTAPHID_CMD.INIT, nonce, {}, (payload) => payload.length >= NONCE_SIZE && sameBytes(payload.subarray(0, NONCE_SIZE), nonce));
    if (answer.length < INIT_ANSWER_SIZE) {
      throw new LatchkeyError('KEY_PROTOCOL', `the key answered INIT with ${String(answer.length)} bytes instead of ${String(INIT_ANSWER_SIZE)}`);
    }
    const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
    const cid = view.getUint32(NONCE_SIZE, false);
    if (cid === BROADCAST_CID || cid === 0) throw new LatchkeyError('KEY_PROTOCOL', `the key handed out the reserved channel ${formatCid(cid)}`);
    const info: CtaphidDeviceInfo = {
      protocolVersion: answer[12] ?? 0,
      deviceVersion: [answer[13] ?? 0, answer[14] ?? 0, answer[15] ?? 0],
      capabilities: answer[16] ?? 0,
    };
    return new CtaphidConnection(device, cid, info, settings);
  }

  /** Sends one request on our channel and resolves with the payload of the key's answer. */
  async call(cmd: number, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    return this.exchange(cmd, payload, options, () => true);
  }

  private async exchange(cmd: number, payload: Uint8Array, options: CallOptions, accept: (payload: Uint8Array) => boolean): Promise<Uint8Array> {
    const { clock, timeouts } = this.settings;
    if (options.signal?.aborted === true) throw cancelled();
    const deadline = clock.now() + (options.timeoutMs ?? timeouts.defaultMs);
    for (;;) {
      await this.send({ cid: this.cid, cmd, payload }, options.sensitive === true);
      const answer = await this.receive(cmd, deadline, options, accept);
      if (answer.cmd !== CTAPHID_CMD.ERROR) return answer.payload;
      if (answer.payload[0] !== CTAPHID_ERROR.CHANNEL_BUSY || clock.now() + timeouts.busyRetryMs >= deadline) throw ctaphidError(answer.payload);
      await clock.sleep(timeouts.busyRetryMs, options.signal);
      if (isAborted(options.signal)) throw cancelled();
    }
  }

  private async send(message: Message, sensitive: boolean): Promise<void> {
    const packets = encodeMessage(message, this.settings.maxMessageSize);
    for (const [index, packet] of packets.entries()) {
      this.traceLine('>', packet, sensitive);
      try {
        await this.device.write(packet);
      } catch (error) {
        throw transportFailure(error, index === 0 ? 'before the key had any of our message' : `after ${String(index)} of ${String(packets.length)} packets of our message`);
      }
    }
  }

  private async receive(cmd: number, deadline: number, options: CallOptions, accept: (payload: Uint8Array) => boolean): Promise<Message> {
    const { clock, timeouts } = this.settings;
    const reassembler = new MessageReassembler(this.cid, this.settings.maxMessageSize);
    for (;;) {
      if (options.signal?.aborted === true) return this.cancel(reassembler, cmd);
      const left = deadline - clock.now();
      if (left <= 0) {
        await this.sendCancel();
        throw new LatchkeyError('KEY_TIMEOUT', reassembler.inProgress ? 'the key stopped in the middle of its answer' : 'the key did not answer in time');
      }
      const report = await this.read(Math.min(left, timeouts.pollMs), reassembler.inProgress);
      if (report === null) continue;
      const result = reassembler.feed(parsePacket(report));
      if (result.status === 'ignored') continue;
      this.traceLine('<', report, options.sensitive === true);
      if (result.status === 'keepalive') {
        if (result.keepalive !== 'unknown') options.onKeepalive?.(result.keepalive);
        continue;
      }
      if (result.status === 'partial') continue;
      const { message } = result;
      if (message.cmd === CTAPHID_CMD.ERROR) return message;
      if (message.cmd !== cmd) {
        throw new LatchkeyError('KEY_PROTOCOL', `the key answered command 0x${message.cmd.toString(16)} to our 0x${cmd.toString(16)}`);
      }
      if (accept(message.payload)) return message;
    }
  }

  /**
   * An abort: CANCEL on our channel, then a short wait for the key's answer to the cancelled
   * request (the NK3 still sends one), so it does not land in the next call's read.
   */
  private async cancel(reassembler: MessageReassembler, cmd: number): Promise<never> {
    await this.sendCancel();
    const { clock, timeouts } = this.settings;
    const until = clock.now() + timeouts.cancelDrainMs;
    while (clock.now() < until) {
      const report = await this.read(Math.min(until - clock.now(), timeouts.pollMs), reassembler.inProgress).catch(() => null);
      if (report === null) continue;
      try {
        const result = reassembler.feed(parsePacket(report));
        if (result.status === 'complete' && (result.message.cmd === cmd || result.message.cmd === CTAPHID_CMD.ERROR)) break;
      } catch {
        break;
      }
    }
    throw cancelled();
  }

  private async sendCancel(): Promise<void> {
    if (this.cid === BROADCAST_CID) return;
    const [packet] = encodeMessage({ cid: this.cid, cmd: CTAPHID_CMD.CANCEL, payload: new Uint8Array(0) });
    if (packet === undefined) return;
    this.traceLine('>', packet, false);
    await this.device.write(packet).catch(() => undefined);
  }

  private async read(timeoutMs: number, midMessage: boolean): Promise<Uint8Array | null> {
    try {
      return await this.device.read(timeoutMs);
    } catch (error) {
      throw transportFailure(error, midMessage ? 'in the middle of its answer' : 'while we waited for its answer');
    }
  }

  private traceLine(direction: '>' | '<', packet: Uint8Array, sensitive: boolean): void {
    const trace = this.settings.trace;
    if (trace === undefined) return;
    if (!sensitive) {
      trace(`${direction} ${hex(packet)}`);
      return;
    }
    // Only the framing is shown: the channel, the command or sequence number and the length.
    const header = ((packet[4] ?? 0) & 0x80) !== 0 ? 7 : 5;
    trace(`${direction} ${hex(packet.subarray(0, header))} [${String(packet.length - header)} bytes redacted]`);
  }
}

/** A device failure as one of our errors: an unplug stays KEY_UNPLUGGED, saying where in the message it hit. */
function transportFailure(error: unknown, where: string): LatchkeyError {
  if (error instanceof LatchkeyError) {
    if (error.code !== 'KEY_UNPLUGGED') return error;
    return new LatchkeyError('KEY_UNPLUGGED', `the key was unplugged ${where}`, { ...error.details, where });
  }
  return new LatchkeyError('KEY_PROTOCOL', `the key's HID transport failed ${where}: ${error instanceof Error ? error.message : String(error)}`);
}

/** Read through a call, so TypeScript does not narrow `aborted` across an await. */
const isAborted = (signal: AbortSignal | undefined) => signal?.aborted === true;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
