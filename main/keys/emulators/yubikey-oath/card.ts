import { LatchkeyError } from '../../../../shared/errors.js';
import { systemKeyClock, type KeyClock } from '../../clock.js';
import { TouchWaiter } from '../oath-common/touch-wait.js';
import type { RandomSource, TouchPolicy } from '../yubikey-otp/state.js';
import { firstPart, parseCommandApdu, statusOnly, SW, withStatus } from './apdu.js';
import { INS, OATH_AID, oathCommand, selectOath, type AppletContext, type OathSession } from './applet.js';
import { MANAGEMENT_AID, managementCommand, selectManagement } from './management.js';
import type { OathCardState } from './state.js';

/** No source gives the OATH touch timeout; a 2017 report says the LED stops after about 20 s (sheet §10). */
export const OATH_TOUCH_TIMEOUT_MS = 20_000;

/** YubiKey 5 over USB: T=1, historical bytes end in "YubiKey" (sheet §1). */
export const YUBIKEY5_USB_ATR = Uint8Array.from(Buffer.from('3bfd1300008131fe158073c021c057597562694b657940', 'hex'));

const INS_SELECT = 0xa4;
const P1_SELECT_BY_AID = 0x04;

/**
 * Faults the emulated card can show:
 * - `unplug-after`: the first `apdus` APDUs are answered, then the card is gone (KEY_UNPLUGGED);
 * - `never-answer`: the next APDU is never answered (its transmit rejects when the card is unplugged);
 * - `corrupt-response`: one bit of the next answer's first byte is flipped;
 * - `touch-never`: whatever the touch policy, no touch arrives.
 */
export type OathCardFault =
  | { readonly kind: 'unplug-after'; readonly apdus: number }
  | { readonly kind: 'never-answer' }
  | { readonly kind: 'corrupt-response' }
  | { readonly kind: 'touch-never' };

export interface EmulatedYubiKeyOathOptions {
  readonly state: OathCardState;
  readonly clock?: KeyClock;
  readonly random: RandomSource;
  readonly faults?: readonly OathCardFault[];
  /** After every change of the state (PUT, DELETE, an HOTP CALCULATE, SET CODE, RESET…). */
  readonly onChange?: (state: OathCardState) => void;
  /** The touch policy now: the card asks before and during every touch wait (default: the state's). */
  readonly touchPolicy?: () => TouchPolicy;
  /** Every APDU and its answer, hex, for traces and benchmarks. */
  readonly onApdu?: (command: Uint8Array, response: Uint8Array | null) => void;
}

type Selected = 'oath' | 'management' | null;

/**
 * A YubiKey's CCID interface as a card: the OATH applet and the Management applet's answers,
 * written from shared/protocols/yubikey-oath-pcsc.md. `transmit` takes a command APDU and resolves
 * with data ‖ SW; answers that wait for a touch resolve when the touch comes (or 6982 after the
 * timeout). Commands are handled one at a time, as a card does.
 */
export class EmulatedYubiKeyOath {
  readonly atr = YUBIKEY5_USB_ATR;

  private state: OathCardState;
  private readonly clock: KeyClock;
  private readonly random: RandomSource;
  private readonly onChange: (state: OathCardState) => void;
  private readonly policy: () => TouchPolicy;
  private readonly onApdu: EmulatedYubiKeyOathOptions['onApdu'];
  private faults: OathCardFault[];
  private readonly touchWaiter = new TouchWaiter();
  private selected: Selected = null;
  private session: OathSession = { validated: false, selectChallenge: null };
  private pending: Uint8Array | null = null;
  private apdus = 0;
  private unplugged = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly hanging = new Set<(error: LatchkeyError) => void>();
  private readonly presenceListeners = new Set<(present: boolean) => void>();

  constructor(options: EmulatedYubiKeyOathOptions) {
    this.state = structuredClone(options.state);
    this.clock = options.clock ?? systemKeyClock;
    this.random = options.random;
    this.onChange = options.onChange ?? (() => undefined);
    this.policy = options.touchPolicy ?? (() => this.state.touchPolicy);
    this.onApdu = options.onApdu;
    this.faults = [...(options.faults ?? [])];
  }

  snapshot(): OathCardState {
    return structuredClone(this.state);
  }

  get touchPolicy(): TouchPolicy {
    return this.state.touchPolicy;
  }

  /** Replaces the touch policy kept in the state (saved with the next change). */
  setTouchPolicy(policy: TouchPolicy): void {
    this.state.touchPolicy = policy;
  }

  injectFault(fault: OathCardFault): void {
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

  get isUnplugged(): boolean {
    return this.unplugged;
  }

  /** Power off, power on and reset all leave nothing selected, no VALIDATE and no pending parts. */
  powerCycle(): void {
    this.touchWaiter.abort();
    this.selected = null;
    this.session = { validated: false, selectChallenge: null };
    this.pending = null;
  }

  /** Pulls the card out: pending and later transmits reject with KEY_UNPLUGGED. */
  unplug(): void {
    if (this.unplugged) return;
    this.unplugged = true;
    this.touchWaiter.abort();
    for (const reject of this.hanging) reject(unpluggedError());
    this.hanging.clear();
    for (const listener of [...this.presenceListeners]) listener(false);
  }

  /** Puts the card back: powered up afresh (nothing selected or unlocked), its state kept. */
  plugIn(): void {
    if (!this.unplugged) return;
    this.unplugged = false;
    this.powerCycle();
    for (const listener of [...this.presenceListeners]) listener(true);
  }

  /** Told each time the card is pulled out or put back: the emulated PC/SC service's card events. */
  onPresenceChange(listener: (present: boolean) => void): () => void {
    this.presenceListeners.add(listener);
    return () => {
      this.presenceListeners.delete(listener);
    };
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const run = this.queue.then(() => this.handle(Uint8Array.from(command)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async handle(command: Uint8Array): Promise<Uint8Array> {
    if (this.unplugged) throw unpluggedError();
    const unplugAfter = this.faults.find((f) => f.kind === 'unplug-after');
    if (unplugAfter !== undefined && this.apdus >= unplugAfter.apdus) {
      this.unplug();
      throw unpluggedError();
    }
    this.apdus++;
    if (this.takeFault('never-answer')) {
      this.onApdu?.(command, null);
      return new Promise((_resolve, reject) => this.hanging.add(reject));
    }
    let response = await this.answer(command);
    // Pulled out while it waited for a touch.
    if (this.isUnplugged) throw unpluggedError();
    if (this.takeFault('corrupt-response')) {
      response = Uint8Array.from(response);
      response[0] = (response[0] ?? 0) ^ 0x01;
    }
    this.onApdu?.(command, response);
    return response;
  }

  private async answer(bytes: Uint8Array): Promise<Uint8Array> {
    const apdu = parseCommandApdu(bytes);
    if (apdu === null) return statusOnly(SW.WRONG_LENGTH);
    if (apdu.cla !== 0x00) return statusOnly(SW.CLA_NOT_SUPPORTED);
    if (apdu.ins === INS_SELECT && apdu.p1 === P1_SELECT_BY_AID) return this.select(apdu.data);

    if (this.selected === 'management') {
      const result = managementCommand(apdu, this.state);
      return withStatus(result.data ?? new Uint8Array(0), result.sw);
    }
    if (this.selected !== 'oath') return statusOnly(SW.INS_NOT_SUPPORTED);

    if (apdu.ins === INS.SEND_REMAINING) {
      if (this.state.access !== null && !this.session.validated) return statusOnly(SW.SECURITY_NOT_SATISFIED);
      const rest = this.pending;
      this.pending = null;
      // Nothing pending: 9000 without data (sheet §5, as the NEO applet).
      return rest === null ? statusOnly(SW.OK) : this.chained(rest);
    }
    // Any other command drops the rest of a chained answer.
    this.pending = null;
    const working = structuredClone(this.state);
    const ctx: AppletContext = {
      state: working,
      session: this.session,
      random: this.random,
      touch: () =>
        this.touchWaiter.wait({
          clock: this.clock,
          timeoutMs: OATH_TOUCH_TIMEOUT_MS,
          policy: this.policy,
          touchNever: () => this.faults.some((f) => f.kind === 'touch-never'),
        }),
    };
    const result = await oathCommand(apdu, ctx);
    if (result.changed === true) {
      if (apdu.ins === INS.SET_CODE) this.session.validated = working.access !== null;
      this.commit(working);
    }
    if (result.sw !== SW.OK) return statusOnly(result.sw);
    return this.chained(result.data ?? new Uint8Array(0));
  }

  private select(aid: Uint8Array): Uint8Array {
    this.pending = null;
    if (sameAid(aid, OATH_AID)) {
      this.selected = 'oath';
      const result = selectOath({ state: this.state, session: this.session, random: this.random });
      return withStatus(result.data ?? new Uint8Array(0), result.sw);
    }
    if (sameAid(aid, MANAGEMENT_AID)) {
      this.selected = 'management';
      this.session = { validated: false, selectChallenge: null };
      const result = selectManagement(this.state);
      return withStatus(result.data, result.sw);
    }
    // OTP, FIDO, PIV, OpenPGP…: not on this card (ykman 4 probes them without a Management applet).
    return statusOnly(SW.FILE_NOT_FOUND);
  }

  private chained(data: Uint8Array): Uint8Array {
    const { response, rest } = firstPart(data);
    this.pending = rest;
    return response;
  }

  private commit(next: OathCardState): void {
    this.state = next;
    this.onChange(this.snapshot());
  }

  private takeFault(kind: 'never-answer' | 'corrupt-response'): boolean {
    const index = this.faults.findIndex((f) => f.kind === kind);
    if (index < 0) return false;
    this.faults.splice(index, 1);
    return true;
  }
}

function sameAid(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function unpluggedError(): LatchkeyError {
  return new LatchkeyError('KEY_UNPLUGGED', 'The emulated YubiKey was unplugged.');
}
