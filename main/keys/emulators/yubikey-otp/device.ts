import { LatchkeyError } from '../../../../shared/errors.js';
import type { KeyClock } from '../../clock.js';
import type { HidDescriptor, HidDevice } from '../../hid/hid-device.js';
import { decodeFrame, executeFrame, FRAME_SIZE, type DecodedFrame, type CommandOutcome, type RejectReason } from './commands.js';
import { hotpCode, slotMode } from './slot-config.js';
import { LAST_PART, REPORT_SIZE, PART_SIZE, RESP_TIMEOUT_WAIT_FLAG, responseParts, SEQUENCE_MASK, SLOT_WRITE_FLAG, statusReport } from './reports.js';
import type { EmulatorState } from './state.js';

/** `DEFAULT_CHAL_TIMEOUT` (sheet §7). */
export const TOUCH_TIMEOUT_MS = 15_000;

/** The emulator only reads the time; the drivers' `KeyClock` (a manual one in tests) fits. */
export type Clock = Pick<KeyClock, 'now'>;

/**
 * Faults the emulated key can show, as a real one does:
 * - `unplug-after`: the first `reports` calls (reads and writes alike) work, then the key is gone;
 * - `never-answer`: the next complete frame is never consumed (`stay-busy`: reads show the
 *   write flag forever) or every call from now on never settles until close/unplug (`hang`);
 * - `corrupt-response`: one bit of the next response part 0 is flipped, so the host's CRC fails;
 * - `touch-never`: whatever the touch policy, no touch arrives.
 */
export type EmulatorFault =
  | { readonly kind: 'unplug-after'; readonly reports: number }
  | { readonly kind: 'never-answer'; readonly mode: 'stay-busy' | 'hang' }
  | { readonly kind: 'corrupt-response' }
  | { readonly kind: 'touch-never' };

export interface EmulatedYubiKeyOtpOptions {
  readonly state: EmulatorState;
  readonly clock?: Clock;
  /** Called after every change of the state (a successful write, a typed HOTP code). */
  readonly onChange?: (state: EmulatorState) => void;
  /** Called with every complete frame the key decoded and what it did (null: never answered). */
  readonly onFrame?: (frame: DecodedFrame, outcome: CommandOutcome | null) => void;
  readonly faults?: readonly EmulatorFault[];
}

type Mode =
  | { readonly kind: 'idle' }
  /** One read shows the write flag of part 9 still set, then the key moves on. */
  | { readonly kind: 'busy'; readonly then: Mode }
  | { readonly kind: 'stuck' }
  | { readonly kind: 'touch-wait'; readonly data: Uint8Array; readonly since: number; shown: boolean; touched: boolean }
  | { readonly kind: 'responding'; readonly parts: readonly Uint8Array[]; next: number };

/**
 * A YubiKey 5's OTP interface behind the `HidDevice` interface, written from the protocol sheet
 * (shared/protocols/yubikey-otp-hid.md), not from our driver: 8-byte feature reports in, status
 * and response reports out.
 */
export class EmulatedYubiKeyOtp implements HidDevice {
  readonly descriptor: HidDescriptor;
  /** Why the last ignored command was ignored; the host only sees "no data" (sheet §2.5). */
  lastRejection: RejectReason | null = null;

  private state: EmulatorState;
  private readonly clock: Clock;
  private readonly onChange: (state: EmulatorState) => void;
  private readonly onFrame: EmulatedYubiKeyOtpOptions['onFrame'];
  private faults: EmulatorFault[];
  private mode: Mode = { kind: 'idle' };
  private frame: Uint8Array | null = null;
  private lastSeq = 0;
  private reportCalls = 0;
  private gone: 'unplugged' | 'closed' | null = null;
  private readonly hanging = new Set<(error: LatchkeyError) => void>();

  constructor(options: EmulatedYubiKeyOtpOptions) {
    this.state = structuredClone(options.state);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.onChange = options.onChange ?? (() => undefined);
    this.onFrame = options.onFrame;
    this.faults = [...(options.faults ?? [])];
    this.descriptor = emulatedDescriptor(this.state.serial);
  }

  /** A copy of what the key holds now (secrets included: it is an emulator). */
  snapshot(): EmulatorState {
    return structuredClone(this.state);
  }

  injectFault(fault: EmulatorFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Pulls the key out: every pending and later call rejects with KEY_UNPLUGGED. */
  unplug(): void {
    this.goAway('unplugged');
  }

  async sendFeatureReport(report: Uint8Array): Promise<void> {
    await this.enter();
    if (report.length !== REPORT_SIZE) throw new LatchkeyError('KEY_PROTOCOL', `a YubiKey OTP feature report is 8 bytes, not ${String(report.length)}`);
    this.receive(Uint8Array.from(report));
  }

  async getFeatureReport(length: number): Promise<Uint8Array> {
    await this.enter();
    if (length !== REPORT_SIZE) throw new LatchkeyError('KEY_PROTOCOL', `a YubiKey OTP feature report is 8 bytes, not ${String(length)}`);
    return this.nextReport();
  }

  /** The OTP interface is a keyboard: it takes no output reports. */
  async write(_report: Uint8Array): Promise<void> {
    await this.enter();
    throw new LatchkeyError('KEY_PROTOCOL', 'the YubiKey OTP interface takes feature reports only');
  }

  /** Keystrokes are not emulated, so no input report ever arrives (not even under `hang`: read never blocks). */
  async read(_timeoutMs: number): Promise<Uint8Array | null> {
    await this.enter({ mayHang: false });
    return null;
  }

  close(): Promise<void> {
    if (this.gone === null) this.goAway('closed');
    return Promise.resolve();
  }

  /**
   * A touch of the key's button: it answers a pending touch wait; on an idle key it is a short
   * press, which types slot 1 (returned, for an OATH-HOTP slot; its counter advances).
   */
  touch(): string | null {
    const waiting = this.mode.kind === 'busy' ? this.mode.then : this.mode;
    if (waiting.kind === 'touch-wait') {
      waiting.touched = true;
      return null;
    }
    return this.typeOtp(1);
  }

  /** What the key types for `slot` (short press = 1, long = 2): only OATH-HOTP codes are emulated. */
  typeOtp(slot: 1 | 2): string | null {
    const config = this.state.slots[slot === 1 ? 0 : 1];
    if (config === null || slotMode(config) !== 'oath-hotp') return null;
    const counter = config.counter ?? 0;
    const code = hotpCode(config, counter);
    config.counter = counter + 1;
    this.onChange(this.snapshot());
    return code;
  }

  /** Every call counts towards `unplug-after`; feature-report calls may hang under `never-answer: hang`. */
  private enter({ mayHang } = { mayHang: true }): Promise<void> {
    if (this.gone !== null) return Promise.reject(goneError(this.gone));
    const unplugAfter = this.faults.find((f) => f.kind === 'unplug-after');
    if (unplugAfter !== undefined && this.reportCalls >= unplugAfter.reports) {
      this.unplug();
      return Promise.reject(goneError('unplugged'));
    }
    this.reportCalls++;
    if (mayHang && this.faults.some((f) => f.kind === 'never-answer' && f.mode === 'hang')) {
      return new Promise((_resolve, reject) => this.hanging.add(reject));
    }
    return Promise.resolve();
  }

  private goAway(why: 'unplugged' | 'closed'): void {
    this.gone = why;
    for (const reject of this.hanging) reject(goneError(why));
    this.hanging.clear();
  }

  private receive(report: Uint8Array): void {
    const flags = report[REPORT_SIZE - 1] ?? 0;
    if ((flags & SLOT_WRITE_FLAG) === 0) return;
    if (this.mode.kind === 'stuck') return;
    const seq = flags & SEQUENCE_MASK;
    if (seq > LAST_PART) {
      // 0x8f (ykpers) or 0xff (yubikit): drop any pending response, back to status (sheet §2.1).
      this.mode = { kind: 'idle' };
      this.frame = null;
      return;
    }
    // A new frame abandons whatever response or touch wait was pending.
    this.mode = { kind: 'idle' };
    if (seq === 0) {
      // Parts 1..8 that are all zero are never sent (sheet §2.3): start from a zeroed frame.
      this.frame = new Uint8Array(FRAME_SIZE);
    } else if (this.frame === null || seq <= this.lastSeq) {
      this.frame = null;
      return;
    }
    this.frame.set(report.subarray(0, PART_SIZE), seq * PART_SIZE);
    this.lastSeq = seq;
    if (seq === LAST_PART) this.act(this.frame);
  }

  private act(frameBytes: Uint8Array): void {
    this.frame = null;
    const frame = decodeFrame(frameBytes);
    if (this.takeFault('never-answer')) {
      this.onFrame?.(frame, null);
      this.mode = { kind: 'stuck' };
      return;
    }
    const working = structuredClone(this.state);
    const outcome = executeFrame(working, frame);
    this.onFrame?.(frame, outcome);
    switch (outcome.kind) {
      case 'rejected':
        this.lastRejection = outcome.reason;
        this.mode = { kind: 'busy', then: { kind: 'idle' } };
        return;
      case 'written':
        this.lastRejection = null;
        this.state = working;
        this.onChange(this.snapshot());
        this.mode = { kind: 'busy', then: { kind: 'idle' } };
        return;
      case 'response':
        this.lastRejection = null;
        this.mode = {
          kind: 'busy',
          then: outcome.needsTouch
            ? { kind: 'touch-wait', data: outcome.data, since: this.clock.now(), shown: false, touched: false }
            : this.responding(outcome.data),
        };
    }
  }

  private nextReport(): Uint8Array {
    const mode = this.mode;
    switch (mode.kind) {
      case 'idle':
        return this.status(0);
      case 'stuck':
        return this.status(SLOT_WRITE_FLAG | LAST_PART);
      case 'busy':
        this.mode = mode.then;
        return this.status(SLOT_WRITE_FLAG | LAST_PART);
      case 'touch-wait':
        return this.touchWait(mode);
      case 'responding': {
        const index = mode.next % mode.parts.length;
        mode.next++;
        return mode.parts[index] ?? this.status(0);
      }
    }
  }

  private touchWait(mode: Extract<Mode, { kind: 'touch-wait' }>): Uint8Array {
    const elapsed = this.clock.now() - mode.since;
    if (this.touchArrived(mode, elapsed)) {
      this.mode = this.responding(mode.data);
      return this.nextReport();
    }
    if (elapsed >= TOUCH_TIMEOUT_MS) {
      // Timed out: back to status without data, nothing changed (sheet §2.5 item 3).
      this.mode = { kind: 'idle' };
      return this.status(0);
    }
    mode.shown = true;
    const secondsLeft = Math.min(SEQUENCE_MASK, Math.ceil((TOUCH_TIMEOUT_MS - elapsed) / 1000));
    return this.status(RESP_TIMEOUT_WAIT_FLAG | secondsLeft);
  }

  private touchArrived(mode: Extract<Mode, { kind: 'touch-wait' }>, elapsed: number): boolean {
    if (this.faults.some((f) => f.kind === 'touch-never')) return false;
    if (mode.touched) return true;
    const policy = this.state.touchPolicy;
    switch (policy.kind) {
      case 'auto':
        // The host sees the wait flag once, so a driver's "touch your key" path still runs.
        return mode.shown;
      case 'never':
        return false;
      case 'after':
        return elapsed >= policy.ms && policy.ms < TOUCH_TIMEOUT_MS;
    }
  }

  private responding(data: Uint8Array): Mode {
    const parts = responseParts(data);
    const first = parts[0];
    if (first !== undefined && this.takeFault('corrupt-response')) {
      const corrupted = Uint8Array.from(first);
      corrupted[0] = (corrupted[0] ?? 0) ^ 0x01;
      parts[0] = corrupted;
    }
    return { kind: 'responding', parts, next: 0 };
  }

  private status(flags: number): Uint8Array {
    return statusReport(this.state, flags);
  }

  /** Removes a one-shot fault; true when it was armed. */
  private takeFault(kind: 'never-answer' | 'corrupt-response'): boolean {
    const index = this.faults.findIndex((f) => f.kind === kind && (f.kind !== 'never-answer' || f.mode === 'stay-busy'));
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }
}

function goneError(why: 'unplugged' | 'closed'): LatchkeyError {
  return why === 'unplugged'
    ? new LatchkeyError('KEY_UNPLUGGED', 'The YubiKey was unplugged.')
    : new LatchkeyError('KEY_UNPLUGGED', 'The YubiKey connection is closed.');
}

/** What HID discovery would report for a YubiKey 5 (OTP+FIDO+CCID) OTP interface. */
export function emulatedDescriptor(serial: number): HidDescriptor {
  return {
    vendorId: 0x1050,
    productId: 0x0407,
    serialNumber: undefined,
    interfaceNumber: 0,
    usagePage: 0x0001,
    usage: 0x0006,
    path: `emulator:yubikey-otp:${String(serial)}`,
    product: 'YubiKey OTP+FIDO+CCID',
    manufacturer: 'Yubico',
  };
}
