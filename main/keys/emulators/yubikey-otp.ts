import { randomBytes } from 'node:crypto';
import type { HidBackend } from '../hid/hid-device.js';
import { LatchkeyError } from '../../../shared/errors.js';
import { EmulatedYubiKeyOtp, emulatedDescriptor, type Clock, type EmulatedYubiKeyOtpOptions, type EmulatorFault } from './yubikey-otp/device.js';
import { factoryState, loadStateFile, saveStateFile, type EmulatorState, type RandomSource, type TouchPolicy } from './yubikey-otp/state.js';

export { EmulatedYubiKeyOtp, TOUCH_TIMEOUT_MS } from './yubikey-otp/device.js';
export { touchLevelOf } from './yubikey-otp/reports.js';
export type { Clock, EmulatorFault } from './yubikey-otp/device.js';
export { factoryState, formatTouchPolicy, parseTouchPolicy, stateFromJson, stateToJson } from './yubikey-otp/state.js';
export type { EmulatorState, RandomSource, SlotState, TouchPolicy } from './yubikey-otp/state.js';
export type { DecodedFrame, CommandOutcome, RejectReason } from './yubikey-otp/commands.js';
export { slotMode, type SlotMode } from './yubikey-otp/slot-config.js';

export interface OpenEmulatedYubiKeyOtpOptions {
  /** JSON file the key persists to (created 0600 on first change); absent = in memory only. */
  readonly stateFile?: string;
  /** The state to start from when there is no state file yet (default: a factory-fresh key). */
  readonly initialState?: EmulatorState;
  /** Overrides the touch policy kept in the state (and is saved with it on the next change). */
  readonly touchPolicy?: TouchPolicy;
  readonly clock?: Clock;
  /** Bytes for a fresh key's serial and factory credential; inject one so tests reproduce. */
  readonly random?: RandomSource;
  readonly faults?: readonly EmulatorFault[];
  readonly onFrame?: EmulatedYubiKeyOtpOptions['onFrame'];
}

/**
 * Opens an emulated YubiKey 5 OTP interface. With `stateFile`, separate runs (CLI commands, the
 * socket server) see the same key: the file is read here and rewritten, atomically, on every change.
 * A new state file is written at once, so the key's serial is the same in the next run.
 */
export function openEmulatedYubiKeyOtp(options: OpenEmulatedYubiKeyOtpOptions = {}): EmulatedYubiKeyOtp {
  const random = options.random ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const { stateFile } = options;
  const loaded = stateFile === undefined ? null : loadStateFile(stateFile);
  let state = loaded ?? options.initialState ?? factoryState(random);
  if (options.touchPolicy !== undefined) state = { ...state, touchPolicy: options.touchPolicy };
  if (stateFile !== undefined && (loaded === null || options.touchPolicy !== undefined)) saveStateFile(stateFile, state);
  return new EmulatedYubiKeyOtp({
    state,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.onFrame === undefined ? {} : { onFrame: options.onFrame }),
    ...(stateFile === undefined ? {} : { onChange: (next: EmulatorState) => { saveStateFile(stateFile, next); } }),
  });
}

/**
 * The emulated key as discovery sees a plugged-in key: `devices()` lists it (until `unplug()`),
 * each `open()` gives a fresh connection to the same key, so closing and reopening keeps its state
 * (in memory, and in `stateFile` when given). `current` is the last connection opened, for tests
 * that touch the key or inject faults.
 */
export interface EmulatedYubiKeyOtpBackend extends HidBackend {
  readonly current: EmulatedYubiKeyOtp | null;
  unplug(): void;
  plugIn(): void;
}

export function createEmulatedYubiKeyOtpBackend(options: OpenEmulatedYubiKeyOtpOptions = {}): EmulatedYubiKeyOtpBackend {
  let latest = openEmulatedYubiKeyOtp(options).snapshot();
  let current: EmulatedYubiKeyOtp | null = null;
  let plugged = true;
  const { stateFile } = options;
  return {
    get current() {
      return current;
    },
    devices: () => Promise.resolve(plugged ? [emulatedDescriptor(latest.serial)] : []),
    open: () => {
      if (!plugged) return Promise.reject(new LatchkeyError('KEY_NOT_FOUND', 'The emulated YubiKey is not plugged in.'));
      current = new EmulatedYubiKeyOtp({
        state: latest,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.faults === undefined ? {} : { faults: options.faults }),
        ...(options.onFrame === undefined ? {} : { onFrame: options.onFrame }),
        onChange: (next) => {
          latest = next;
          if (stateFile !== undefined) saveStateFile(stateFile, next);
        },
      });
      return Promise.resolve(current);
    },
    unplug: () => {
      plugged = false;
      current?.unplug();
    },
    plugIn: () => {
      plugged = true;
    },
  };
}
