import { LatchkeyError } from '../../../../shared/errors.js';
import { systemKeyClock, type KeyClock } from '../../clock.js';
import type { HidDescriptor, HidDevice } from '../../hid/hid-device.js';
import { TouchWaiter } from '../oath-common/touch-wait.js';
import type { RandomSource, TouchPolicy } from '../yubikey-otp/state.js';
import { BROADCAST_CID, CMD, ERR, framePackets, INIT_DATA, KEEPALIVE_UPNEEDED, MESSAGE_TIMEOUT_MS, NK3_MAX_MESSAGE, PACKET_SIZE, readPacket } from './ctaphid.js';
import { parseNk3Apdu, secretsCommand, type CommandApdu, type Nk3Session, type SecretsResult } from './secrets-app.js';
import type { Nk3State } from './state.js';

/** `UP_TIMEOUT_MILLISECONDS` of the Secrets App (nk3 sheet §2). */
export const NK3_TOUCH_TIMEOUT_MS = 15_000;
const CAPABILITIES = 0x05; // WINK | CBOR
const CTAPHID_VERSION = 2;

/**
 * Faults the emulated key can show:
 * - `unplug-after`: the first `reports` reports (written, or read with data) pass, then the key is gone;
 * - `never-answer`: the next complete message is never answered (its channel stays busy);
 * - `corrupt-response`: one bit of the next answer's first packet payload is flipped;
 * - `touch-never`: whatever the touch policy, no touch arrives.
 */
export type Nk3Fault =
  | { readonly kind: 'unplug-after'; readonly reports: number }
  | { readonly kind: 'never-answer' }
  | { readonly kind: 'corrupt-response' }
  | { readonly kind: 'touch-never' };

export interface EmulatedNitrokey3Options {
  readonly state: Nk3State;
  readonly random: RandomSource;
  readonly clock?: KeyClock;
  readonly faults?: readonly Nk3Fault[];
  readonly onChange?: (state: Nk3State) => void;
  /** The policy now; asked before and during every touch wait (default: the state's). */
  readonly touchPolicy?: () => TouchPolicy;
  /**
   * Send KEEPALIVE UPNEEDED every `everyMs` while waiting for a touch. The real NK3 stays silent
   * for vendor commands (keepalives only for CBOR); this is for testing a host's tolerance.
   */
  readonly keepalives?: { readonly everyMs: number };
}

/** A message being reassembled from its packets. */
interface Receiving {
  cid: number;
  cmd: number;
  bcnt: number;
  data: Uint8Array;
  filled: number;
  nextSeq: number;
  startedAt: number;
}

/**
 * A Nitrokey 3's FIDO HID interface behind `HidDevice`, written from
 * shared/protocols/nitrokey3-secrets-ctaphid.md: 64-byte CTAPHID reports in (`write`) and out
 * (`read`), channels from INIT, the Secrets App in vendor command 0x70. One request at a time.
 */
export class EmulatedNitrokey3 implements HidDevice {
  readonly descriptor: HidDescriptor;

  private state: Nk3State;
  private readonly random: RandomSource;
  private readonly clock: KeyClock;
  private readonly onChange: (state: Nk3State) => void;
  private readonly policy: () => TouchPolicy;
  private keepaliveEveryMs: number | null;
  private faults: Nk3Fault[];
  private readonly touchWaiter = new TouchWaiter();
  private readonly session: Nk3Session = { pinAuthorised: false, pendingList: null };
  private lastChannel = 0;
  private receiving: Receiving | null = null;
  /** The channel whose request is being handled (a touch wait); its answer is dropped if resynced. */
  private busy: { cid: number; dropped: boolean } | null = null;
  private readonly outgoing: Uint8Array[] = [];
  private arrived = new AbortController();
  private reports = 0;
  private gone: 'unplugged' | 'closed' | null = null;

  constructor(options: EmulatedNitrokey3Options) {
    this.state = structuredClone(options.state);
    this.random = options.random;
    this.clock = options.clock ?? systemKeyClock;
    this.onChange = options.onChange ?? (() => undefined);
    this.policy = options.touchPolicy ?? (() => this.state.touchPolicy);
    this.keepaliveEveryMs = options.keepalives?.everyMs ?? null;
    this.faults = [...(options.faults ?? [])];
    this.descriptor = nitrokey3Descriptor(this.state.serial);
  }

  snapshot(): Nk3State {
    return structuredClone(this.state);
  }

  get touchPolicy(): TouchPolicy {
    return this.state.touchPolicy;
  }

  setTouchPolicy(policy: TouchPolicy): void {
    this.state.touchPolicy = policy;
  }

  /** Keepalives while waiting for a touch from now on (null: silent, as the real key). */
  setKeepalives(options: { readonly everyMs: number } | null): void {
    this.keepaliveEveryMs = options?.everyMs ?? null;
  }

  injectFault(fault: Nk3Fault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The button: answers a pending touch wait; true when one was pending. */
  touch(): boolean {
    return this.touchWaiter.touch();
  }

  get waitingForTouch(): boolean {
    return this.touchWaiter.waiting;
  }

  /** Pulls the key out: every later call rejects with KEY_UNPLUGGED. */
  unplug(): void {
    this.gone = 'unplugged';
    this.touchWaiter.abort();
    this.arrived.abort();
  }

  sendFeatureReport(): Promise<void> {
    return Promise.reject(new LatchkeyError('KEY_PROTOCOL', 'the FIDO HID interface has no feature reports'));
  }

  getFeatureReport(): Promise<Uint8Array> {
    return Promise.reject(new LatchkeyError('KEY_PROTOCOL', 'the FIDO HID interface has no feature reports'));
  }

  write(report: Uint8Array): Promise<void> {
    const refused = this.enter();
    if (refused !== null) return Promise.reject(refused);
    if (report.length !== PACKET_SIZE) return Promise.reject(new LatchkeyError('KEY_PROTOCOL', `a CTAPHID report is 64 bytes, not ${String(report.length)}`));
    this.receive(Uint8Array.from(report));
    return Promise.resolve();
  }

  /** The next packet, or null after `timeoutMs` of the injected clock without one. */
  async read(timeoutMs: number): Promise<Uint8Array | null> {
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      if (this.gone !== null) throw goneError(this.gone);
      this.expireMessage();
      const packet = this.outgoing.shift();
      if (packet !== undefined) {
        const refused = this.enter();
        if (refused !== null) throw refused;
        return packet;
      }
      // One turn of the event loop first: an answer being computed right now arrives without the
      // clock moving (a manual clock would otherwise jump by the whole timeout on every read).
      await new Promise((resolve) => setImmediate(resolve));
      if (this.outgoing.length > 0) continue;
      const left = deadline - this.clock.now();
      if (left <= 0) return null;
      if (this.arrived.signal.aborted) this.arrived = new AbortController();
      if (this.touchWaiter.waiting) {
        // The touch wait drives the clock; sleeping on it too would make time run twice as fast.
        await waitForAbort(this.arrived.signal, 10);
      } else {
        await this.clock.sleep(left, this.arrived.signal);
      }
    }
  }

  close(): Promise<void> {
    if (this.gone === null) {
      this.gone = 'closed';
      this.touchWaiter.abort();
      this.arrived.abort();
    }
    return Promise.resolve();
  }

  /** Counts a report towards `unplug-after`; the error when the key is gone. */
  private enter(): LatchkeyError | null {
    if (this.gone !== null) return goneError(this.gone);
    const unplugAfter = this.faults.find((f) => f.kind === 'unplug-after');
    if (unplugAfter !== undefined && this.reports >= unplugAfter.reports) {
      this.unplug();
      return goneError('unplugged');
    }
    this.reports++;
    return null;
  }

  private receive(packet: Uint8Array): void {
    this.expireMessage();
    const incoming = readPacket(packet);
    if (incoming.kind === 'cont') {
      const message = this.receiving;
      if (message === null) return; // idle: dropped
      // SEQ is checked before the CID (second reading): a foreign packet with a wrong SEQ aborts.
      if (incoming.seq !== message.nextSeq) {
        this.receiving = null;
        this.error(message.cid, ERR.INVALID_SEQ);
        return;
      }
      if (incoming.cid !== message.cid) return;
      this.append(message, incoming.data);
      return;
    }
    const { cid, cmd, bcnt } = incoming;
    if (cmd === CMD.INIT) {
      this.init(cid, bcnt, incoming.data);
      return;
    }
    if (cmd === CMD.CANCEL) {
      if (this.busy?.cid === cid) this.touchWaiter.abort();
      return;
    }
    if (cid === BROADCAST_CID || cid === 0) {
      this.error(cid, ERR.INVALID_CHANNEL);
      return;
    }
    if (this.busy !== null || this.receiving !== null) {
      const owner = this.busy?.cid ?? this.receiving?.cid;
      if (owner !== cid) {
        this.error(cid, ERR.CHANNEL_BUSY);
        return;
      }
      this.receiving = null;
      this.error(cid, ERR.INVALID_SEQ);
      return;
    }
    if (bcnt > NK3_MAX_MESSAGE) {
      this.error(cid, ERR.INVALID_LEN);
      return;
    }
    const message: Receiving = { cid, cmd, bcnt, data: new Uint8Array(bcnt), filled: 0, nextSeq: 0, startedAt: this.clock.now() };
    this.receiving = message;
    message.nextSeq = -1; // no continuation expected before the first part is in
    this.append(message, incoming.data.subarray(0, INIT_DATA));
  }

  private append(message: Receiving, data: Uint8Array): void {
    const take = Math.min(data.length, message.bcnt - message.filled);
    message.data.set(data.subarray(0, take), message.filled);
    message.filled += take;
    message.nextSeq += 1;
    if (message.filled < message.bcnt) return;
    this.receiving = null;
    void this.dispatch(message.cid, message.cmd, message.data);
  }

  /** Continuation packets that did not come within ~550 ms: ERROR MSG_TIMEOUT. */
  private expireMessage(): void {
    const message = this.receiving;
    if (message !== null && this.clock.now() - message.startedAt > MESSAGE_TIMEOUT_MS) {
      this.receiving = null;
      this.error(message.cid, ERR.MSG_TIMEOUT);
    }
  }

  private init(cid: number, bcnt: number, data: Uint8Array): void {
    if (cid === 0) {
      this.error(cid, ERR.INVALID_CHANNEL);
      return;
    }
    if (bcnt !== 8) return; // silently ignored: the host times out
    // An INIT interrupts whatever was pending ("resync") and always allocates a fresh channel.
    if (this.busy !== null) {
      this.busy.dropped = true;
      this.busy = null;
      this.touchWaiter.abort();
    }
    this.receiving = null;
    this.lastChannel += 1;
    const answer = new Uint8Array(17);
    answer.set(data.subarray(0, 8), 0);
    new DataView(answer.buffer).setUint32(8, this.lastChannel);
    answer[12] = CTAPHID_VERSION;
    answer[16] = CAPABILITIES;
    this.send(cid, CMD.INIT, answer);
  }

  private async dispatch(cid: number, cmd: number, payload: Uint8Array): Promise<void> {
    switch (cmd) {
      case CMD.PING:
        this.send(cid, CMD.PING, payload);
        return;
      case CMD.WINK:
        this.send(cid, CMD.WINK, new Uint8Array(0));
        return;
      case CMD.SECRETS:
        break;
      default:
        // MSG and CBOR exist on a real NK3 but are not emulated; other vendor commands have no app.
        this.error(cid, ERR.INVALID_CMD);
        return;
    }
    const apdu = parseNk3Apdu(payload);
    if (apdu === null) {
      this.error(cid, ERR.INVALID_LEN);
      return;
    }
    const busy = { cid, dropped: false };
    this.busy = busy;
    if (this.takeFault('never-answer')) return; // stays busy until an INIT resyncs or the key goes
    const working = structuredClone(this.state);
    const result = await this.run(apdu, working, cid);
    if (this.busy === busy) this.busy = null;
    if (this.gone !== null) return;
    let sw = result.sw;
    if (result.changed === true) {
      this.state = working;
      try {
        this.onChange(this.snapshot());
      } catch {
        sw = 0x6400; // the state file could not be written: the host must not think it was kept
      }
    }
    if (busy.dropped) return;
    const answer = new Uint8Array(2 + (result.data?.length ?? 0));
    answer[0] = sw >> 8;
    answer[1] = sw & 0xff;
    if (result.data !== undefined) answer.set(result.data, 2);
    this.send(cid, CMD.SECRETS, answer);
  }

  /** The Secrets App on a working copy; an emulator failure is the app's "execution error" 6400. */
  private async run(apdu: CommandApdu, working: Nk3State, cid: number): Promise<SecretsResult> {
    try {
      return await secretsCommand(apdu, {
        state: working,
        session: this.session,
        random: this.random,
        touch: () =>
          this.touchWaiter.wait({
            clock: this.clock,
            timeoutMs: NK3_TOUCH_TIMEOUT_MS,
            policy: this.policy,
            touchNever: () => this.faults.some((f) => f.kind === 'touch-never'),
            ...(this.keepaliveEveryMs === null ? {} : { tick: { everyMs: this.keepaliveEveryMs, onTick: () => { this.send(cid, CMD.KEEPALIVE, Uint8Array.of(KEEPALIVE_UPNEEDED)); } } }),
          }),
      });
    } catch {
      return { sw: 0x6400 };
    }
  }

  private error(cid: number, code: number): void {
    this.send(cid, CMD.ERROR, Uint8Array.of(code));
  }

  private send(cid: number, cmd: number, payload: Uint8Array): void {
    const packets = framePackets(cid, cmd, payload);
    const first = packets[0];
    if (first !== undefined && cmd !== CMD.KEEPALIVE && this.takeFault('corrupt-response')) first[7] = (first[7] ?? 0) ^ 0x01;
    this.outgoing.push(...packets);
    this.arrived.abort();
  }

  private takeFault(kind: 'never-answer' | 'corrupt-response'): boolean {
    const index = this.faults.findIndex((f) => f.kind === kind);
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }
}

/** Resolves when `signal` aborts or after `ms` of real time, whichever is first. */
function waitForAbort(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function goneError(why: 'unplugged' | 'closed'): LatchkeyError {
  return new LatchkeyError('KEY_UNPLUGGED', why === 'unplugged' ? 'The Nitrokey 3 was unplugged.' : 'The Nitrokey 3 connection is closed.');
}

/** What HID discovery reports for a Nitrokey 3's FIDO interface (nk3 sheet §1). */
export function nitrokey3Descriptor(serial: number): HidDescriptor {
  return {
    vendorId: 0x20a0,
    productId: 0x42b2,
    serialNumber: undefined,
    interfaceNumber: 1,
    usagePage: 0xf1d0,
    usage: 0x01,
    path: `emulator:nitrokey3:${serial.toString(16).padStart(8, '0')}`,
    product: 'Nitrokey 3',
    manufacturer: 'Nitrokey',
  };
}
